import { type PlatformRule, resourceRule } from "../lib/rule";

/** Types whose deletion loses data. CryptoKey has its own rule (kms-key-protected-in-prod). */
export const STATEFUL_TYPES = [
  "gcp:storage/bucket:Bucket",
  "gcp:sql/databaseInstance:DatabaseInstance",
  "gcp:sql/database:Database",
  "gcp:bigquery/dataset:Dataset",
  "gcp:bigquery/table:Table",
  "gcp:kms/keyRing:KeyRing",
  "gcp:compute/disk:Disk",
  "gcp:compute/regionDisk:RegionDisk",
  "gcp:secretmanager/secret:Secret",
  "gcp:dns/managedZone:ManagedZone",
  "gcp:spanner/instance:Instance",
  "gcp:spanner/database:Database",
  "gcp:logging/projectBucketConfig:ProjectBucketConfig",
  "gcp:logging/folderBucketConfig:FolderBucketConfig",
  "gcp:logging/organizationBucketConfig:OrganizationBucketConfig",
  "gcp:logging/billingAccountBucketConfig:BillingAccountBucketConfig",
  "gcp:alloydb/cluster:Cluster",
  "gcp:alloydb/instance:Instance",
  "gcp:filestore/instance:Instance",
  "gcp:filestore/backup:Backup",
  "gcp:redis/instance:Instance",
  "gcp:redis/cluster:Cluster",
  "gcp:memorystore/instance:Instance",
  "gcp:memcache/instance:Instance",
  "gcp:bigquery/routine:Routine",
  "gcp:bigtable/instance:Instance",
  "gcp:bigtable/table:Table",
  "gcp:firestore/database:Database",
  "gcp:secretmanager/regionalSecret:RegionalSecret",
  "gcp:artifactregistry/repository:Repository",
];

export const PROJECT = "gcp:organizations/project:Project";

export const protectionRules: PlatformRule[] = [
  resourceRule({
    name: "prod-stateful-protected",
    description: "Stateful resources in prod are protected from deletion by Pulumi.",
    severity: "high",
    category: "reliability",
    checks: `In prod, stateful types (${STATEFUL_TYPES.map((type) => type.split(":")[1]).join(", ")}), and projects whose \`deletionPolicy\` is DELETE (the provider default PREVENT refuses deletion itself), have the resource option \`protect: true\`.`,
    remediationSteps:
      "Add `protect: true` to the resource options (components do it when `environment` is prod).",
    types: [...STATEFUL_TYPES, PROJECT],
    check: ({ type, props, opts, tier, report }) => {
      if (type === PROJECT && String(props.deletionPolicy ?? "PREVENT").toUpperCase() !== "DELETE") return;
      if (tier === "prod" && !opts.protect) {
        report(
          "this stateful prod resource is not protected: a refactor or `pulumi destroy` would delete its data.",
        );
      }
    },
  }),
];
