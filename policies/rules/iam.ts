import { ACT_AS_PERMISSIONS } from "../lib/capability";
import {
  DATASET,
  DATASET_ACCESS,
  domainAllowed,
  type Grant,
  googleServiceAccountProblem,
  grantsAccess,
  grantsOf,
  hierarchyLevelOf,
  isDefaultServiceAccount,
  isGoogleServiceAgent,
  PUBLIC_MEMBERS,
  parseMember,
} from "../lib/iam";
import { permissionsOf } from "../lib/roles";
import { type PlatformRule, type ResourceCheckInput, resourceRule, schema } from "../lib/rule";

/** Runs `judge` on every grant of an access-granting resource; a policyData it cannot read is itself reported. */
function eachGrant(input: ResourceCheckInput<object>, judge: (grant: Grant) => string | undefined): void {
  const { grants, problem } = grantsOf(input.type, input.props);
  if (problem) input.report(problem);
  for (const grant of grants) {
    const message = judge(grant);
    if (message) input.report(`${grant.where}: ${message}`);
  }
}

/** Predefined roles whose permissions let the holder act as service accounts directly (not via setIamPolicy). */
function holdsDirectActAs(role: string): boolean {
  const permissions = permissionsOf(role);
  return permissions !== undefined && DIRECT_ACT_AS.some((permission) => permissions.has(permission));
}
const DIRECT_ACT_AS = ACT_AS_PERMISSIONS.filter(
  (permission) =>
    permission !== "iam.serviceAccounts.setIamPolicy" && permission !== "iam.serviceAccountKeys.create",
);

const PRIMITIVE_ROLES: ReadonlySet<string> = new Set(["roles/owner", "roles/editor", "roles/viewer"]);
const IMPERSONATION_ROLES: ReadonlySet<string> = new Set([
  "roles/iam.serviceAccountUser",
  "roles/iam.serviceAccountTokenCreator",
  "roles/iam.workloadIdentityUser",
]);

/** The organisation's identity domains; per-stack config files set the real list (profiles.ts). */
export const DEFAULT_ALLOWED_DOMAINS = ["example.com"];
/** Project-id prefixes of the organisation's projects (the bundled stacks' `acme-`); profiles.ts sets it per stack. */
export const DEFAULT_SERVICE_ACCOUNT_PROJECT_PREFIXES = ["acme-"];

