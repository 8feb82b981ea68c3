import { decodePolicyDocument } from "./policy-document";
import type { Props } from "./rule";
/**
 * Reading IAM grants out of every GCP resource family that grants access, by type token.
 *
 * Families: `*IAMMember` / `*IamMember` (role + member), `*IAMBinding` / `*IamBinding` (role +
 * members), `*IAMPolicy` / `*IamPolicy` (policyData JSON), BigQuery `Dataset.accesses` and
 * `DatasetAccess`, and the legacy Cloud Storage ACL resources (`*AccessControl` with `entity`;
 * `BucketACL` / `ObjectACL` / `DefaultObjectACL` with `roleEntities` and predefined ACLs). Members
 * are normalised to IAM member syntax (`user:a@b`, `group:...`, `allUsers`) so rules judge one shape.
 */

export interface Grant {
  role: string;
  member: string;
  /** Where the grant came from, for messages: `member`, `members[2]`, `policyData.bindings[0]`... */
  where: string;
}

export interface GrantsResult {
  grants: Grant[];
  /** Set when a policyData document could not be read: rules must not treat that as "no grants". */
  problem?: string;
}

const IAM_FAMILY = /^gcp:[A-Za-z0-9]+\/[A-Za-z0-9]+:[A-Za-z0-9]*I(?:AM|am)(Member|Binding|Policy)$/;

export type IamFamily = "member" | "binding" | "policy";

export function iamFamilyOf(type: string): IamFamily | undefined {
  const match = IAM_FAMILY.exec(type);
  if (!match) return undefined;
  return match[1].toLowerCase() as IamFamily;
}

export const DATASET = "gcp:bigquery/dataset:Dataset";
export const DATASET_ACCESS = "gcp:bigquery/datasetAccess:DatasetAccess";
export const STORAGE_ACL_TYPES: readonly string[] = [
  "gcp:storage/bucketAccessControl:BucketAccessControl",
  "gcp:storage/defaultObjectAccessControl:DefaultObjectAccessControl",
  "gcp:storage/objectAccessControl:ObjectAccessControl",
];

/** Cloud Storage ACL resources that set a whole ACL: `roleEntities` (`ROLE:entity`) and predefined ACLs. */
export const STORAGE_ACL_LIST_TYPES: readonly string[] = [
  "gcp:storage/bucketACL:BucketACL",
  "gcp:storage/objectACL:ObjectACL",
  "gcp:storage/defaultObjectACL:DefaultObjectACL",
];

/**
 * The public entries of Cloud Storage's predefined (canned) ACLs, as grants. The others (`private`,
 * `projectPrivate`, `bucketOwnerRead`, `bucketOwnerFullControl`) name only the project or owner.
 */
// A Map, not an object literal: the looked-up name is user input, and `constructor` or `__proto__`
// would otherwise find Object.prototype's members.
const PUBLIC_PREDEFINED_ACLS: ReadonlyMap<string, readonly { role: string; member: string }[]> = new Map([
  ["publicread", [{ role: "READER", member: "allUsers" }]],
  ["publicreadwrite", [{ role: "WRITER", member: "allUsers" }]],
  ["authenticatedread", [{ role: "READER", member: "allAuthenticatedUsers" }]],
]);

/** True for every resource type `grantsOf` reads. */
export function grantsAccess(type: string): boolean {
  return (
    iamFamilyOf(type) !== undefined ||
    type === DATASET ||
    type === DATASET_ACCESS ||
    STORAGE_ACL_TYPES.includes(type) ||
    STORAGE_ACL_LIST_TYPES.includes(type)
  );
}

/** The level an IAM resource grants at: only these three count as resource-hierarchy grants. */
export function hierarchyLevelOf(type: string): "project" | "folder" | "organization" | undefined {
  if (!iamFamilyOf(type)) return undefined;
  if (type.startsWith("gcp:projects/")) return "project";
  if (type.startsWith("gcp:folder/")) return "folder";
  if (type.startsWith("gcp:organizations/")) return "organization";
  return undefined;
}

function datasetAccessMembers(access: Props): string[] {
  const members: string[] = [];
  if (access.userByEmail) members.push(`user:${access.userByEmail}`);
  if (access.groupByEmail) members.push(`group:${access.groupByEmail}`);
  if (access.domain) members.push(`domain:${access.domain}`);
  if (access.iamMember) members.push(String(access.iamMember));
  if (access.specialGroup === "allAuthenticatedUsers") members.push("allAuthenticatedUsers");
  if (access.specialGroup === "allUsers") members.push("allUsers");
  return members;
}

