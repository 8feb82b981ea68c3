import { isCelError, isCelList, parse, run, unparse } from "@bufbuild/cel";
import type { PlannedResource } from "../plan/model";
import { type ImpersonationGrant, impersonationGrants } from "./grants";

/**
 * Offline answer to "which service accounts can this GitHub job impersonate, and why not?".
 *
 * Reads what the stack would create: each Workload Identity provider's attribute mapping and
 * condition, and every grant that lets a member impersonate a service account (grants.ts: on the
 * account, its project, folder or organization; IAMMember, IAMBinding, IAMPolicy; any role holding
 * an impersonation permission), followed through chains of accounts. Then does what
 * Google's Security Token Service and IAM do with a token: check the issuer, evaluate the mapping
 * and the condition with a real CEL evaluator, and match the mapped attributes against the
 * principalSet members. Not simulated: the token's signature, expiry and audience (the auth action
 * requests the provider's own audience), and IAM deny policies.
 */

export const PROVIDER_TYPE = "gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider";
export const SERVICE_ACCOUNT_IAM_MEMBER_TYPE = "gcp:serviceaccount/iAMMember:IAMMember";
export const SERVICE_ACCOUNT_TYPE = "gcp:serviceaccount/account:Account";
export const WORKLOAD_IDENTITY_USER_ROLE = "roles/iam.workloadIdentityUser";
const SUBJECT_MAX_BYTES = 127;

/** The claims of a GitHub Actions OIDC token (the JWT's payload). */
export type TokenClaims = Record<string, unknown>;

export type RefusalStage = "issuer" | "mapping" | "condition" | "binding";

export interface AccessDecision {
  /** Email of the service account. */
  serviceAccount: string;
  /** URN of the service account resource, when the stack declares it. */
  serviceAccountUrn?: string;
  /** URN of the provider the token was exchanged through. */
  provider: string;
  allowed: boolean;
  /** One sentence: what granted access, or what refused it. */
  reason: string;
  /** Where a refusal happened. */
  refusedAt?: RefusalStage;
  /** The clause of the attribute condition that was false (when refusedAt is "condition"). */
  refusedClause?: string;
  /** The members of the service account that the token matched. */
  matchedMembers: string[];
  /** The members the token was compared with. */
  members: string[];
  /**
   * The mapped attributes (`google.subject`, `attribute.*`), when the mapping succeeded. A custom
   * attribute mapped to a list of strings keeps the list; `google.groups` is in `groups`.
   */
  attributes?: Record<string, MappedValue>;
}

interface ProviderModel {
  urn: string;
  poolId: string;
  issuer: string;
  mapping: Record<string, string>;
  condition?: string;
}

interface ParsedMember {
  poolId: string;
  kind: "attribute" | "subject" | "group" | "all";
  attribute?: string;
  value?: string;
}

/** A mapped attribute: a string, or a list of strings (a member matches any element). */
export type MappedValue = string | string[];

type Evaluation =
  | { ok: true; attributes: Record<string, MappedValue>; groups: string[] }
  | { ok: false; stage: RefusalStage; reason: string; clause?: string };

