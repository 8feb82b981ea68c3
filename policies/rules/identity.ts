/**
 * Workload Identity Federation (GitHub OIDC). Google's guidance: always set an attribute condition
 * and bind on numeric ids, never on names (owners and repositories can be renamed and re-registered)
 * or on `sub`, which embeds those names.
 */
import { type CelToken, topLevelClauses } from "../lib/cel";
import { grantsAccess, grantsOf } from "../lib/iam";
import { type PlatformRule, resourceRule } from "../lib/rule";

export const WIF_PROVIDER = "gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider";

/** The pin clause's shape: `assertion.repository_owner_id == '<digits>'` (either quote style, either operand order). */
const OWNER_ID = ["identifier:assertion", "operator:.", "identifier:repository_owner_id"];

function isDigitsLiteral(token: CelToken): boolean {
  return token.kind === "string" && /^(['"])\d+\1$/.test(token.text);
}

/** True when the clause is exactly the owner-id pin. */
export function isOwnerIdPin(clause: readonly CelToken[]): boolean {
  const shape = clause.map((token) => `${token.kind}:${token.text}`);
  if (clause.length !== 5) return false;
  const left = shape.slice(0, 3).join(" ") === OWNER_ID.join(" ") && shape[3] === "operator:==";
  if (left && isDigitsLiteral(clause[4])) return true;
  return (
    isDigitsLiteral(clause[0]) &&
    shape[1] === "operator:==" &&
    shape.slice(2).join(" ") === OWNER_ID.join(" ")
  );
}

/**
 * Whether an attribute condition pins the owner: one of its top-level `&&` clauses is exactly the
 * pin. A pin under a top-level `||` or `? :`, or inside a string literal, does not count.
 */
export function pinsRepositoryOwner(condition: string): boolean {
  const clauses = topLevelClauses(condition);
  return clauses?.some(isOwnerIdPin) ?? false;
}

/** Attributes whose values are names in GitHub's token; binding on them must use numeric values. */
const NAME_ATTRIBUTES = new Set(["repository", "repository_owner"]);

const POOL_PATH =
  /^principalSet:\/\/iam\.googleapis\.com\/projects\/[^/]+\/locations\/global\/workloadIdentityPools\/[^/]+/;

/** Why a workload identity member is unsafe, or undefined. */
export function unsafeWorkloadMember(member: string): string | undefined {
  if (member.startsWith("principal://") && member.includes("/subject/")) {
    return `${member} binds on the token subject (sub), which embeds repository and owner names; bind on attribute.repository_id / repository_owner_id instead.`;
  }
  if (!member.startsWith("principalSet://")) return undefined;
  const rest = member.replace(POOL_PATH, "");
  if (rest === "/*" || rest === "" || rest === "/") {
    return `${member} admits every identity in the pool; bind on a numeric id attribute instead.`;
  }
  const attribute = /^\/attribute\.([A-Za-z0-9_]+)\/(.+)$/.exec(rest);
  if (attribute && NAME_ATTRIBUTES.has(attribute[1]) && !/^\d+$/.test(attribute[2])) {
    return `${member} binds on the name "${attribute[2]}", which can be re-registered by someone else; bind on the numeric id (attribute mapped from assertion.${attribute[1]}_id).`;
  }
  return undefined;
}

export const identityRules: PlatformRule[] = [
  resourceRule({
    name: "wif-provider-pins-repository-owner",
    description:
      "Every workload identity pool provider has an attribute condition pinning the GitHub owner id.",
    severity: "critical",
    category: "security",
    checks:
      "WorkloadIdentityPoolProvider `attributeCondition`, split into its top-level `&&` clauses (parentheses and string literals respected), has a clause that is exactly `assertion.repository_owner_id == '<digits>'` (either quote style); a pin under a top-level `||` or `? :` does not count.",
    trivy: ["AVD-GCP-0068"],
    remediationSteps:
      "Set attributeCondition to e.g. `assertion.repository_owner_id == '123456' && assertion.repository_id == '789'`.",
    types: [WIF_PROVIDER],
    check: ({ props, report }) => {
      const condition = props.attributeCondition;
      if (typeof condition !== "string" || condition.trim() === "") {
        report("no attributeCondition: any GitHub repository can exchange a token with this provider.");
        return;
      }
      if (!pinsRepositoryOwner(condition)) {
        report(
          `attributeCondition ${JSON.stringify(condition)} does not pin assertion.repository_owner_id to a numeric id.`,
        );
      }
    },
  }),
  resourceRule({
    name: "wif-bindings-on-immutable-ids",
    description: "Workload identity grants name no whole pool, no token subject and no re-usable names.",
    severity: "critical",
    category: "security",
    checks:
      "No `principalSet://.../*` member, no `principal://.../subject/...` member, no `attribute.repository/<name>` or `attribute.repository_owner/<name>` with a non-numeric value, on any IAM resource.",
    remediationSteps:
      "Map `attribute.repository_id = assertion.repository_id` (and owner id) in the provider and grant to `principalSet://.../attribute.repository_id/<id>`.",
    types: grantsAccess,
    check: ({ type, props, report }) => {
      for (const grant of grantsOf(type, props).grants) {
        const problem = unsafeWorkloadMember(grant.member);
        if (problem) report(`${grant.where}: ${problem}`);
      }
    },
  }),
];
