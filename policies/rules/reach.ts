/**
 * Grant semantics: every service account is judged by what it can do (the roles granted to it,
 * judged from their permissions) and by who can act as it (every grant of a role that can act as
 * it, on the account itself or on its project, folder or organization), through IAMMember,
 * IAMBinding and IAMPolicy alike. Names (`deploy-*`, `release-*`) mean nothing here.
 */
import type { PolicyResource } from "@pulumi/policy";
import { type CustomRoles, canActAs, canChange, canEscalate, escalationReason } from "../lib/capability";
import {
  type Grant,
  grantsAccess,
  grantsOf,
  hierarchyLevelOf,
  iamFamilyOf,
  isGoogleServiceAgent,
} from "../lib/iam";
import { type PlatformRule, type StackCheckInput, schema, stackRule } from "../lib/rule";
import { deferrableUnknown, hiddenUnknownMessage, tryKnown } from "../lib/unknown";

export const SERVICE_ACCOUNT = "gcp:serviceaccount/account:Account";
export const CUSTOM_ROLE_TYPES: readonly string[] = [
  "gcp:projects/iAMCustomRole:IAMCustomRole",
  "gcp:organizations/iAMCustomRole:IAMCustomRole",
];

/**
 * The CiIdentity composite member, which pins repository, environment, event and branch:
 * `principalSet://iam.googleapis.com/<pool>/attribute.deploy_target/<repository id>/<env>/[<event>/]refs/heads/<branch>`.
 */
const DEPLOY_TARGET_MEMBER =
  /^principalSet:\/\/iam\.googleapis\.com\/projects\/[^/]+\/locations\/global\/workloadIdentityPools\/[^/]+\/attribute\.deploy_target\/(\d+)\/[^/]+\/(?:([a-z_]+)\/)?refs\/heads\/[^/]+(?:\/[^/]+)*$/;

/** Events whose jobs run code a pull request chose: never a deploy. */
const PULL_REQUEST_EVENTS = new Set([
  "pull_request",
  "pull_request_target",
  "pull_request_review",
  "pull_request_review_comment",
]);

/**
 * The repository id when `member` pins one repository, one GitHub environment and one branch (and
 * no pull-request event); undefined otherwise. A bare `attribute.environment/<env>` does not pin:
 * every repository the pool trusts, on any branch, can run a job in an environment of that name.
 */
export function pinnedDeployRepository(member: string): string | undefined {
  const match = DEPLOY_TARGET_MEMBER.exec(member);
  if (!match) return undefined;
  if (match[2] !== undefined && PULL_REQUEST_EVENTS.has(match[2])) return undefined;
  return match[1];
}

export function pinsEnvironment(member: string): boolean {
  return pinnedDeployRepository(member) !== undefined;
}

/** A grant with where it sits: the resource, and what it is on. */
interface PlacedGrant extends Grant {
  resource: PolicyResource;
  /** `account` for serviceaccount IAM, the hierarchy level, or `resource` for everything else. */
  level: "account" | "project" | "folder" | "organization" | "resource";
  /** serviceAccountId or project of the grant, when known. */
  target?: string;
}

interface AccountNode {
  resource: PolicyResource;
  label: string;
  /** `serviceAccount:<email>` in lower case, when the email can be known. */
  member?: string;
  accountId?: string;
  project?: string;
}

/** A known string or undefined; unknowns in security rules fail closed through `unknown`. */
function known(read: () => unknown, onUnknown: (path: string) => void): string | undefined {
  const result = tryKnown(read);
  if (!result.known) {
    onUnknown(result.path);
    return undefined;
  }
  return typeof result.value === "string" && result.value !== "" ? result.value : undefined;
}

export interface ReachGraph {
  grants: PlacedGrant[];
  accounts: AccountNode[];
  customRoles: CustomRoles;
  /** Grants on the account whose role can act as it, by account URN. */
  actors: Map<string, PlacedGrant[]>;
  /** Grants to the account (what it can do), by account URN. */
  powers: Map<string, PlacedGrant[]>;
}

