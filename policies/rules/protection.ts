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
];

export const protectionRules: PlatformRule[] = [
  resourceRule({
    name: "prod-stateful-protected",
    description: "Stateful resources in prod are protected from deletion by Pulumi.",
    severity: "high",
    category: "reliability",
    checks: `In prod, stateful types (${STATEFUL_TYPES.map((type) => type.split(":")[2]).join(", ")}) have the resource option \`protect: true\`.`,
    remediationSteps:
      "Add `protect: true` to the resource options (components do it when `environment` is prod).",
    types: STATEFUL_TYPES,
    check: ({ opts, tier, report }) => {
      if (tier === "prod" && !opts.protect) {
        report(
          "this stateful prod resource is not protected: a refactor or `pulumi destroy` would delete its data.",
        );
      }
    },
  }),
];