export const iamRules: PlatformRule[] = [
  resourceRule({
    name: "iam-no-public-members",
    description: "No IAM grant, ACL or dataset access is given to allUsers or allAuthenticatedUsers.",
    severity: "critical",
    category: "security",
    checks:
      "Every *IAMMember/*IAMBinding/*IAMPolicy (policyData parsed) and storage ACL resource (`*AccessControl` entity; BucketACL / ObjectACL / DefaultObjectACL `roleEntities`, and `predefinedAcl` / `defaultAcl` of publicRead, publicReadWrite or authenticatedRead): no `allUsers` / `allAuthenticatedUsers` member. BigQuery datasets are covered by bigquery-no-public-datasets.",
    checkov: ["CKV_GCP_28"],
    trivy: ["AVD-GCP-0001"],
    remediationSteps:
      "Remove the public member. Serve public content through a load balancer or signed URLs instead of public IAM.",
    types: (type) =>
      grantsAccess(type) &&
      type !== DATASET &&
      type !== DATASET_ACCESS &&
      !type.startsWith("gcp:bigquery/dataset"),
    check: (input) =>
      eachGrant(input, ({ member, role }) =>
        PUBLIC_MEMBERS.has(member)
          ? `${member} is granted ${role || "access"}; this makes the resource public.`
          : undefined,
      ),
  }),
  resourceRule({
    name: "iam-no-primitive-roles",
    description: "No primitive roles (owner, editor, viewer) at project, folder or organization level.",
    severity: "high",
    category: "security",
    checks:
      "Project/folder/organization IAM resources do not grant roles/owner, roles/editor or roles/viewer.",
    remediationSteps: "Grant predefined or custom roles scoped to what the member needs.",
    types: (type) => hierarchyLevelOf(type) !== undefined,
    check: (input) =>
      eachGrant(input, ({ member, role }) =>
        PRIMITIVE_ROLES.has(role)
          ? `primitive role ${role} granted to ${member} at ${hierarchyLevelOf(input.type)} level.`
          : undefined,
      ),
  }),
  resourceRule({
    name: "iam-no-project-level-impersonation",
    description:
      "Service Account User / Token Creator / Workload Identity User are not granted at project, folder or organization level.",
    severity: "high",
    category: "security",
    checks:
      "Project/folder/organization IAM resources do not grant roles/iam.serviceAccountUser, roles/iam.serviceAccountTokenCreator, roles/iam.workloadIdentityUser or any other predefined role holding iam.serviceAccounts.actAs / getAccessToken / getOpenIdToken / implicitDelegation / signBlob / signJwt (they would allow impersonating every service account below); primitive roles are left to iam-no-primitive-roles and grants to Google service agents are not judged.",
    checkov: ["CKV_GCP_41"],
    trivy: ["AVD-GCP-0011"],
    remediationSteps:
      "Grant the role on the one service account that needs it (gcp.serviceaccount.IAMMember) instead of the project.",
    types: (type) => hierarchyLevelOf(type) !== undefined,
    check: (input) =>
      eachGrant(input, ({ member, role }) => {
        const parsed = parseMember(member);
        if (parsed.kind === "serviceAccount" && isGoogleServiceAgent(parsed.id)) return undefined;
        return IMPERSONATION_ROLES.has(role) || (!PRIMITIVE_ROLES.has(role) && holdsDirectActAs(role))
          ? `${role} granted to ${member} at ${hierarchyLevelOf(input.type)} level lets it impersonate every service account there.`
          : undefined;
      }),
  }),
  resourceRule({
    name: "iam-no-service-account-keys",
    description: "No user-managed service account keys.",
    severity: "high",
    category: "security",
    checks: "No `gcp:serviceaccount/key:Key` resources.",
    remediationSteps:
      "Use Workload Identity Federation (CI), Workload Identity (GKE) or attached service accounts instead of exported keys.",
    types: ["gcp:serviceaccount/key:Key"],
    check: ({ report }) => {
      report("service account keys are long-lived credentials; use Workload Identity Federation instead.");
    },
  }),
  resourceRule({
    name: "iam-no-default-service-accounts",
    description: "No IAM grants to or for the default Compute Engine / App Engine service accounts.",
    severity: "high",
    category: "security",
    checks:
      "No grant whose member is `*-compute@developer.gserviceaccount.com` or `*@appspot.gserviceaccount.com`, on any IAM resource.",
    trivy: ["AVD-GCP-0006"],
    remediationSteps: "Create a dedicated service account with only the roles the workload needs.",
    types: grantsAccess,
    check: (input) =>
      eachGrant(input, ({ member, role }) => {
        const parsed = parseMember(member);
        return parsed.kind === "serviceAccount" && isDefaultServiceAccount(parsed.id)
          ? `${role || "access"} granted to the default service account ${parsed.id}.`
          : undefined;
      }),
  }),
  resourceRule<{ allowedDomains: string[]; allowedServiceAccountProjectPrefixes: string[] }>({
    name: "iam-allowed-member-domains",
    description: "IAM members belong to the organisation's domains.",
    severity: "high",
    category: "security",
    checks:
      "`user:`, `group:` and `domain:` members (and non-Google service accounts) have a domain in `allowedDomains`. Google service accounts (`*.gserviceaccount.com`) are allowed only when they are Google service agents (`@gcp-sa-*.iam.gserviceaccount.com`, `@cloudservices.gserviceaccount.com`, `@cloudbuild.gserviceaccount.com`, `service-<number>@` in Google's agent projects such as compute-system; default accounts at `@developer` / `@appspot` are left to iam-no-default-service-accounts) or user-managed accounts (`<name>@<project id>.iam.gserviceaccount.com`) whose project id starts with one of `allowedServiceAccountProjectPrefixes`. Workload identity principals (`principal://`, `principalSet://`) are allowed here: the wif-* rules judge them, and should name a pool under `projects/<number>/locations/global/workloadIdentityPools/`.",
    trivy: ["AVD-GCP-0069"],
    remediationSteps:
      "Use an identity from an allowed domain or a service account of one of the organisation's projects, or add the domain to allowedDomains (the project prefix to allowedServiceAccountProjectPrefixes) in the stack's policy config.",
    configSchema: {
      properties: {
        allowedDomains: schema.strings(DEFAULT_ALLOWED_DOMAINS, "Identity domains members may belong to."),
        allowedServiceAccountProjectPrefixes: schema.strings(
          DEFAULT_SERVICE_ACCOUNT_PROJECT_PREFIXES,
          "Project-id prefixes of the projects whose user-managed service accounts may be granted access.",
        ),
      },
    },
    types: grantsAccess,
    check: (input) =>
      eachGrant(input, ({ member }) => {
        const parsed = parseMember(member);
        if (PUBLIC_MEMBERS.has(parsed.kind)) return undefined;
        if (parsed.kind === "principal" || parsed.kind === "principalSet") return undefined;
        if (parsed.kind === "serviceAccount" && parsed.domain?.endsWith(".gserviceaccount.com")) {
          const problem = googleServiceAccountProblem(
            parsed.id,
            input.config.allowedServiceAccountProjectPrefixes,
          );
          return problem ? `${member} ${problem}.` : undefined;
        }
        if (!parsed.domain) return undefined;
        return domainAllowed(parsed.domain, input.config.allowedDomains)
          ? undefined
          : `${member} is outside the allowed domains (${input.config.allowedDomains.join(", ")}).`;
      }),
  }),
  resourceRule({
    name: "iam-groups-not-users",
    description: "Access is granted to groups, not to individual users.",
    severity: "medium",
    category: "security",
    checks:
      "No `user:` members on any IAM resource (groups, service accounts and workload identity principals are fine).",
    trivy: ["AVD-GCP-0003"],
    remediationSteps: "Add the user to a group and grant the role to the group.",
    types: grantsAccess,
    check: (input) =>
      eachGrant(input, ({ member, role }) =>
        parseMember(member).kind === "user"
          ? `${role || "access"} granted to the individual ${member}; grant it to a group.`
          : undefined,
      ),
  }),
];