export function simulateAccess(resources: readonly PlannedResource[], claims: TokenClaims): AccessDecision[] {
  const providers = resources.filter((resource) => resource.type === PROVIDER_TYPE).map(toProviderModel);
  const grants = impersonationGrants(resources);
  const accountUrns = serviceAccountUrns(resources);
  const decisions: AccessDecision[] = [];
  for (const provider of providers) {
    const byAccount = new Map<string, ImpersonationGrant[]>();
    for (const grant of grants) {
      if (!isPublic(grant.member) && parseMember(grant.member)?.poolId !== provider.poolId) continue;
      byAccount.set(grant.serviceAccount, [...(byAccount.get(grant.serviceAccount) ?? []), grant]);
    }
    if (byAccount.size === 0) continue;
    const evaluation = evaluateProvider(provider, claims);
    for (const [serviceAccount, accountGrants] of byAccount) {
      const members = [...new Set(accountGrants.map((grant) => grant.member))];
      const base = {
        serviceAccount,
        serviceAccountUrn: accountUrns.get(serviceAccount),
        provider: provider.urn,
        members,
      };
      // A public grant needs no token exchange at all.
      const publicGrants = accountGrants.filter((grant) => isPublic(grant.member));
      if (!evaluation.ok && publicGrants.length === 0) {
        decisions.push({
          ...base,
          allowed: false,
          reason: evaluation.reason,
          refusedAt: evaluation.stage,
          ...(evaluation.clause ? { refusedClause: evaluation.clause } : {}),
          matchedMembers: [],
        });
        continue;
      }
      const matchedGrants = evaluation.ok
        ? accountGrants.filter(
            (grant) =>
              isPublic(grant.member) || memberMatches(grant.member, evaluation.attributes, evaluation.groups),
          )
        : publicGrants;
      const matched = [...new Set(matchedGrants.map((grant) => grant.member))];
      decisions.push({
        ...base,
        allowed: matched.length > 0,
        reason:
          matched.length > 0
            ? `granted by ${matchedGrants.map(describeGrant).join("; ")}`
            : `no member matches: the token maps ${describeCandidates(members, evaluation.ok ? evaluation.attributes : {})}`,
        ...(matched.length > 0 ? {} : { refusedAt: "binding" as const }),
        matchedMembers: matched,
        ...(evaluation.ok ? { attributes: evaluation.attributes } : {}),
      });
    }
  }
  addChains(decisions, grants, accountUrns);
  return decisions.sort(
    (a, b) => a.serviceAccount.localeCompare(b.serviceAccount) || a.provider.localeCompare(b.provider),
  );
}

/**
 * Impersonation chains: an account the token can impersonate can in turn impersonate every
 * account that grants it an impersonating role (`serviceAccount:<email>` members), to any depth.
 */
function addChains(
  decisions: AccessDecision[],
  grants: readonly ImpersonationGrant[],
  accountUrns: Map<string, string>,
): void {
  const reached = new Map<string, AccessDecision>();
  for (const decision of decisions) if (decision.allowed) reached.set(decision.serviceAccount, decision);
  const queue = [...reached.keys()];
  while (queue.length > 0) {
    const via = queue.shift() as string;
    const source = reached.get(via) as AccessDecision;
    for (const grant of grants) {
      if (grant.member !== `serviceAccount:${via}` || reached.has(grant.serviceAccount)) continue;
      const chained: AccessDecision = {
        serviceAccount: grant.serviceAccount,
        serviceAccountUrn: accountUrns.get(grant.serviceAccount),
        provider: source.provider,
        allowed: true,
        reason: `through ${via}, granted by ${describeGrant(grant)}`,
        matchedMembers: [grant.member],
        members: [grant.member],
        ...(source.attributes ? { attributes: source.attributes } : {}),
      };
      // A chain replaces a refusal of the same account through the same provider.
      const refused = decisions.findIndex(
        (decision) =>
          decision.serviceAccount === grant.serviceAccount && decision.provider === source.provider,
      );
      if (refused >= 0) decisions.splice(refused, 1, chained);
      else decisions.push(chained);
      reached.set(grant.serviceAccount, chained);
      queue.push(grant.serviceAccount);
    }
  }
}

function isPublic(member: string): boolean {
  return member === "allUsers" || member === "allAuthenticatedUsers";
}

function describeGrant(grant: ImpersonationGrant): string {
  return `${grant.member} (${grant.role} on ${grant.scope}, ${grant.because}${grant.conditional ? "; its IAM condition is assumed to hold" : ""})`;
}