function memberKey(member: string): string {
  return member.startsWith("serviceAccount:") ? `serviceAccount:${member.slice(15).toLowerCase()}` : member;
}

/** Reads every grant, account and custom role of the stack into one graph. */
export function reachGraph(input: StackCheckInput<object>): ReachGraph {
  // An unknown that a resource of the stack computes waits for `up`, where the engine checks the
  // stack again with every value known; one that nothing computes fails closed.
  const failClosed = (resource: PolicyResource) => (path: string) => {
    if (input.config.failClosedOnUnknown && !deferrableUnknown(resource, path))
      input.report(hiddenUnknownMessage(path), resource.urn);
  };
  const customRoles = new Map<string, ReadonlySet<string>>();
  for (const resource of input.resources.filter((r) => CUSTOM_ROLE_TYPES.includes(r.type))) {
    const roleId = known(() => resource.props.roleId, failClosed(resource));
    const scope = resource.type.startsWith("gcp:projects/")
      ? known(
          () => resource.props.project,
          () => {},
        )
      : known(
          () => resource.props.orgId,
          () => {},
        );
    const permissions = tryKnown(() => resource.props.permissions);
    if (!roleId || !scope || !permissions.known || !Array.isArray(permissions.value)) continue;
    const prefix = resource.type.startsWith("gcp:projects/") ? "projects" : "organizations";
    customRoles.set(`${prefix}/${scope}/roles/${roleId}`, new Set(permissions.value.map(String)));
  }
  const accounts: AccountNode[] = input.resources
    .filter((r) => r.type === SERVICE_ACCOUNT)
    .map((resource) => {
      const accountId = known(() => resource.props.accountId, failClosed(resource));
      const project = known(
        () => resource.props.project,
        () => {},
      );
      const email =
        known(
          () => resource.props.email,
          () => {},
        ) ?? (accountId && project ? `${accountId}@${project}.iam.gserviceaccount.com` : undefined);
      return {
        resource,
        label: accountId ?? resource.name,
        member: email ? `serviceAccount:${email.toLowerCase()}` : undefined,
        accountId,
        project,
      };
    });
  const grants: PlacedGrant[] = [];
  for (const resource of input.resources.filter((r) => grantsAccess(r.type))) {
    const read = tryKnown(() => grantsOf(resource.type, resource.props));
    if (!read.known) {
      failClosed(resource)(read.path);
      continue;
    }
    if (read.value.problem) {
      input.report(`${resource.name}: ${read.value.problem}.`, resource.urn);
      continue;
    }
    const isAccountIam =
      resource.type.startsWith("gcp:serviceaccount/") && iamFamilyOf(resource.type) !== undefined;
    const level = isAccountIam ? "account" : (hierarchyLevelOf(resource.type) ?? "resource");
    const target =
      level === "account"
        ? known(
            () => resource.props.serviceAccountId,
            () => {},
          )
        : level === "project"
          ? known(
              () => resource.props.project,
              () => {},
            )
          : undefined;
    for (const grant of read.value.grants)
      grants.push({ ...grant, member: memberKey(grant.member), resource, level, target });
  }
  const actors = new Map<string, PlacedGrant[]>();
  const powers = new Map<string, PlacedGrant[]>();
  for (const account of accounts) {
    actors.set(
      account.resource.urn,
      grants.filter((grant) => canActAs(grant.role, customRoles) && grantCovers(grant, account)),
    );
    powers.set(
      account.resource.urn,
      grants.filter(
        (grant) =>
          (account.member !== undefined && grant.member === account.member) ||
          dependsOn(grant.resource, account.resource, "member") ||
          (account.accountId !== undefined &&
            account.project === undefined &&
            grant.member.startsWith(`serviceAccount:${account.accountId.toLowerCase()}@`)),
      ),
    );
  }
  return { grants, accounts, customRoles, actors, powers };
}

