/**
 * The fixture pack (test/fixtures/analyzer-pack) started as the engine starts it and driven over
 * the real Analyzer gRPC protocol. One pack process serves the whole file.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { benchResources } from "../../tools/analyzer/bench";
import {
  openPolicyPack,
  PolicyConfigError,
  PolicyPackError,
  type PolicyPackSession,
  runPolicyPack,
} from "../../tools/analyzer/index";
import { unknownStringValue } from "../../tools/analyzer/properties";
import type { PlannedResource } from "../../tools/plan/model";

const packDir = path.join(__dirname, "../fixtures/analyzer-pack");
const configFile = (name: string) => path.join(packDir, "config", name);

const stackUrn = "urn:pulumi:dev::shop::pulumi:pulumi:Stack::shop-dev";
const archiveUrn = "urn:pulumi:dev::shop::platform:storage:Archive::archive";
const logsUrn = "urn:pulumi:dev::shop::platform:storage:Archive$gcp:storage/bucket:Bucket::logs";
const scratchUrn = "urn:pulumi:dev::shop::gcp:storage/bucket:Bucket::scratch";
const pendingUrn = "urn:pulumi:dev::shop::gcp:storage/bucket:Bucket::pending";
const bucketType = "gcp:storage/bucket:Bucket";

const resources: PlannedResource[] = [
  {
    urn: stackUrn,
    type: "pulumi:pulumi:Stack",
    name: "shop-dev",
    parent: null,
    custom: false,
    protect: false,
    inputs: {},
  },
  {
    urn: archiveUrn,
    type: "platform:storage:Archive",
    name: "archive",
    parent: stackUrn,
    custom: false,
    protect: false,
    inputs: {},
  },
  {
    urn: logsUrn,
    type: bucketType,
    name: "logs",
    parent: archiveUrn,
    custom: true,
    protect: true,
    // "[secret]" is how the plan redacts secrets; the engine would send it in a secret envelope.
    inputs: {
      labels: { owner: "data", "cost-center": "42" },
      versioning: { enabled: true },
      secretToken: "[secret]",
      __defaults: [],
    },
    secretPaths: ["secretToken"],
    dependencies: [scratchUrn],
  },
  {
    urn: scratchUrn,
    type: bucketType,
    name: "scratch",
    parent: stackUrn,
    custom: true,
    protect: false,
    inputs: { labels: {}, versioning: { enabled: false } },
  },
  {
    urn: pendingUrn,
    type: bucketType,
    name: "pending",
    parent: stackUrn,
    custom: true,
    protect: false,
    inputs: { labels: { owner: "web" }, versioning: unknownStringValue },
  },
];

const cantRunVersioning =
  "can't run policy 'bucket-versioning' from policy pack 'fixture-policies@v0.0.1' during preview: " +
  "string value at .versioning can't be known during preview";

let session: PolicyPackSession;

beforeAll(async () => {
  session = await openPolicyPack({ packDir, stack: "dev", project: "shop", dryRun: true });
});

afterAll(async () => {
  await session?.close();
});

describe("a policy pack over the Analyzer protocol", () => {
  it("reports the pack's own levels and severities when no config file is given", async () => {
    const result = await session.run({ resources });
    expect(result.pack).toEqual({ name: "fixture-policies", version: "0.0.1" });
    expect(result.exemptions).toEqual([]);
    expect(result.violations).toEqual([
      {
        policyName: "bucket-versioning",
        enforcementLevel: "mandatory",
        severity: "high",
        urn: scratchUrn,
        // The pack prefixes the description; the two trailing spaces of the policy's text are gone.
        message: "Storage buckets keep object versions.\nBucket 'scratch' must enable versioning.",
      },
      {
        policyName: "required-label",
        enforcementLevel: "advisory",
        severity: "low",
        urn: scratchUrn,
        message: "Resources carry the configured label.\nMissing label 'owner'.",
      },
      // An unknown input makes the policy unrunnable: the pack reports that as advisory.
      {
        policyName: "bucket-versioning",
        enforcementLevel: "advisory",
        severity: "high",
        urn: pendingUrn,
        message: cantRunVersioning,
      },
      {
        policyName: "stack-size",
        enforcementLevel: "advisory",
        severity: "medium",
        urn: logsUrn,
        message:
          "A stack stays small; every child names an existing parent.\n" +
          "Protected resource (parent: platform:storage:Archive; depends on: scratch).",
      },
    ]);
    expect(
      result.policies.map(({ name, enforcementLevel, severity, type }) => ({
        name,
        enforcementLevel,
        severity,
        type,
      })),
    ).toEqual([
      { name: "bucket-versioning", enforcementLevel: "mandatory", severity: "high", type: "resource" },
      { name: "required-label", enforcementLevel: "advisory", severity: "low", type: "resource" },
      { name: "stack-size", enforcementLevel: "advisory", severity: "medium", type: "stack" },
    ]);
  });

  it("applies a config file: `all`, per-policy settings and a per-policy level over `all`", async () => {
    const result = await session.run({ resources, configFile: configFile("strict.json") });
    expect(result.violations).toEqual([
      {
        policyName: "bucket-versioning",
        enforcementLevel: "mandatory",
        severity: "high",
        urn: scratchUrn,
        message: "Storage buckets keep object versions.\nBucket 'scratch' must enable versioning.",
      },
      {
        policyName: "required-label",
        enforcementLevel: "mandatory",
        severity: "low",
        urn: scratchUrn,
        message: "Resources carry the configured label.\nMissing label 'cost-center'.",
      },
      {
        policyName: "required-label",
        enforcementLevel: "mandatory",
        severity: "low",
        urn: scratchUrn,
        message: "Resources carry the configured label.\nExpected at least 2 labels, found 0.",
      },
      {
        policyName: "bucket-versioning",
        enforcementLevel: "advisory",
        severity: "high",
        urn: pendingUrn,
        message: cantRunVersioning,
      },
      {
        policyName: "required-label",
        enforcementLevel: "mandatory",
        severity: "low",
        urn: pendingUrn,
        message: "Resources carry the configured label.\nMissing label 'cost-center'.",
      },
      {
        policyName: "required-label",
        enforcementLevel: "mandatory",
        severity: "low",
        urn: pendingUrn,
        message: "Resources carry the configured label.\nExpected at least 2 labels, found 1.",
      },
      {
        policyName: "stack-size",
        enforcementLevel: "advisory",
        severity: "medium",
        urn: "",
        message:
          "A stack stays small; every child names an existing parent.\nThe stack has 5 resources; at most 3 allowed.",
      },
      {
        policyName: "stack-size",
        enforcementLevel: "advisory",
        severity: "medium",
        urn: logsUrn,
        message:
          "A stack stays small; every child names an existing parent.\n" +
          "Protected resource (parent: platform:storage:Archive; depends on: scratch).",
      },
    ]);
    expect(result.policies.map((policy) => policy.enforcementLevel)).toEqual([
      "mandatory",
      "mandatory",
      "advisory",
    ]);
  });

  it("rejects a config naming a policy the pack does not have", async () => {
    const file = configFile("unknown-policy.json");
    await expect(session.run({ resources, configFile: file })).rejects.toThrow(
      new PolicyConfigError(file, [
        'bucket-versoning: expected a policy of pack "fixture-policies" (bucket-versioning, required-label, stack-size) or "all", found an unknown name',
      ]),
    );
  });

  it("rejects settings that fail the policy's config schema, with the engine's messages", async () => {
    const file = configFile("schema-violation.json");
    const error = await session.run({ resources, configFile: file }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PolicyConfigError);
    expect((error as Error).message).toBe(
      [
        `${file}: required-label: label: String length must be greater than or equal to 1`,
        `${file}: required-label: minLabels: Invalid type. Expected: integer, given: string`,
      ].join("\n"),
    );
  });

  it("rejects an invalid enforcement level and a missing file before starting any pack", async () => {
    const badLevel = configFile("bad-level.json");
    const missing = configFile("missing.json");
    const common = { packDir: "/nonexistent-pack", stack: "dev", project: "shop", dryRun: true, resources };
    await expect(runPolicyPack({ ...common, configFile: badLevel })).rejects.toThrow(
      `${badLevel}: bucket-versioning: expected an enforcement level (advisory, mandatory, remediate, disabled), found string "blocking"`,
    );
    await expect(runPolicyPack({ ...common, configFile: missing })).rejects.toThrow(
      `${missing}: (root): expected a policy pack config file (JSON) (a regular file of at most 1 MiB), found no such file`,
    );
  });

  it("keeps registration order with many calls in flight", async () => {
    const many = benchResources(301);
    const result = await session.run({ resources: many, concurrency: 7 });
    const expected = many.filter((_, index) => index > 0 && index % 10 === 0).map((resource) => resource.urn);
    expect(
      result.violations.filter((violation) => violation.policyName === "bucket-versioning").map((v) => v.urn),
    ).toEqual(expected);
    expect(result.violations.at(-1)).toMatchObject({ policyName: "stack-size", urn: "" });
  });

  it("gives the same report when analyze calls are dealt over two pack processes", async () => {
    const many = benchResources(101);
    const single = await session.run({ resources: many, configFile: configFile("strict.json") });
    const sharded = await runPolicyPack({
      packDir,
      stack: "dev",
      project: "shop",
      dryRun: true,
      processes: 2,
      resources: many,
      configFile: configFile("strict.json"),
    });
    expect(sharded.violations).toEqual(single.violations);
    expect(sharded.violations.length).toBe(111);
  });

  it("still serves the previous defaults after a rejected config", async () => {
    const result = await session.run({ resources });
    expect(result.violations.map((violation) => violation.enforcementLevel)).toEqual([
      "mandatory",
      "advisory",
      "advisory",
      "advisory",
    ]);
  });
});

describe("pack process failures", () => {
  const brokenDir = path.join(packDir, ".generated-broken-pack");

  beforeAll(() => {
    fs.mkdirSync(brokenDir, { recursive: true });
    fs.copyFileSync(path.join(packDir, "PulumiPolicy.yaml"), path.join(brokenDir, "PulumiPolicy.yaml"));
    fs.copyFileSync(path.join(packDir, "package.json"), path.join(brokenDir, "package.json"));
    // Written at test time so the repository's own type-check never sees the deliberate error.
    fs.writeFileSync(
      path.join(brokenDir, "index.ts"),
      'const port: number = "not a number";\nexport { port };\n',
    );
  });

  afterAll(() => {
    fs.rmSync(brokenDir, { recursive: true, force: true });
  });

  it("quotes the pack's stderr when ts-node rejects the pack", async () => {
    const error = await runPolicyPack({
      packDir: brokenDir,
      stack: "dev",
      project: "shop",
      dryRun: true,
      resources,
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PolicyPackError);
    const message = (error as Error).message;
    expect(message).toContain(`policy pack at "${brokenDir}" exited with code 32`);
    expect(message).toContain("error TS2322: Type 'string' is not assignable to type 'number'.");
  });

  it("refuses a folder without PulumiPolicy.yaml, as the engine does", async () => {
    const folder = path.join(packDir, "config");
    await expect(
      runPolicyPack({ packDir: folder, stack: "dev", project: "shop", dryRun: true, resources }),
    ).rejects.toThrow(
      `failed to load Pulumi policy project located at "${folder}": ${path.join(folder, "PulumiPolicy.yaml")} not found`,
    );
  });

  it("refuses a PulumiPolicy.yaml that is not YAML before starting anything, naming the file", async () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), "broken-policy-project-"));
    try {
      fs.writeFileSync(path.join(folder, "PulumiPolicy.yaml"), "runtime: nodejs\ndescription: [unclosed\n");
      const error = await runPolicyPack({
        packDir: folder,
        stack: "dev",
        project: "shop",
        dryRun: true,
        resources,
      }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(PolicyPackError);
      expect((error as Error).message.split("\n")[0]).toMatch(
        new RegExp(
          `^failed to load Pulumi policy project located at "${escapeRegExp(folder)}": ${escapeRegExp(path.join(folder, "PulumiPolicy.yaml"))}: expected valid YAML, found .+`,
        ),
      );
      // The parser's own " at line N, column M" suffix is dropped, as for stack files.
      expect((error as Error).message).not.toMatch(/ at line \d+, column \d+/);
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
