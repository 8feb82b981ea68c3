import { IMPERSONATION_PERMISSIONS, normalizePermission } from "../../components/ci-identity/escalation";
import { decodePolicyDocument } from "../../policies/lib/policy-document";
import { isPredefinedRole, permissionsOf } from "../../policies/lib/roles";
import type { PlannedResource } from "../plan/model";

/**
 * Every way a stack lets a principal impersonate a service account, read from the planned
 * resources: grants on the account itself and on its project, folder or organization, through
 * `IAMMember`, `IAMBinding` and authoritative `IAMPolicy` (`policyData`, decoded as the provider
 * does: keys matched as Go matches them), of any role holding a permission that impersonates
 * (`iam.serviceAccounts.getAccessToken`, `actAs`, `getOpenIdToken`, `signBlob`, `signJwt`,
 * `implicitDelegation`): workloadIdentityUser, serviceAccountTokenCreator, serviceAccountUser,
 * owner, editor, custom roles declared in the stack. When the stack leaves something unreadable
 * (a custom role defined elsewhere, a policy document that does not decode, a folder or
 * organization grant whose reach is outside the stack), the grant is assumed to apply: the
 * simulator may say "can" where Google says no, never "cannot" where the stack says yes.
 */

export interface ImpersonationGrant {
  /** Email of the service account the grant reaches. */
  serviceAccount: string;
  /** The member as written (`principalSet://...`, `serviceAccount:x@p...`, `allUsers`, ...). */
  member: string;
  role: string;
  /** Why the role counts: the impersonation permissions it holds, or the assumption made. */
  because: string;
  /** Where: `service account`, `project acme-x`, `folder 123`, `organization 456`. */
  scope: string;
  /** URN of the resource that grants it. */
  urn: string;
  /** The binding carries an IAM condition; it is assumed to hold. */
  conditional: boolean;
}

const SERVICE_ACCOUNT_TYPE = "gcp:serviceaccount/account:Account";

/** Resource types that grant roles, by the level they grant at. */
const GRANT_TYPES: Readonly<Record<string, { level: Level; kind: "member" | "binding" | "policy" }>> = {
  "gcp:serviceaccount/iAMMember:IAMMember": { level: "account", kind: "member" },
  "gcp:serviceaccount/iAMBinding:IAMBinding": { level: "account", kind: "binding" },
  "gcp:serviceaccount/iAMPolicy:IAMPolicy": { level: "account", kind: "policy" },
  "gcp:projects/iAMMember:IAMMember": { level: "project", kind: "member" },
  "gcp:projects/iAMBinding:IAMBinding": { level: "project", kind: "binding" },
  "gcp:projects/iAMPolicy:IAMPolicy": { level: "project", kind: "policy" },
  "gcp:folder/iAMMember:IAMMember": { level: "folder", kind: "member" },
  "gcp:folder/iAMBinding:IAMBinding": { level: "folder", kind: "binding" },
  "gcp:folder/iAMPolicy:IAMPolicy": { level: "folder", kind: "policy" },
  "gcp:organizations/iAMMember:IAMMember": { level: "organization", kind: "member" },
  "gcp:organizations/iAMBinding:IAMBinding": { level: "organization", kind: "binding" },
  "gcp:organizations/iAMPolicy:IAMPolicy": { level: "organization", kind: "policy" },
};

type Level = "account" | "project" | "folder" | "organization";

/** The grant family of a resource type; own keys only, so `constructor` or `__proto__` find nothing. */
function grantTypeOf(type: string): (typeof GRANT_TYPES)[string] | undefined {
  return Object.hasOwn(GRANT_TYPES, type) ? GRANT_TYPES[type] : undefined;
}

const CUSTOM_ROLE_TYPES = {
  "gcp:projects/iAMCustomRole:IAMCustomRole": (inputs: Record<string, unknown>) =>
    `projects/${String(inputs.project ?? "")}/roles/${String(inputs.roleId ?? "")}`,
  "gcp:organizations/iAMCustomRole:IAMCustomRole": (inputs: Record<string, unknown>) =>
    `organizations/${String(inputs.orgId ?? "")}/roles/${String(inputs.roleId ?? "")}`,
} as const;

interface RawBinding {
  role: string;
  members: string[];
  conditional: boolean;
}

/** Every impersonation grant of the stack, one per (account, member, role, resource). */
export function impersonationGrants(resources: readonly PlannedResource[]): ImpersonationGrant[] {
  const customRoles = new Map<string, string[]>();
  for (const resource of resources) {
    if (!Object.hasOwn(CUSTOM_ROLE_TYPES, resource.type)) continue;
    const name = CUSTOM_ROLE_TYPES[resource.type as keyof typeof CUSTOM_ROLE_TYPES];
    const permissions = Array.isArray(resource.inputs.permissions)
      ? resource.inputs.permissions.map(String)
      : [];
    customRoles.set(name(resource.inputs), permissions);
  }
  const accounts = knownAccounts(resources);
  const grants: ImpersonationGrant[] = [];
  for (const resource of resources) {
    const grantType = grantTypeOf(resource.type);
    if (!grantType) continue;
    const inputs = resource.inputs;
    const targets = targetsOf(grantType.level, inputs, accounts);
    for (const binding of bindingsOf(grantType.kind, inputs)) {
      const because = impersonationReason(binding.role, customRoles);
      if (!because) continue;
      for (const target of targets.accounts) {
        for (const member of binding.members) {
          grants.push({
            serviceAccount: target,
            member,
            role: binding.role,
            because,
            scope: targets.scope,
            urn: resource.urn,
            conditional: binding.conditional,
          });
        }
      }
    }
  }
  return grants;
}