function dependsOn(resource: PolicyResource, target: PolicyResource, property: string): boolean {
  return (resource.propertyDependencies?.[property] ?? []).some((dep) => dep.urn === target.urn);
}

/** Whether a grant's scope includes the account: the account itself, its project, or any folder/organization. */
function grantCovers(grant: PlacedGrant, account: AccountNode): boolean {
  if (grant.level === "folder" || grant.level === "organization") return true;
  if (grant.level === "project")
    return grant.target === undefined || account.project === undefined || grant.target === account.project;
  if (grant.level !== "account") return false;
  if (dependsOn(grant.resource, account.resource, "serviceAccountId")) return true;
  const target = grant.target?.toLowerCase();
  if (target === undefined) return false;
  const email = account.member?.slice("serviceAccount:".length);
  if (email && (target === email || target.endsWith(`/serviceaccounts/${email}`))) return true;
  return (
    account.accountId !== undefined && target.includes(`/serviceaccounts/${account.accountId.toLowerCase()}@`)
  );
}

function roleText(grants: PlacedGrant[]): string {
  return [...new Set(grants.map((grant) => grant.role))].sort().join(", ");
}

/** May this member act as an account that changes things: pinned deploy targets, workloads and other accounts. */
function mayActForChanges(member: string): boolean {
  return pinsEnvironment(member) || member.startsWith("serviceAccount:");
}

/**
 * Every principal (not an account of the stack) and the escalating grants it reaches: its own, and
 * those of every account it can act as, transitively.
 */
function escalationReach(graph: ReachGraph): Map<string, { grant: PlacedGrant; via: string[] }[]> {
  const byMember = new Map(graph.accounts.flatMap((a) => (a.member ? [[a.member, a] as const] : [])));
  const actsAs = new Map<string, AccountNode[]>();
  for (const account of graph.accounts) {
    for (const actor of graph.actors.get(account.resource.urn) ?? []) {
      const list = actsAs.get(actor.member) ?? [];
      if (!list.includes(account)) list.push(account);
      actsAs.set(actor.member, list);
    }
  }
  const result = new Map<string, { grant: PlacedGrant; via: string[] }[]>();
  // Acting as an account of the stack is followed as an edge to what that account can do.
  const traversed = new Set([...graph.actors.values()].flat().filter((grant) => grant.level === "account"));
  const principals = new Set(graph.grants.map((g) => g.member).filter((member) => !byMember.has(member)));
  for (const principal of principals) {
    const found: { grant: PlacedGrant; via: string[] }[] = [];
    for (const grant of graph.grants)
      if (grant.member === principal && !traversed.has(grant) && canEscalate(grant.role, graph.customRoles))
        found.push({ grant, via: [] });
    const queue: { account: AccountNode; via: string[] }[] = (actsAs.get(principal) ?? []).map((account) => ({
      account,
      via: [account.label],
    }));
    const seen = new Set<string>();
    while (queue.length > 0) {
      const { account, via } = queue.shift()!;
      if (seen.has(account.resource.urn)) continue;
      seen.add(account.resource.urn);
      for (const grant of graph.powers.get(account.resource.urn) ?? [])
        if (!traversed.has(grant) && canEscalate(grant.role, graph.customRoles)) found.push({ grant, via });
      if (account.member)
        for (const next of actsAs.get(account.member) ?? [])
          queue.push({ account: next, via: [...via, next.label] });
    }
    if (found.length > 0) result.set(principal, found);
  }
  return result;
}

