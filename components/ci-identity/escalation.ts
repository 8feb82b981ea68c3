import { IMPERSONATION_PERMISSIONS } from "../../policies/lib/capability";
import { isPredefinedRole, permissionsOf } from "../../policies/lib/roles";
import { PRIMITIVE_ROLES } from "./roles";

/**
 * Which roles let their holder gain more access than they were given, judged by the role's
 * permissions (Google's role data, policies/lib/roles.ts), not by its name: a role Google renames or
 * adds tomorrow is judged by what it can do.
 */

/** Permissions that let the holder act as a service account or mint its credentials (one list for the pack and the config). */
export { IMPERSONATION_PERMISSIONS } from "../../policies/lib/capability";

/**
 * Permissions that escalate besides impersonation: long-lived keys for accounts (service account
 * and HMAC keys), new trust (Workload Identity pools, providers and their policy bindings), new
 * permissions (custom roles), and org policies that lift the platform's constraints.
 */
const OTHER_ESCALATION_PERMISSIONS = new Set([
  "iam.serviceAccountKeys.create",
  "iam.serviceAccounts.undelete",
  "storage.hmacKeys.create",
  "iam.roles.create",
  "iam.roles.update",
  "iam.workloadIdentityPools.create",
  "iam.workloadIdentityPools.update",
  "iam.workloadIdentityPools.undelete",
  "iam.workloadIdentityPools.createPolicyBinding",
  "iam.workloadIdentityPools.updatePolicyBinding",
  "iam.workloadIdentityPoolProviders.create",
  "iam.workloadIdentityPoolProviders.update",
  "iam.workloadIdentityPoolProviders.undelete",
  "iam.workloadIdentityPoolProviderKeys.create",
  "orgpolicy.policy.set",
  "orgpolicy.policies.create",
  "orgpolicy.policies.update",
]);

/** True for a permission that can grant access (`*.setIamPolicy`), impersonate, or create trust or keys. */
export function isEscalationPermission(permission: string): boolean {
  return isEscalationName(normalizePermission(permission));
}

/** Newer permissions are spelled `iam.googleapis.com/workloadIdentityPools.create`: read as `iam.workloadIdentityPools.create`. */
export function normalizePermission(permission: string): string {
  return permission.replace(/^([a-z0-9-]+)\.googleapis\.com\//, "$1.");
}

function isEscalationName(permission: string): boolean {
  return (
    permission.endsWith(".setIamPolicy") ||
    (IMPERSONATION_PERMISSIONS as readonly string[]).includes(permission) ||
    OTHER_ESCALATION_PERMISSIONS.has(permission)
  );
}

export type RoleJudgement =
  | { ok: true }
  | { ok: false; reason: "primitive" | "not-predefined" }
  | { ok: false; reason: "escalation"; permissions: string[] };

/**
 * Whether a role may be given to a product team's CI identity: a predefined, non-primitive role
 * holding no escalation permission.
 */
export function judgeProductRole(role: string): RoleJudgement {
  if ((PRIMITIVE_ROLES as readonly string[]).includes(role)) return { ok: false, reason: "primitive" };
  if (!isPredefinedRole(role)) return { ok: false, reason: "not-predefined" };
  const permissions = [...(permissionsOf(role) ?? [])].filter(isEscalationPermission).sort();
  return permissions.length === 0 ? { ok: true } : { ok: false, reason: "escalation", permissions };
}

/** True when the role holds any permission that impersonates a service account. */
export function roleCanImpersonate(role: string): boolean {
  const permissions = permissionsOf(role);
  return permissions !== undefined && IMPERSONATION_PERMISSIONS.some((p) => permissions.has(p));
}
