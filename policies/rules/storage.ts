import { objectOf, type PlatformRule, resourceRule } from "../lib/rule";

export const BUCKET = "gcp:storage/bucket:Bucket";

export const storageRules: PlatformRule[] = [
  resourceRule({
    name: "storage-public-access-prevention",
    description: "Cloud Storage buckets enforce public access prevention.",
    severity: "critical",
    category: "security",
    checks: "Bucket `publicAccessPrevention` is `enforced`.",
    checkov: ["CKV_GCP_114"],
    remediationSteps: 'Set `publicAccessPrevention: "enforced"` on the bucket.',
    types: [BUCKET],
    check: ({ props, report }) => {
      const value = props.publicAccessPrevention;
      if (value !== "enforced") {
        report(`publicAccessPrevention is ${JSON.stringify(value ?? "inherited")}; it must be "enforced".`);
      }
    },
  }),
  resourceRule({
    name: "storage-uniform-bucket-level-access",
    description: "Cloud Storage buckets use uniform bucket-level access (no object ACLs).",
    severity: "high",
    category: "security",
    checks: "Bucket `uniformBucketLevelAccess` is true.",
    checkov: ["CKV_GCP_29"],
    remediationSteps: "Set `uniformBucketLevelAccess: true` and grant access with IAM instead of ACLs.",
    types: [BUCKET],
    check: ({ props, report }) => {
      if (props.uniformBucketLevelAccess !== true) {
        report("uniformBucketLevelAccess is not enabled; object ACLs can bypass IAM.");
      }
    },
  }),
  resourceRule({
    name: "storage-versioning-in-prod",
    description: "Cloud Storage buckets in prod keep object versions.",
    severity: "medium",
    category: "reliability",
    checks: "In prod, bucket `versioning.enabled` is true.",
    checkov: ["CKV_GCP_78"],
    remediationSteps: "Set `versioning: { enabled: true }` (and a lifecycle rule to expire old versions).",
    types: [BUCKET],
    check: ({ props, tier, report }) => {
      if (tier !== "prod") return;
      if (objectOf(props.versioning)?.enabled !== true) {
        report(
          "versioning is not enabled on a prod bucket; deleted or overwritten objects cannot be recovered.",
        );
      }
    },
  }),
];
