/** docs/policies.md and policies/config/*.json are generated; this fails when they are stale. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { catalog } from "../policies/profiles";
import { renderPoliciesMarkdown, renderPolicyConfigs } from "../tools/policy-docs/render";

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

  it("documents every rule with levels, severity and check ids or a dash", () => {
    const markdown = renderPoliciesMarkdown();
    for (const rule of catalog()) {
      expect(markdown).toMatch(
        new RegExp(
          `^\\| \`${rule.name}\` \\| ${rule.meta.category} \\| (advisory|mandatory) \\| (advisory|mandatory) \\| (advisory|mandatory) \\| ${rule.severity} \\|`,
          "m",
        ),
      );
    }
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
      expect(rule.description.length, rule.name).toBeGreaterThan(10);
      expect(rule.remediationSteps.length, rule.name).toBeGreaterThan(10);
      expect(["low", "medium", "high", "critical"]).toContain(rule.severity);
    }
  });
});