/** Evaluates issuer, attribute mapping and attribute condition of one provider for the claims. */
export function evaluateProvider(provider: ProviderModel, claims: TokenClaims): Evaluation {
  if (claims.iss !== provider.issuer) {
    return {
      ok: false,
      stage: "issuer",
      reason: `the token's issuer ${JSON.stringify(claims.iss)} is not the provider's ${provider.issuer}`,
    };
  }
  const attributes: Record<string, MappedValue> = {};
  let groups: string[] = [];
  for (const [key, expression] of Object.entries(provider.mapping)) {
    const value = run(expression, { assertion: claims as Record<string, never> });
    if (isCelError(value)) {
      return {
        ok: false,
        stage: "mapping",
        reason: `mapping ${key} = \`${expression}\` failed: ${value.message}`,
      };
    }
    // CEL returns lists as CelList objects, not JS arrays: read their elements.
    const list = isCelList(value) ? [...value] : undefined;
    const strings = list?.every((item) => typeof item === "string") ? (list as string[]) : undefined;
    // google.subject is one string; google.groups a list of group names; custom attributes either.
    const accepted =
      key === "google.subject"
        ? typeof value === "string"
        : key === "google.groups"
          ? strings !== undefined
          : typeof value === "string" || strings !== undefined;
    if (!accepted) {
      const expected =
        key === "google.subject"
          ? "a string"
          : key === "google.groups"
            ? "a list of strings"
            : "a string or a list of strings";
      return {
        ok: false,
        stage: "mapping",
        reason: `mapping ${key} = \`${expression}\` gave ${describeCelValue(value, list)}, not ${expected}`,
      };
    }
    if (key === "google.groups") groups = strings as string[];
    else attributes[key] = typeof value === "string" ? value : (strings as string[]);
  }
  const subject = attributes["google.subject"] as string | undefined;
  if (subject === undefined)
    return { ok: false, stage: "mapping", reason: "the mapping has no google.subject" };
  if (Buffer.byteLength(subject, "utf8") > SUBJECT_MAX_BYTES) {
    return {
      ok: false,
      stage: "mapping",
      reason: `google.subject is ${Buffer.byteLength(subject, "utf8")} bytes, over Google's ${SUBJECT_MAX_BYTES}`,
    };
  }
  if (provider.condition) {
    const bindings = conditionBindings(claims, attributes, groups);
    const result = run(provider.condition, bindings);
    if (result !== true) {
      const clause = firstFalseClause(provider.condition, bindings);
      const why = isCelError(result) ? `failed (${result.message})` : "is false";
      return {
        ok: false,
        stage: "condition",
        reason: `the attribute condition ${why}${clause ? `: clause \`${clause}\` does not hold` : ""}`,
        ...(clause ? { clause } : {}),
      };
    }
  }
  return { ok: true, attributes, groups };
}

/** The top-level `&&` clauses of a condition, as CEL text. */
export function conditionClauses(condition: string): string[] {
  const parsed = parse(condition);
  const clauses: string[] = [];
  const walk = (expr: typeof parsed.expr): void => {
    if (expr.exprKind.case === "callExpr" && expr.exprKind.value.function === "_&&_") {
      for (const arg of expr.exprKind.value.args) walk(arg);
    } else {
      clauses.push(unparse(expr));
    }
  };
  walk(parsed.expr);
  return clauses;
}

function firstFalseClause(condition: string, bindings: Record<string, never>): string | undefined {
  try {
    return conditionClauses(condition).find((clause) => run(clause, bindings) !== true);
  } catch {
    return undefined;
  }
}

/** What a mapping gave, for messages: `a boolean`, `a list of strings`, `a list holding a bigint`. */
function describeCelValue(value: unknown, list: unknown[] | undefined): string {
  const kind = (item: unknown) => (typeof item === "object" ? "an object" : `a ${typeof item}`);
  if (list === undefined) return kind(value);
  const other = list.find((item) => typeof item !== "string");
  return other === undefined ? "a list of strings" : `a list holding ${kind(other)}`;
}

function conditionBindings(claims: TokenClaims, attributes: Record<string, MappedValue>, groups: string[]) {
  const google: Record<string, unknown> = { subject: attributes["google.subject"], groups };
  const attribute: Record<string, MappedValue> = {};
  for (const [key, value] of Object.entries(attributes)) {
    if (key.startsWith("attribute.")) attribute[key.slice("attribute.".length)] = value;
  }
  return { assertion: claims, google, attribute } as unknown as Record<string, never>;
}

function memberMatches(member: string, attributes: Record<string, MappedValue>, groups: string[]): boolean {
  const parsed = parseMember(member);
  if (!parsed) return false;
  switch (parsed.kind) {
    case "all":
      return true;
    case "subject":
      return attributes["google.subject"] === parsed.value;
    case "group":
      return groups.includes(parsed.value ?? "");
    case "attribute": {
      const mapped = attributes[`attribute.${parsed.attribute}`];
      return Array.isArray(mapped) ? mapped.includes(parsed.value ?? "") : mapped === parsed.value;
    }
  }
}

const POOL_MEMBER =
  /^(principalSet|principal):\/\/iam\.googleapis\.com\/projects\/[^/]+\/locations\/global\/workloadIdentityPools\/([^/]+)\/(.+)$/;

/** Splits `principalSet://iam.googleapis.com/projects/N/locations/global/workloadIdentityPools/P/attribute.X/V`. */
export function parseMember(member: string): ParsedMember | undefined {
  const match = POOL_MEMBER.exec(member);
  if (!match) return undefined;
  const [, scheme, poolId, rest] = match;
  if (scheme === "principal") {
    return rest.startsWith("subject/")
      ? { poolId, kind: "subject", value: rest.slice("subject/".length) }
      : undefined;
  }
  if (rest === "*") return { poolId, kind: "all" };
  if (rest.startsWith("group/")) return { poolId, kind: "group", value: rest.slice("group/".length) };
  const attribute = /^attribute\.([a-z0-9_]+)\/(.+)$/.exec(rest);
  return attribute ? { poolId, kind: "attribute", attribute: attribute[1], value: attribute[2] } : undefined;
}

function describeCandidates(members: string[], attributes: Record<string, MappedValue>): string {
  const names = [
    ...new Set(members.map((member) => parseMember(member)?.attribute).filter((name) => name !== undefined)),
  ];
  const mapped = names.map(
    (name) => `attribute.${name}=${JSON.stringify(attributes[`attribute.${name}`] ?? "")}`,
  );
  const expected = members.map((member) => {
    const parsed = parseMember(member);
    return parsed?.kind === "attribute" ? `${parsed.attribute}=${JSON.stringify(parsed.value)}` : member;
  });
  return `${mapped.join(", ") || "no bound attribute"}; the bindings expect ${expected.join(" or ")}`;
}

function toProviderModel(resource: PlannedResource): ProviderModel {
  const inputs = resource.inputs;
  const oidc = (inputs.oidc ?? {}) as { issuerUri?: unknown };
  return {
    urn: resource.urn,
    poolId: String(inputs.workloadIdentityPoolId ?? ""),
    issuer: String(oidc.issuerUri ?? ""),
    mapping: Object.fromEntries(
      Object.entries((inputs.attributeMapping ?? {}) as Record<string, unknown>).map(([key, value]) => [
        key,
        String(value),
      ]),
    ),
    condition:
      typeof inputs.attributeCondition === "string" && inputs.attributeCondition
        ? inputs.attributeCondition
        : undefined,
  };
}

function serviceAccountUrns(resources: readonly PlannedResource[]): Map<string, string> {
  const urns = new Map<string, string>();
  for (const resource of resources) {
    if (resource.type !== SERVICE_ACCOUNT_TYPE) continue;
    const { accountId, project } = resource.inputs as { accountId?: string; project?: string };
    if (accountId && project) urns.set(`${accountId}@${project}.iam.gserviceaccount.com`, resource.urn);
  }
  return urns;
}