export const reachRules: PlatformRule[] = [
  stackRule({
    name: "deploy-identity-bound-to-environment",
    description:
      "A service account that can change resources can be acted as only by a principal pinned to one repository, environment and branch, or by another service account.",
    severity: "critical",
    category: "security",
    checks:
      "For every service account of the stack whose roles (granted anywhere in the stack to `serviceAccount:<accountId>@<project>.iam.gserviceaccount.com`, read from Google's role data or the stack's custom roles; an unknown role counts) hold any permission other than reading, every member of a grant that can act as it (any role holding iam.serviceAccounts.actAs / getAccessToken / getOpenIdToken / implicitDelegation / signBlob / signJwt / setIamPolicy or iam.serviceAccountKeys.create: workloadIdentityUser, serviceAccountTokenCreator, serviceAccountUser, serviceAccountAdmin, owner, editor...), on the account or on its project, folder or organization, through IAMMember, IAMBinding or IAMPolicy, is a service account or the CiIdentity composite `principalSet://iam.googleapis.com/projects/<number>/locations/global/workloadIdentityPools/<pool>/attribute.deploy_target/<repository id>/<env>/[<event>/]refs/heads/<branch>` with no pull-request event. The account's name plays no part.",
    remediationSteps:
      "Create CI identities with the CiIdentity component, which binds each one to its GitHub environment; give pull requests a read-only identity.",
    check: (input) => {
      const graph = reachGraph(input);
      for (const account of graph.accounts) {
        const changing = (graph.powers.get(account.resource.urn) ?? []).filter((grant) =>
          canChange(grant.role, graph.customRoles),
        );
        if (changing.length === 0) continue;
        for (const actor of graph.actors.get(account.resource.urn) ?? []) {
          if (mayActForChanges(actor.member)) continue;
          input.report(
            `${actor.resource.name} lets ${actor.member} act as service account ${account.label} (${actor.role} at ${actor.level} level), which can change resources (${roleText(changing)}); only a principal pinned to one repository, environment and branch may.`,
            actor.resource.urn,
          );
        }
      }
    },
  }),
  stackRule<{ platformRepositoryIds: string[] }>({
    name: "iam-no-escalation-grants",
    description:
      "Only the platform's own deploy identity can raise access: no human, product repository or other principal reaches a role that can grant access or act as service accounts.",
    severity: "critical",
    category: "security",
    checks:
      "For every member of every grant in the stack that is not a service account of the stack, the roles it holds directly and through every service account it can act as (transitively) hold no escalation permission (any `resourcemanager.*` / `iam.*` setIamPolicy, acting as service accounts, creating their keys, creating or updating roles, setting organization policies, creating or updating workload identity pools and providers: resourcemanager.projectIamAdmin, iam.serviceAccountAdmin, iam.serviceAccountKeyAdmin, iam.workloadIdentityPoolAdmin, orgpolicy.policyAdmin, owner, editor, and custom roles holding such permissions; a role the pack cannot read counts), unless the member is the CiIdentity deploy_target composite of a repository in `platformRepositoryIds` (no pull-request event). Google service agents are not judged.",
    remediationSteps:
      "Grant product teams and people roles that cannot change IAM; escalation stays with the platform's deploy identity, reviewed in the platform repository.",
    configSchema: {
      properties: {
        platformRepositoryIds: schema.strings(
          [],
          "Numeric GitHub ids of the platform repositories whose pinned deploy identity may hold escalation roles.",
        ),
      },
    },
    check: (input) => {
      const graph = reachGraph({ ...input, report: () => {} });
      const platform = new Set(input.config.platformRepositoryIds);
      for (const [principal, found] of escalationReach(graph)) {
        const repository = pinnedDeployRepository(principal);
        if (repository !== undefined && platform.has(repository)) continue;
        if (
          principal.startsWith("serviceAccount:") &&
          isGoogleServiceAgent(principal.slice("serviceAccount:".length))
        )
          continue;
        for (const { grant, via } of found) {
          const path = via.length > 0 ? ` by acting as ${via.join(" → ")}` : "";
          input.report(
            `${principal} can raise its access${path}: ${grant.role} (${grant.resource.name}, ${grant.where}) escalates because ${escalationReason(grant.role, graph.customRoles)}.`,
            grant.resource.urn,
          );
        }
      }
    },
  }),
];
