/**
 * The README's "Add a team and its environment": its two YAML blocks, applied to a copy of a stack
 * file, plan with zero mandatory violations and give the new team a complete environment.
 * And the README's `platform:ci` table documents every key of the schema, no more.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ciConfigSchema } from "../../stacks/config/ci";
import { loadStackInput } from "../../tools/plan/input";
import { planStackInput } from "../../tools/plan/plan";
import { startPolicyCheck } from "../../tools/plan/policy";
import { applyWalkthrough } from "../helpers/walkthrough";

const README = readFileSync("README.md", "utf8");
const FIXTURE = "test/fixtures/stacks/Pulumi.fixture.yaml";

describe("README: add a team and its environment", () => {
  it("plans a stack file with the new team and environment: zero mandatory violations, full baseline", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "walkthrough-")), "Pulumi.fixture.yaml");
    writeFileSync(file, applyWalkthrough(readFileSync(FIXTURE, "utf8")));
    const input = loadStackInput({ stack: "fixture", stackFile: file });
    // The fixture's three environments, and the README's new one after them.
    expect(input.loaded.config.environments.map((env) => env.name)).toEqual([
      "platform",
      "payments",
      "api",
      "search",
    ]);
    const policy = startPolicyCheck(input, { today: "2026-12-01" });
    const plan = await planStackInput(input);
    const report = await policy.finish(plan);
    expect(report.violations.filter((v) => v.enforcementLevel === "mandatory")).toEqual([]);
    const environment = plan.result.resources.find(
      (r) => r.type === "platform:environment:GcpEnvironment" && r.name === "search",
    )!;
    const children = plan.result.resources.filter((r) => r.parent === environment.urn);
    const types = new Set(children.map((r) => r.type));
    for (const type of [
      "gcp:organizations/project:Project",
      "gcp:compute/routerNat:RouterNat",
      "gcp:billing/budget:Budget",
      "gcp:logging/projectSink:ProjectSink",
      "gcp:kms/cryptoKey:CryptoKey",
    ])
      expect(types.has(type), type).toBe(true);
    const project = children.find((r) => r.type === "gcp:organizations/project:Project")!;
    expect(project.inputs).toMatchObject({ projectId: "acme-search-dev", labels: { team: "search" } });
  }, 300_000);
});

/** Every key path of a zod object schema (`a.b`, `list[].c`). */
function keyPaths(schema: unknown, prefix = ""): string[] {
  const def = (schema as { _zod: { def: Record<string, unknown> } })._zod.def;
  switch (def.type) {
    case "optional":
    case "default":
    case "nullable":
    case "pipe":
      return keyPaths(def.innerType ?? def.in, prefix);
    case "array":
      return keyPaths(def.element, `${prefix}[]`);
    case "object":
      return Object.entries(def.shape as Record<string, unknown>).flatMap(([key, value]) => {
        const path = prefix ? `${prefix}.${key}` : key;
        const below = keyPaths(value, path);
        return below.length > 0 && below[0] !== path ? [path, ...below] : [path];
      });
    default:
      return [];
  }
}

describe("README: platform:ci keys", () => {
  it("documents every key of the schema, and only those", () => {
    const table = README.split("<!-- ci-keys -->")[1]!.split("\n## ")[0]!;
    const documented = [...table.matchAll(/^\| `([^`]+)` \|/gm)].map((match) => match[1]);
    const leaves = keyPaths(ciConfigSchema).filter(
      (path) => !["github", "platformRepository", "state"].includes(path),
    );
    expect(documented.sort()).toEqual(leaves.sort());
    expect(table).toContain("gh api repos/OWNER/REPO --jq .id");
  });
});
