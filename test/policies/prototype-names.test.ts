/**
 * Names from stack inputs that are also members of Object.prototype (`constructor`, `__proto__`,
 * `toString`...) are looked up as own keys only: they find nothing in the pack's tables and never
 * crash a rule.
 */
import { describe, expect, it } from "vitest";
import { withDefaults } from "../../policies/lib/context";
import { grantsOf } from "../../policies/lib/iam";
import { isPredefinedRole, permissionsOf, roleHasPermission } from "../../policies/lib/roles";
import { iamRules } from "../../policies/rules/iam";
import { ruleNamed, runResource } from "./harness";

const PROTOTYPE_NAMES = [
  "constructor",
  "__proto__",
  "toString",
  "hasOwnProperty",
  "valueOf",
  "isPrototypeOf",
];
const ACL_LIST_TYPES = [
  "gcp:storage/bucketACL:BucketACL",
  "gcp:storage/objectACL:ObjectACL",
  "gcp:storage/defaultObjectACL:DefaultObjectACL",
];

describe("grantsOf with predefined ACL names that are Object.prototype members", () => {
  for (const type of ACL_LIST_TYPES) {
    it.each(PROTOTYPE_NAMES)(`${type}: predefinedAcl and defaultAcl %j grant nothing`, (name) => {
      expect(grantsOf(type, { predefinedAcl: name })).toEqual({ grants: [] });
      expect(grantsOf(type, { defaultAcl: name })).toEqual({ grants: [] });
      expect(grantsOf(type, { predefinedAcl: ` ${name.toUpperCase()} ` })).toEqual({ grants: [] });
    });
  }

  it("a real public ACL next to such a name is still found", () => {
    expect(
      grantsOf("gcp:storage/bucketACL:BucketACL", { predefinedAcl: "__proto__", defaultAcl: "publicRead" }),
    ).toEqual({ grants: [{ role: "READER", member: "allUsers", where: "defaultAcl" }] });
  });

  it("iam-no-public-members judges such a resource without an error", () => {
    const rule = ruleNamed(iamRules, "iam-no-public-members");
    for (const name of PROTOTYPE_NAMES) {
      const outcome = runResource(rule, {
        type: "gcp:storage/bucketACL:BucketACL",
        props: { bucket: "b", predefinedAcl: name, roleEntities: ["READER:allUsers"] },
      });
      expect(outcome.error, name).toBeUndefined();
      expect(outcome.messages, name).toEqual([
        "roleEntities[0]: allUsers is granted READER; this makes the resource public.",
      ]);
    }
  });
});

describe("role names that are Object.prototype members", () => {
  it.each(PROTOTYPE_NAMES)("%j is not a predefined role and holds no permission", (name) => {
    expect(isPredefinedRole(name)).toBe(false);
    expect(permissionsOf(name)).toBeUndefined();
    expect(roleHasPermission(name, "iam.serviceAccounts.actAs")).toBe(false);
  });
});

describe("policy config properties named like Object.prototype members", () => {
  it("a __proto__ property from a config file is an ordinary key: it lends no setting to the others", () => {
    const given = JSON.parse('{"__proto__": {"maxPortRangeSize": 65535, "stack": "dev"}}') as Record<
      string,
      unknown
    >;
    const config = withDefaults<{ maxPortRangeSize?: number }>({ properties: {} }, given);
    expect(config.maxPortRangeSize).toBeUndefined();
    expect(config.stack).toBe("prod");
    expect(config.failClosedOnUnknown).toBe(true);
  });
});
