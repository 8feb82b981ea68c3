import { DATASET, DATASET_ACCESS, grantsOf, PUBLIC_MEMBERS } from "../lib/iam";
import { type PlatformRule, resourceRule } from "../lib/rule";

const DATASET_TYPES = (type: string) =>
  type === DATASET ||
  type === DATASET_ACCESS ||
  /^gcp:bigquery\/datasetIam(Member|Binding|Policy):/.test(type);

export const bigqueryRules: PlatformRule[] = [
  resourceRule({
    name: "bigquery-no-public-datasets",
    description: "BigQuery datasets are not readable by allUsers or allAuthenticatedUsers.",
    severity: "critical",
    category: "security",
    checks:
      "Dataset `accesses[]`, DatasetAccess and DatasetIamMember/Binding/Policy grant nothing to `allUsers` / `allAuthenticatedUsers` (specialGroup or iamMember).",
    checkov: ["CKV_GCP_15"],
    remediationSteps: "Remove the public access entry; share data through authorized views or groups.",
    types: DATASET_TYPES,
    check: ({ type, props, report }) => {
      const { grants, problem } = grantsOf(type, props);
      if (problem) report(problem);
      for (const grant of grants) {
        if (PUBLIC_MEMBERS.has(grant.member)) {
          report(
            `${grant.where}: ${grant.member} is granted ${grant.role || "access"}; the dataset is public.`,
          );
        }
      }
    },
  }),
];