/** Cloud Storage ACL entities (`allUsers`, `user-a@b`, `group-...`, `domain-...`) as IAM members. */
export function aclEntityToMember(entity: string): string | undefined {
  const text = entity.trim();
  if (text.toLowerCase() === "allusers") return "allUsers";
  if (text.toLowerCase() === "allauthenticatedusers") return "allAuthenticatedUsers";
  const match = /^(user|group|domain)-(.+)$/.exec(text);
  return match ? `${match[1]}:${match[2]}` : undefined;
}

/** Every grant a resource makes. Reads through the SDK proxy, so unknown values throw (see unknown.ts). */
export function grantsOf(type: string, props: Props): GrantsResult {
  const family = iamFamilyOf(type);
  const grants: Grant[] = [];
  if (family === "member") {
    grants.push({ role: String(props.role ?? ""), member: String(props.member ?? ""), where: "member" });
  } else if (family === "binding") {
    const members: unknown[] = Array.isArray(props.members) ? props.members : [];
    members.forEach((member, index) => {
      grants.push({ role: String(props.role ?? ""), member: String(member), where: `members[${index}]` });
    });
  } else if (family === "policy") {
    const text = props.policyData;
    if (typeof text !== "string" || text.trim() === "") return { grants };
    const decoded = decodePolicyDocument(text);
    if (decoded.problem !== undefined) return { grants, problem: decoded.problem };
    decoded.document.bindings.forEach((binding, bindingIndex) => {
      binding.members.forEach((member, memberIndex) => {
        grants.push({
          role: binding.role,
          member,
          where: `policyData.bindings[${bindingIndex}].members[${memberIndex}]`,
        });
      });
    });
  } else if (type === DATASET) {
    const accesses: Props[] = Array.isArray(props.accesses) ? props.accesses : [];
    accesses.forEach((access, index) => {
      for (const member of datasetAccessMembers(access)) {
        grants.push({ role: String(access.role ?? ""), member, where: `accesses[${index}]` });
      }
    });
  } else if (type === DATASET_ACCESS) {
    for (const member of datasetAccessMembers(props)) {
      grants.push({ role: String(props.role ?? ""), member, where: "access" });
    }
  } else if (STORAGE_ACL_TYPES.includes(type)) {
    const member = aclEntityToMember(String(props.entity ?? ""));
    if (member) grants.push({ role: String(props.role ?? ""), member, where: "entity" });
  } else if (STORAGE_ACL_LIST_TYPES.includes(type)) {
    const entries: unknown[] = Array.isArray(props.roleEntities) ? props.roleEntities : [];
    entries.forEach((entry, index) => {
      const text = String(entry);
      const colon = text.indexOf(":");
      const member = aclEntityToMember(colon >= 0 ? text.slice(colon + 1) : text);
      if (member)
        grants.push({
          role: colon >= 0 ? text.slice(0, colon) : "",
          member,
          where: `roleEntities[${index}]`,
        });
    });
    for (const field of ["predefinedAcl", "defaultAcl"]) {
      const value = props[field];
      if (typeof value !== "string") continue;
      for (const grant of PUBLIC_PREDEFINED_ACLS.get(value.trim().toLowerCase()) ?? [])
        grants.push({ ...grant, where: field });
    }
  }
  return {
    grants: grants.map((grant) => ({
      ...grant,
      role: grant.role.trim(),
      member: canonicalMember(grant.member),
    })),
  };
}

/** Member kinds as IAM spells them; Google reads the kind prefix without regard to case. */
const MEMBER_KINDS = [
  "user",
  "group",
  "serviceAccount",
  "domain",
  "principal",
  "principalSet",
  "deleted",
  "projectOwner",
  "projectEditor",
  "projectViewer",
];
const MEMBER_KIND_BY_LOWER = new Map(MEMBER_KINDS.map((kind) => [kind.toLowerCase(), kind]));

/**
 * A member in one spelling: surrounding space dropped, `allUsers` / `allAuthenticatedUsers` and the
 * kind prefix in IAM's case, so `ALLUSERS` or `User:x` are judged like what they mean.
 */
export function canonicalMember(member: string): string {
  const text = member.trim();
  const lower = text.toLowerCase();
  if (lower === "allusers") return "allUsers";
  if (lower === "allauthenticatedusers") return "allAuthenticatedUsers";
  const colon = text.indexOf(":");
  if (colon < 0) return text;
  const kind = MEMBER_KIND_BY_LOWER.get(text.slice(0, colon).trim().toLowerCase());
  return kind ? `${kind}:${text.slice(colon + 1).trim()}` : text;
}

export const PUBLIC_MEMBERS: ReadonlySet<string> = new Set(["allUsers", "allAuthenticatedUsers"]);

export interface ParsedMember {
  kind: string;
  /** Email or identifier after the `kind:` prefix (without `?uid=` suffixes). */
  id: string;
  /** Email domain, lower-case, when the member is an email or a domain. */
  domain?: string;
}

