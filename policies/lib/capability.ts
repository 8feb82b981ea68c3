/**
 * What a role lets its holder do, judged from its permissions (Google's predefined roles from
 * data/gcp-iam, custom roles from their `permissions` in the stack), never from its name.
 *
 * Three questions the rules ask:
 * - act as: does the role let a member act as a service account (attach it, mint its tokens, sign
 *   as it, create keys for it, or rewrite who may do so)?
 * - escalate: does it let a member give itself or others more access than it has (set IAM
 *   policies of the hierarchy or of service accounts, act as accounts, edit roles, rewrite workload
 *   identity pools or organization policies)?
 * - change: does it hold any permission other than reading?
 * A role whose permissions are unknown (a custom role not defined in the stack, a misspelt role)
 * answers yes to all three: the pack cannot show it is harmless.
 */
import { permissionsOf } from "./roles";

/** Permissions that let the holder act as a service account or mint its credentials. */
export const IMPERSONATION_PERMISSIONS = [
  "iam.serviceAccounts.actAs",
  "iam.serviceAccounts.getAccessToken",
  "iam.serviceAccounts.getOpenIdToken",
  "iam.serviceAccounts.implicitDelegation",
  "iam.serviceAccounts.signBlob",
  "iam.serviceAccounts.signJwt",
] as const;

/** Permissions that let a member act as (or take over) a service account. */
export const ACT_AS_PERMISSIONS: readonly string[] = [
  ...IMPERSONATION_PERMISSIONS,
  "iam.serviceAccounts.setIamPolicy",
  "iam.serviceAccountKeys.create",
];

/** Permissions beyond acting as an account that let a member raise its own access. */
const ESCALATION_PERMISSIONS: readonly string[] = [
  ...ACT_AS_PERMISSIONS,
  "resourcemanager.projects.setIamPolicy",
  "resourcemanager.folders.setIamPolicy",
  "resourcemanager.organizations.setIamPolicy",
  "iam.roles.create",
  "iam.roles.update",
  "orgpolicy.policy.set",
  "orgpolicy.policies.create",
  "orgpolicy.policies.update",
  "orgpolicy.policies.delete",
  "iam.googleapis.com/workloadIdentityPools.create",
  "iam.googleapis.com/workloadIdentityPools.update",
  "iam.googleapis.com/workloadIdentityPools.setIamPolicy",
  "iam.googleapis.com/workloadIdentityPoolProviders.create",
  "iam.googleapis.com/workloadIdentityPoolProviders.update",
  "iam.googleapis.com/workloadIdentityPoolProviderKeys.create",
  "iam.workloadIdentityPools.createPolicyBinding",
  "iam.workloadIdentityPools.updatePolicyBinding",
];

/**
 * Verbs that only read (or use a key to decrypt what the holder may read anyway). Anything else
 * changes something, so an unfamiliar verb counts as a change.
 */
const READ_VERB =
  /^(get|list|search|query|analyze|test|validate|lookup|check|read|view|show|verify|capacity|useToDecrypt|usePrivate|export|download|reportMetrics)/;

/** Custom roles defined in the stack, by full name (`projects/<p>/roles/<id>`, `organizations/<o>/roles/<id>`). */
export type CustomRoles = ReadonlyMap<string, ReadonlySet<string>>;

/** The role's permissions, or undefined when the pack cannot know them. */
export function roleCapabilities(
  role: string,
  customRoles: CustomRoles = new Map(),
): ReadonlySet<string> | undefined {
  return permissionsOf(role) ?? customRoles.get(role);
}

function some(role: string, customRoles: CustomRoles, test: (permission: string) => boolean): boolean {
  const permissions = roleCapabilities(role, customRoles);
  if (permissions === undefined) return true;
  for (const permission of permissions) if (test(permission)) return true;
  return false;
}

export function isEscalationPermission(permission: string): boolean {
  return (
    ESCALATION_PERMISSIONS.includes(permission) ||
    (permission.endsWith(".setIamPolicy") && /^(resourcemanager|iam)\./.test(permission))
  );
}

export function canActAs(role: string, customRoles?: CustomRoles): boolean {
  return some(role, customRoles ?? new Map(), (permission) => ACT_AS_PERMISSIONS.includes(permission));
}

export function canEscalate(role: string, customRoles?: CustomRoles): boolean {
  return some(role, customRoles ?? new Map(), isEscalationPermission);
}

export function isChangePermission(permission: string): boolean {
  const verb = permission.slice(permission.lastIndexOf(".") + 1);
  return !READ_VERB.test(verb);
}

export function canChange(role: string, customRoles?: CustomRoles): boolean {
  return some(role, customRoles ?? new Map(), isChangePermission);
}

/** Why `role` can escalate, for messages: the first escalation permissions it holds, or "unknown permissions". */
export function escalationReason(role: string, customRoles?: CustomRoles): string {
  const permissions = roleCapabilities(role, customRoles);
  if (permissions === undefined) return "its permissions are unknown to the pack";
  const found = [...permissions].filter(isEscalationPermission).sort();
  return `it holds ${found.slice(0, 2).join(", ")}${found.length > 2 ? ` and ${found.length - 2} more` : ""}`;
}
