/**
 * Workload Identity Federation (GitHub OIDC). Google's guidance: always set an attribute condition
 * and bind on numeric ids, never on names (owners and repositories can be renamed and re-registered)
 * or on `sub`, which embeds those names.
 */
import { grantsAccess, grantsOf } from "../lib/iam";
import { type PlatformRule, resourceRule } from "../lib/rule";

export const WIF_PROVIDER = "gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider";

/** `assertion.repository_owner_id == '123'` (either quote style, either operand order). */
const OWNER_ID_PIN =
  /assertion\.repository_owner_id\s*==\s*(['"])\d+\1|(['"])\d+\2\s*==\s*assertion\.repository_owner_id/;

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
      "WorkloadIdentityPoolProvider `attributeCondition` contains `assertion.repository_owner_id == '<digits>'`.",
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
      if (!OWNER_ID_PIN.test(condition)) {
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