/** Why a role lets its holder impersonate, or undefined when it does not. */
export function impersonationReason(
  role: string,
  customRoles: ReadonlyMap<string, string[]>,
): string | undefined {
  const held = (permissions: Iterable<string>) =>
    [...permissions]
      .map(normalizePermission)
      .filter((permission) => (IMPERSONATION_PERMISSIONS as readonly string[]).includes(permission))
      .sort();
  if (isPredefinedRole(role)) {
    const found = held(permissionsOf(role) ?? []);
    return found.length > 0 ? `holds ${found.join(", ")}` : undefined;
  }
  const custom = customRoles.get(role);
  if (custom) {
    const found = held(custom);
    return found.length > 0 ? `custom role holding ${found.join(", ")}` : undefined;
  }
  return "a role not defined in the stack or by Google: assumed to allow impersonation";
}

/** The service accounts a grant at one level reaches, and how to name that level. */
function targetsOf(
  level: Level,
  inputs: Record<string, unknown>,
  accounts: Map<string, string>,
): { accounts: string[]; scope: string } {
  switch (level) {
    case "account":
      return { accounts: [emailOf(String(inputs.serviceAccountId ?? ""))], scope: "the service account" };
    case "project": {
      const project = String(inputs.project ?? "");
      return {
        accounts: [...accounts].filter(([, p]) => p === project).map(([email]) => email),
        scope: `project ${project}`,
      };
    }
    case "folder":
      // Which projects sit under the folder is not in the stack: assume all of them.
      return { accounts: [...accounts.keys()], scope: `folder ${String(inputs.folder ?? "")}` };
    case "organization":
      return { accounts: [...accounts.keys()], scope: `organization ${String(inputs.orgId ?? "")}` };
  }
}

/** Service accounts the stack declares or names, with their project (from the email's domain). */
function knownAccounts(resources: readonly PlannedResource[]): Map<string, string> {
  const accounts = new Map<string, string>();
  const add = (email: string) => {
    const project = /^[^@]+@([^.]+)\.iam\.gserviceaccount\.com$/.exec(email)?.[1];
    if (project) accounts.set(email, project);
  };
  for (const resource of resources) {
    if (resource.type === SERVICE_ACCOUNT_TYPE) {
      const { accountId, project } = resource.inputs as { accountId?: unknown; project?: unknown };
      if (typeof accountId === "string" && typeof project === "string")
        accounts.set(`${accountId}@${project}.iam.gserviceaccount.com`, project);
    } else if (grantTypeOf(resource.type)?.level === "account") {
      add(emailOf(String(resource.inputs.serviceAccountId ?? "")));
    }
  }
  return accounts;
}

function bindingsOf(kind: "member" | "binding" | "policy", inputs: Record<string, unknown>): RawBinding[] {
  const conditional = inputs.condition !== undefined && inputs.condition !== null;
  if (kind === "member") {
    return [{ role: String(inputs.role ?? ""), members: [String(inputs.member ?? "")], conditional }];
  }
  if (kind === "binding") {
    const members = Array.isArray(inputs.members) ? inputs.members.map(String) : [];
    return [{ role: String(inputs.role ?? ""), members, conditional }];
  }
  return policyBindings(inputs.policyData);
}

/**
 * The bindings of an IAM policy document, decoded as the provider decodes `policyData` (Go's
 * encoding/json: keys matched with Unicode case folding, see policies/lib/policy-document.ts). A
 * document that does not decode, or that the provider could read differently from a plain reader
 * (a key given twice, a key outside the format), is assumed to grant every role to everyone, so it
 * can never hide a grant.
 */
export function policyBindings(policyData: unknown): RawBinding[] {
  const undecodable = [{ role: "(unreadable policy document)", members: ["allUsers"], conditional: false }];
  if (typeof policyData !== "string") return undecodable;
  const decoded = decodePolicyDocument(policyData);
  if (decoded.problem !== undefined) return undecodable;
  return decoded.document.bindings.map((binding) => ({
    role: binding.role,
    members: binding.members,
    conditional: binding.condition !== undefined,
  }));
}

/** `projects/p/serviceAccounts/x@p.iam.gserviceaccount.com` (or the bare email) -> the email. */
export function emailOf(serviceAccountId: string): string {
  return serviceAccountId.split("/").pop() ?? serviceAccountId;
}
