/** Planning a team's project: its files read as the Pulumi CLI reads them, StackReferences from planned outputs. */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { UserInputError } from "../../stacks/config/errors";
import { readStackFile } from "../../stacks/config/load";
import { markedOutputs, runUnderMocks, UNKNOWN_VALUE, wireOutputs } from "../../tools/plan/mock-runtime";
import { planStackInput } from "../../tools/plan/plan";
import {
  engineConfigOf,
  loadProjectInput,
  outputsForReference,
  type PlannedStackOutputs,
  readStackOutputsFiles,
  tierFor,
} from "../../tools/plan/project";
import { renderOutputs } from "../../tools/plan/report";

function folder(files: Record<string, string>): string {
  const directory = mkdtempSync(join(tmpdir(), "team-project-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(directory, name), text);
  return directory;
}

const planned = (project: string, stack: string, tier?: string): PlannedStackOutputs => ({
  file: `${stack}.json`,
  project,
  stack,
  outputs: { values: tier ? { tier } : {}, unknownPaths: [], secretPaths: [] },
});

describe("a team's Pulumi.yaml and stack file", () => {
  it("qualifies keys with the project, keeps JSON for structures and replaces secure values", () => {
    expect(
      engineConfigOf("team-service", {
        environment: "payments",
        "gcp:region": "europe-west1",
        replicas: 3,
        github: { organizationId: "81234567" },
        token: { secure: "v1:abc" },
      }),
    ).toEqual({
      engineConfig: {
        "team-service:environment": "payments",
        "gcp:region": "europe-west1",
        "team-service:replicas": "3",
        "team-service:github": '{"organizationId":"81234567"}',
        "team-service:token": "offline-plan-secret-placeholder",
      },
      secretKeys: ["team-service:token"],
    });
  });

  it("runs main as the language host does: the file named, or the folder's index", () => {
    const directory = folder({
      "Pulumi.yaml": "name: svc\nruntime:\n  name: nodejs\n",
      "Pulumi.dev.yaml": "config:\n  svc:a: b\n",
      "index.ts": "export const x = 1;\n",
    });
    expect(loadProjectInput({ stack: "dev", cwd: directory })).toEqual({
      stack: "dev",
      project: "svc",
      program: join(directory, "index.ts"),
      stackFile: "Pulumi.dev.yaml",
      engineConfig: { "svc:a": "b" },
      secretKeys: [],
      typescript: true,
    });
  });

  it("names the file, the key, what was expected and what was found", () => {
    const notNode = folder({ "Pulumi.yaml": "name: svc\nruntime: python\n", "index.ts": "" });
    expect(() => loadProjectInput({ stack: "dev", cwd: notNode })).toThrow(
      'Pulumi.yaml: runtime: expected nodejs (platform-plan runs Node.js programs), found "python"',
    );
    const noStack = folder({ "Pulumi.yaml": "name: svc\nruntime: nodejs\n", "index.ts": "" });
    expect(() => loadProjectInput({ stack: "dev", cwd: noStack })).toThrow(
      "Pulumi.dev.yaml: (file): expected a readable stack config file (a regular file of at most 1 MiB), found no such file",
    );
    const noProgram = folder({
      "Pulumi.yaml": "name: svc\nruntime: nodejs\nmain: app/\n",
      "Pulumi.dev.yaml": "",
    });
    expect(() => loadProjectInput({ stack: "dev", cwd: noProgram })).toThrow(
      "Pulumi.yaml: main: expected a program file (index.ts or index.js), found none at app/",
    );
    const brokenYaml = folder({ "Pulumi.yaml": "name: svc\nruntime: [nodejs\n", "index.ts": "" });
    expect(() => loadProjectInput({ stack: "dev", cwd: brokenYaml })).toThrow(
      new UserInputError([
        "Pulumi.yaml: (YAML): expected valid YAML, found Flow sequence in block collection must be sufficiently indented and end with a ] (line 3, column 1)",
      ]),
    );
  });
});

describe("planned outputs files", () => {
  it("matches a StackReference by its project and stack, with or without the organization", () => {
    const files = [planned("platform", "dev"), planned("platform", "prod")];
    expect(outputsForReference("acme/platform/prod", files)).toBe(files[1]);
    expect(outputsForReference("platform/dev", files)).toBe(files[0]);
    expect(outputsForReference("acme/billing/dev", files)).toBeUndefined();
    expect(outputsForReference("dev", files)).toBeUndefined();
  });

  it("refuses a file that is not a plan's outputs, naming the path inside it", () => {
    const directory = folder({
      "bad.json": JSON.stringify({ stack: "dev", project: "platform", outputs: { values: {} } }),
    });
    expect(() => readStackOutputsFiles(["bad.json"], directory)).toThrow(
      "bad.json: outputs.unknownPaths: expected a list, found nothing (the key is missing)",
    );
  });

  it("takes the policy tier from --tier, else the stack's name, else the platform stack's tier output", () => {
    expect(tierFor("qa", "prod", [])).toBe("prod");
    expect(tierFor("staging", undefined, [planned("platform", "prod", "prod")])).toBe("staging");
    expect(tierFor("eu-1", undefined, [planned("platform", "prod", "prod")])).toBe("prod");
    expect(() =>
      tierFor("eu-1", undefined, [planned("platform", "dev", "dev"), planned("platform", "prod", "prod")]),
    ).toThrow(
      "command line: --tier: expected dev, staging or prod for stack eu-1 (its policy profile), found nothing",
    );
    expect(() => tierFor("dev", "qa", [])).toThrow(
      'command line: --tier: expected one of dev, staging, prod, found "qa"',
    );
  });
});

describe("stack outputs", () => {
  it("marks values unknown at preview and secrets, with their paths, and prints them so", () => {
    const outputs = markedOutputs({
      tier: "dev",
      ci: { pool: { name: UNKNOWN_VALUE, ids: ["1", UNKNOWN_VALUE] } },
      token: { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value: "s3cret" },
    });
    expect(outputs).toEqual({
      values: {
        tier: "dev",
        ci: { pool: { name: "[unknown]", ids: ["1", "[unknown]"] } },
        token: "[secret]",
      },
      unknownPaths: ["ci.pool.name", "ci.pool.ids[1]"],
      secretPaths: ["token"],
    });
    expect(renderOutputs(outputs)).toEqual([
      "Stack outputs (2 unknown until pulumi up):",
      "  tier = dev",
      "  ci.pool.name = (unknown until pulumi up)",
      "  ci.pool.ids[0] = 1",
      "  ci.pool.ids[1] = (unknown until pulumi up)",
      "  token = [secret]",
    ]);
    expect(wireOutputs(outputs.values, outputs.unknownPaths)).toEqual({
      tier: "dev",
      ci: { pool: { name: UNKNOWN_VALUE, ids: ["1", UNKNOWN_VALUE] } },
      token: "[secret]",
    });
  });

  it("a program reading a StackReference whose planned outputs hold an unknown sees them unknown, as the SDK does", async () => {
    const pulumi = await import("@pulumi/pulumi");
    const isKnown = (output: unknown) => (output as { isKnown: Promise<boolean> }).isKnown;
    const known: Record<string, boolean> = {};
    await runUnderMocks({
      project: "svc",
      stack: "dev",
      stackReferences: (name) =>
        name === "acme/platform/dev"
          ? wireOutputs({ projectId: "[unknown]", tier: "dev" }, ["projectId"])
          : undefined,
      program: async () => {
        const platform = new pulumi.StackReference("acme/platform/dev");
        // `outputs` is one property: one unknown value in it leaves every output unknown at preview.
        known.projectId = await isKnown(platform.getOutput("projectId"));
        known.tier = await isKnown(platform.getOutput("tier"));
        return {};
      },
    });
    expect(known).toEqual({ projectId: false, tier: false });
  });

  it("a fully known reference resolves each output", async () => {
    const pulumi = await import("@pulumi/pulumi");
    let tier: unknown;
    await runUnderMocks({
      project: "svc",
      stack: "dev",
      stackReferences: (name) =>
        name === "acme/platform/dev" ? wireOutputs({ tier: "dev" }, []) : undefined,
      program: async () => {
        const platform = new pulumi.StackReference("acme/platform/dev");
        tier = await new Promise((resolve) => platform.getOutput("tier").apply(resolve));
        return {};
      },
    });
    expect(tier).toBe("dev");
  });

  it("the example's planned platform outputs are the dev stack's current ones (regenerate: see examples/team-service/README.md)", async () => {
    const committed = JSON.parse(
      readFileSync("examples/team-service/stack-outputs/platform-dev.json", "utf8"),
    );
    const loaded = readStackFile("stacks/Pulumi.dev.yaml");
    // A team references a platform stack that is up: its outputs are known.
    const { result } = await planStackInput(
      { stack: "dev", stackFile: "stacks/Pulumi.dev.yaml", loaded },
      { outputs: "known" },
    );
    expect(committed).toEqual({ stack: "dev", project: "platform", outputs: result.outputs });
    expect(result.outputs?.values.ci).toMatchObject({
      pool: {
        name: "projects/210029687797/locations/global/workloadIdentityPools/github-actions",
        organizationId: "81234567",
        deployRef: "refs/heads/main",
      },
    });
  });
});