export function parseMember(member: string): ParsedMember {
  if (PUBLIC_MEMBERS.has(member)) return { kind: member, id: member };
  const colon = member.indexOf(":");
  if (colon < 0) return { kind: "unknown", id: member };
  let kind = member.slice(0, colon);
  let id = member.slice(colon + 1);
  if (kind === "deleted") {
    const rest = parseMember(id);
    return { ...rest, kind: `deleted:${rest.kind}` };
  }
  if (kind === "principal" || kind === "principalSet") return { kind, id: member };
  id = id.split("?")[0];
  kind = kind.trim();
  if (kind === "domain") return { kind, id, domain: id.toLowerCase() };
  const at = id.lastIndexOf("@");
  return { kind, id, domain: at >= 0 ? id.slice(at + 1).toLowerCase() : undefined };
}

/** Google's default service accounts: Compute Engine and App Engine. */
export function isDefaultServiceAccount(email: string): boolean {
  const value = email.toLowerCase();
  return (
    /-compute@developer\.gserviceaccount\.com$/.test(value) || /@appspot\.gserviceaccount\.com$/.test(value)
  );
}

/** True when `domain` equals an allowed domain or is a subdomain of one. */
export function domainAllowed(domain: string, allowed: readonly string[]): boolean {
  const value = domain.toLowerCase();
  return allowed.some((entry) => {
    const allowedDomain = entry.toLowerCase().replace(/^@/, "");
    return value === allowedDomain || value.endsWith(`.${allowedDomain}`);
  });
}

/** Google's service-agent domains: accounts Google creates and manages for its services. */
const GOOGLE_AGENT_DOMAINS = [
  /^gcp-sa-[a-z0-9-]+\.iam\.gserviceaccount\.com$/,
  /^cloudservices\.gserviceaccount\.com$/,
  /^cloudbuild\.gserviceaccount\.com$/,
  // Default service accounts: iam-no-default-service-accounts reports grants to them.
  /^developer\.gserviceaccount\.com$/,
  /^appspot\.gserviceaccount\.com$/,
];

/**
 * Google-owned projects whose `service-<project number>@` accounts are service agents. A
 * `service-<number>` account in any other project is an ordinary account someone named so.
 */
const SERVICE_AGENT_PROJECTS = new Set([
  "compute-system",
  "container-engine-robot",
  "gs-project-accounts",
  "dataflow-service-producer-prod",
  "serverless-robot-prod",
  "containerregistry",
  "cloud-tpu",
  "dataproc-accounts",
  "cloudcomposer-accounts",
  "cloud-redis",
  "cloud-filer",
  "gcf-admin-robot",
  "firebase-rules",
  "sourcerepo-service-accounts",
  "cloud-ml.google.com",
  "genomics-api.google.com",
]);

const USER_MANAGED = /^(.+)\.iam\.gserviceaccount\.com$/;

/** Accounts Google creates and runs for its services (not the default Compute / App Engine accounts). */
export function isGoogleServiceAgent(email: string): boolean {
  const value = email.toLowerCase();
  const at = value.lastIndexOf("@");
  const local = value.slice(0, at);
  const domain = value.slice(at + 1);
  if (/^(developer|appspot)\.gserviceaccount\.com$/.test(domain)) return false;
  if (GOOGLE_AGENT_DOMAINS.some((pattern) => pattern.test(domain))) return true;
  const project = USER_MANAGED.exec(domain)?.[1];
  return project !== undefined && /^service-\d+$/.test(local) && SERVICE_AGENT_PROJECTS.has(project);
}

/**
 * Why a `*.gserviceaccount.com` service account may not be granted access, or undefined: Google
 * service agents are allowed, and user-managed accounts (`<name>@<project id>.iam.gserviceaccount.com`)
 * when the project id starts with one of `projectPrefixes`.
 */
export function googleServiceAccountProblem(
  email: string,
  projectPrefixes: readonly string[],
): string | undefined {
  const value = email.toLowerCase();
  const at = value.lastIndexOf("@");
  const local = value.slice(0, at);
  const domain = value.slice(at + 1);
  if (GOOGLE_AGENT_DOMAINS.some((pattern) => pattern.test(domain))) return undefined;
  const project = USER_MANAGED.exec(domain)?.[1];
  if (project === undefined) {
    return "is neither a Google service agent nor a service account of a project (<name>@<project id>.iam.gserviceaccount.com)";
  }
  if (/^service-\d+$/.test(local) && SERVICE_AGENT_PROJECTS.has(project)) return undefined;
  if (projectPrefixes.some((prefix) => prefix !== "" && project.startsWith(prefix.toLowerCase())))
    return undefined;
  const allowed = projectPrefixes.filter((prefix) => prefix !== "");
  return `belongs to project ${project}, whose id does not start with an allowed prefix (${allowed.length > 0 ? allowed.join(", ") : "none configured"})`;
}
