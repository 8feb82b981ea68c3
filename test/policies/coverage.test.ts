/**
 * Every resource type of the installed @pulumi/gcp that can grant access, open a network path or
 * hold data is judged by a security or reliability rule, or listed with a reason as out of scope in
 * docs/policies.md. A new SDK release that adds such a type fails here until someone decides.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { grantsAccess } from "../../policies/lib/iam";
import type { PlatformResourceRule } from "../../policies/lib/rule";
import { catalog } from "../../policies/profiles";
import { isSecurityRelevantType, OUT_OF_SCOPE } from "../../policies/scope";

/** Type tokens of every resource class the SDK ships, read from its modules' `__pulumiType`. */
function sdkResourceTypes(): string[] {
  const root = dirname(require.resolve("@pulumi/gcp/package.json"));
  const types = new Set<string>();
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name === "node_modules" || entry.name === "types") continue;
    for (const file of readdirSync(join(root, entry.name))) {
      if (!file.endsWith(".js")) continue;
      const text = readFileSync(join(root, entry.name, file), "utf8");
      for (const match of text.matchAll(/__pulumiType = '([^']+)'/g)) types.add(match[1]);
    }
  }
  return [...types].sort();
}

const sdkTypes = sdkResourceTypes();
const judging = catalog().filter(
  (rule): rule is PlatformResourceRule =>
    rule.kind === "resource" && (rule.meta.category === "security" || rule.meta.category === "reliability"),
);
/** IAM grants are also judged as a whole by the stack rules (deploy identities, escalation reach). */
const judged = (type: string) => grantsAccess(type) || judging.some((rule) => rule.appliesTo(type));
const docs = readFileSync(join(__dirname, "../../docs/policies.md"), "utf8");
const outOfScopeInDocs = new Map(
  [...docs.slice(docs.indexOf("## Out of scope")).matchAll(/^\| `([^`]+)` \| (.+) \|$/gm)].map((m) => [
    m[1],
    m[2],
  ]),
);

describe("coverage of @pulumi/gcp resource types", () => {
  it("reads the SDK's own type tokens", () => {
    // The exact number moves with every @pulumi/gcp release; a short list would mean a broken reader.
    expect(sdkTypes.length).toBeGreaterThan(1000);
    expect(sdkTypes).toContain("gcp:compute/firewall:Firewall");
    expect(sdkTypes).toContain("gcp:storage/hmacKey:HmacKey");
  });
  it("classifies types by what they can do", () => {
    for (const type of [
      "gcp:projects/iAMMember:IAMMember",
      "gcp:compute/firewallPolicyWithRules:FirewallPolicyWithRules",
      "gcp:spanner/database:Database",
      "gcp:projects/apiKey:ApiKey",
    ])
      expect(isSecurityRelevantType(type), type).toBe(true);
    expect(isSecurityRelevantType("gcp:monitoring/dashboard:Dashboard")).toBe(false);
  });
  it("judges or explicitly leaves out every type that grants access, opens a network path or holds data", () => {
    const missing = sdkTypes
      .filter(isSecurityRelevantType)
      .filter((type) => !judged(type) && !outOfScopeInDocs.has(type));
    expect(missing).toEqual([]);
  });
  it("lists out of scope only real, unjudged types, each with a reason", () => {
    const listed = OUT_OF_SCOPE.flatMap((group) => group.types);
    expect(listed.filter((type) => !sdkTypes.includes(type))).toEqual([]);
    expect(listed.filter(judged)).toEqual([]);
    expect([...outOfScopeInDocs.keys()].sort()).toEqual([...listed].sort());
    for (const group of OUT_OF_SCOPE) {
      for (const type of group.types) expect(outOfScopeInDocs.get(type), type).toBe(group.reason);
      // Prose: a reason of a few words at least, its wording is not a known value.
      expect(group.reason.length, group.types[0]).toBeGreaterThan(20);
    }
  });
});
