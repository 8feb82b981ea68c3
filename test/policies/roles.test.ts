import { describe, expect, it } from "vitest";
import {
  isPredefinedRole,
  permissionsOf,
  predefinedRoles,
  roleDataSource,
  roleHasPermission,
} from "../../policies/lib/roles";

// Expectations from Google's IAM reference pages, written by hand.
describe("predefined role data", () => {
  it("knows Google's roles and refuses names Google does not define", () => {
    expect(isPredefinedRole("roles/billing.costsManager")).toBe(true);
    expect(isPredefinedRole("roles/iam.workloadIdentityUser")).toBe(true);
    expect(isPredefinedRole("roles/billing.costManager")).toBe(false);
    expect(isPredefinedRole("projects/acme/roles/custom")).toBe(false);
    expect(isPredefinedRole("constructor")).toBe(false);
    expect(isPredefinedRole("__proto__")).toBe(false);
    expect(predefinedRoles()).toHaveLength(2461);
  });

  it("reads each role's permissions", () => {
    expect(roleHasPermission("roles/billing.costsManager", "billing.budgets.create")).toBe(true);
    expect(roleHasPermission("roles/billing.user", "billing.budgets.create")).toBe(false);
    expect(
      roleHasPermission("roles/iam.serviceAccountTokenCreator", "iam.serviceAccounts.getAccessToken"),
    ).toBe(true);
    expect(roleHasPermission("roles/iam.serviceAccountUser", "iam.serviceAccounts.actAs")).toBe(true);
    expect(roleHasPermission("roles/viewer", "iam.serviceAccounts.actAs")).toBe(false);
    expect(roleHasPermission("roles/no.such", "iam.serviceAccounts.actAs")).toBe(false);
    expect(permissionsOf("roles/iam.workloadIdentityUser")).toEqual(
      new Set([
        "iam.serviceAccounts.get",
        "iam.serviceAccounts.getAccessToken",
        "iam.serviceAccounts.getOpenIdToken",
        "iam.serviceAccounts.list",
      ]),
    );
    expect(permissionsOf("roles/no.such")).toBeUndefined();
  });

  it("records its provenance", () => {
    expect(roleDataSource()).toContain("2073fa52ac008a45477aa0b1b4580cd99135bf60");
  });
});
