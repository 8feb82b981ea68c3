/**
 * Writes docs/policies.md and policies/config/<stack>.json from the rules in policies/.
 * Run: npx tsx tools/policy-docs/generate.ts   (test/policy-docs.test.ts fails when they are stale)
 */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { renderPoliciesMarkdown, renderPolicyConfigs } from "./render";

const root = join(__dirname, "..", "..");
writeFileSync(join(root, "docs", "policies.md"), renderPoliciesMarkdown());
for (const [stack, text] of Object.entries(renderPolicyConfigs())) {
  writeFileSync(join(root, "policies", "config", `${stack}.json`), text);
}
// Formatted by Biome so `biome check` stays clean; the staleness test compares the JSON, not the layout.
execFileSync(
  process.execPath,
  [join(root, "node_modules", "@biomejs", "biome", "bin", "biome"), "format", "--write", "policies/config"],
  { cwd: root, stdio: "ignore" },
);
console.log("wrote docs/policies.md and policies/config/{dev,staging,prod}.json");
