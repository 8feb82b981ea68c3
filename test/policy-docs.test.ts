/** docs/policies.md and policies/config/*.json are generated; this fails when they are stale. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { catalog } from "../policies/profiles";
import { renderPoliciesMarkdown, renderPolicyConfigs } from "../tools/policy-docs/render";
import { EXPECTED_LEVELS, EXPECTED_RULES } from "./policies/expected-rules";

const root = join(__dirname, "..");
const STALE = "stale: run `npx tsx tools/policy-docs/generate.ts` and commit the result";

describe("generated policy docs and configs", () => {
  it("docs/policies.md is up to date", () => {
    expect(readFileSync(join(root, "docs/policies.md"), "utf8"), STALE).toBe(renderPoliciesMarkdown());
  });

  it("policies/config/<stack>.json are up to date", () => {
    for (const [stack, text] of Object.entries(renderPolicyConfigs())) {
      const onDisk = JSON.parse(readFileSync(join(root, "policies/config", `${stack}.json`), "utf8"));
      expect(onDisk, `${stack}.json ${STALE}`).toEqual(JSON.parse(text));
    }
  });

  it("documents exactly the hand-written rules, with their area, levels and severity", () => {
    const markdown = readFileSync(join(root, "docs/policies.md"), "utf8");
    const rows = [
      ...markdown.matchAll(/^\| `([a-z0-9-]+)` \| (\w+) \| (\w+) \| (\w+) \| (\w+) \| (\w+) \|/gm),
    ];
    const documented = Object.fromEntries(rows.map(([, name, ...cells]) => [name, cells]));
    const expected = Object.fromEntries(
      Object.entries(EXPECTED_RULES).map(([name, [, area, severity]]) => [
        name,
        [area, ...EXPECTED_LEVELS[area], severity],
      ]),
    );
    expect(documented).toEqual(expected);
    expect(markdown).toContain(
      "| `gke-no-client-certificate` | security | mandatory | mandatory | mandatory | high |",
    );
    expect(markdown).toMatch(/`gke-no-client-certificate` .*\| CKV_GCP_13 \| AVD-GCP-0064 \|/);
  });

  it("every rule is described completely", () => {
    const names = new Set<string>();
    for (const rule of catalog()) {
      expect(rule.name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(names.has(rule.name), `duplicate ${rule.name}`).toBe(false);
      names.add(rule.name);
      // Prose: its exact wording is not a known value; a sentence of some length is the property.
      expect(rule.description.length, rule.name).toBeGreaterThan(10);
      expect(rule.remediationSteps.length, rule.name).toBeGreaterThan(10);
      expect(["low", "medium", "high", "critical"]).toContain(rule.severity);
    }
  });
});
