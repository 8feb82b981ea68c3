import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { type CliRun, runPlan as plan } from "../helpers/cli";

/** The tests' own stack config: the bundled stack files may change freely. */
const FIXTURE = "test/fixtures/stacks/Pulumi.fixture.yaml";
const scratch = mkdtempSync(join(tmpdir(), "plan-cli-"));

// One run of the dev plan writes the report, the JSON and the comment; each test reads its part
// (the outputs do not depend on one another, and a full plan with the pack is the suite's costliest step).
let dev: CliRun;
beforeAll(async () => {
  dev = await plan(
    "--stack",
    "dev",
    "--json",
    join(scratch, "dev.json"),
    "--markdown",
    join(scratch, "dev.md"),
  );
});

describe("npm run plan", () => {
  it("plans the dev stack: tree, counts by type, exit 0", async () => {
    const result = dev;
    expect(result.stderr).not.toMatch(/Error|at .+\.ts:\d+/);
    expect(result.stdout).toContain("Offline plan of stack dev (project platform)");
    expect(result.stdout).toContain("├─ payments  platform:environment:GcpEnvironment");
    expect(result.stdout).toMatch(/gcp:projects\/service:Service\s+\d+\n/);
    expect(result.code).toBe(0);
  });

  it("writes the plan as JSON with the documented field names", async () => {
    const file = join(scratch, "dev.json");
    const result = dev;
    expect(result.code).toBe(0);
    const json = JSON.parse(readFileSync(file, "utf8"));
    expect(Object.keys(json).sort()).toEqual([
      "monitoring",
      "outputMode",
      "outputs",
      "policy",
      "project",
      "resources",
      "stack",
      "summary",
    ]);
    expect(json.stack).toBe("dev");
    // Every resource has the required fields, and the optional ones only when they apply.
    const required = ["custom", "inputs", "name", "parent", "protect", "type", "urn"];
    const optional = new Set(["aliases", "dependencies", "propertyDependencies", "secretPaths"]);
    for (const resource of json.resources as Record<string, unknown>[])
      expect(
        Object.keys(resource)
          .filter((key) => !optional.has(key))
          .sort(),
        String(resource.urn),
      ).toEqual(required);
    expect(json.summary.resourceCount).toBe(json.resources.length);
    // A first preview: a new service account's member is unknown, written as `pulumi preview --json` does.
    expect(json.outputMode).toBe("preview");
    const stateGrant = json.resources.find(
      (r: { type: string; name: string }) =>
        r.type === "gcp:storage/bucketIAMMember:BucketIAMMember" && r.name === "ci-deploy-state-bucket",
    );
    expect(stateGrant.inputs.member).toBe("04da6b54-80e4-46f7-96ec-b56ff0331ba9");
    expect(stateGrant.propertyDependencies.member).toEqual([
      "urn:pulumi:dev::platform::platform:ci:CiIdentity$gcp:serviceaccount/account:Account::ci-deploy",
    ]);
    expect(result.stdout).toContain(
      "ci-deploy-state-bucket  gcp:storage/bucketIAMMember:BucketIAMMember  [member (known after up)]",
    );
    const vpc = json.resources.find((r: { name: string }) => r.name === "payments-vpc");
    expect(vpc).toMatchObject({
      urn: "urn:pulumi:dev::platform::platform:environment:GcpEnvironment$gcp:compute/network:Network::payments-vpc",
      type: "gcp:compute/network:Network",
      parent: "urn:pulumi:dev::platform::platform:environment:GcpEnvironment::payments",
      custom: true,
      protect: false,
      inputs: { autoCreateSubnetworks: false, name: "vpc", project: "acme-payments-dev" },
    });
  });

  it("with --known-outputs, resolves computed values as after a first up", async () => {
    const file = join(scratch, "dev-known.json");
    // The pack's view of known outputs is checked in stacks.test.ts; this is about the command.
    const result = await plan("--stack", "dev", "--known-outputs", "--json", file, "--skip-policy");
    expect(result.code).toBe(0);
    const text = readFileSync(file, "utf8");
    expect(text).not.toContain("04da6b54-80e4-46f7-96ec-b56ff0331ba9");
    expect(result.stdout).not.toContain("(known after up)");
    const json = JSON.parse(text);
    expect(json.outputMode).toBe("known");
    const stateGrant = json.resources.find(
      (r: { type: string; name: string }) =>
        r.type === "gcp:storage/bucketIAMMember:BucketIAMMember" && r.name === "ci-deploy-state-bucket",
    );
    expect(stateGrant.inputs.member).toBe(
      "serviceAccount:deploy-platform@acme-platform-dev.iam.gserviceaccount.com",
    );
  });

  it("writes the pull-request comment with --markdown", async () => {
    const file = join(scratch, "dev.md");
    const result = dev;
    expect(result.code).toBe(0);
    const markdown = readFileSync(file, "utf8");
    expect(markdown.split("\n")[0]).toBe("<!-- platform-plan-summary:stack=dev -->");
    expect(markdown).toContain("### Offline plan for stack `dev`");
    expect(markdown).toContain("gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider");
    expect(markdown.length).toBeLessThan(65_536);
  });

  it("plans a stack file from elsewhere", async () => {
    const file = join(scratch, "Pulumi.qa.yaml");
    writeFileSync(file, readFileSync("stacks/Pulumi.staging.yaml", "utf8"));
    const result = await plan("--stack", "qa", "--stack-file", file);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Offline plan of stack qa");
    expect(result.stdout).toContain("platform-qa  pulumi:pulumi:Stack");
  });

  it("exits 2 with a readable message for a broken stack file, without a stack trace", async () => {
    const file = join(scratch, "Pulumi.broken.yaml");
    writeFileSync(
      file,
      readFileSync(FIXTURE, "utf8").replace("budget: { amount: 800 }", "budget: { amount: -1 }"),
    );
    const line = readFileSync(FIXTURE, "utf8").split("\n").indexOf("      budget: { amount: 800 }") + 1;
    const result = await plan("--stack", "broken", "--stack-file", file);
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe(
      `${file}: platform:environments[1].budget.amount: expected a number greater than 0, found number -1 (line ${line})`,
    );
    expect(result.stdout).toBe("");
  });

  it.each([
    [
      ["--stack", "qa"],
      "stacks/Pulumi.qa.yaml: (file): expected a readable stack config file (a regular file of at most 1 MiB), found no such file",
    ],
    [["--stak", "dev"], "command line: Unknown option '--stak'"],
    [[], "command line: --stack: expected a stack name, found nothing"],
    [
      ["--stack", "../etc"],
      "command line: --stack: expected a stack name of letters, digits, '-', '_' or '.', found \"../etc\"",
    ],
    [
      ["--stack", "dev", "extra"],
      "command line: Unexpected argument 'extra'. This command does not take positional arguments",
    ],
  ])("exits 2 for bad arguments %j", async (args, message) => {
    const result = await plan(...args);
    expect(result.code).toBe(2);
    expect(result.stderr.split("\n")[0]).toBe(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it("exits 2 before planning when --json points into a missing folder", async () => {
    const result = await plan("--stack", "dev", "--json", "/nonexistent-folder/plan.json");
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe(
      "/nonexistent-folder/plan.json: (file): expected a path in a writable folder, found ENOENT for /nonexistent-folder",
    );
    expect(result.stdout).toBe("");
  });

  it("prints usage with --help", async () => {
    const result = await plan("--help");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("usage: npm run plan -- --stack <name>");
  });
});
