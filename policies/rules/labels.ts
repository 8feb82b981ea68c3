import { objectOf, type PlatformRule, resourceRule, schema } from "../lib/rule";

/** Where each labelled type keeps its labels (only types that have a labels field are checked). */
export const LABEL_FIELDS: Record<string, string[]> = {
  "gcp:organizations/project:Project": ["labels"],
  "gcp:storage/bucket:Bucket": ["labels"],
  "gcp:kms/cryptoKey:CryptoKey": ["labels"],
  "gcp:bigquery/dataset:Dataset": ["labels"],
  "gcp:compute/instance:Instance": ["labels"],
  "gcp:compute/instanceTemplate:InstanceTemplate": ["labels"],
  "gcp:dns/managedZone:ManagedZone": ["labels"],
  "gcp:container/cluster:Cluster": ["resourceLabels"],
  "gcp:sql/databaseInstance:DatabaseInstance": ["settings", "userLabels"],
  "gcp:monitoring/notificationChannel:NotificationChannel": ["userLabels"],
  "gcp:monitoring/alertPolicy:AlertPolicy": ["userLabels"],
  "gcp:pubsub/topic:Topic": ["labels"],
  "gcp:secretmanager/secret:Secret": ["labels"],
  "gcp:artifactregistry/repository:Repository": ["labels"],
};

/** Where each located type keeps its location, and whether it is a zone. */
export const LOCATION_FIELDS: Record<string, string> = {
  "gcp:storage/bucket:Bucket": "location",
  "gcp:bigquery/dataset:Dataset": "location",
  "gcp:container/cluster:Cluster": "location",
  "gcp:container/nodePool:NodePool": "location",
  "gcp:sql/databaseInstance:DatabaseInstance": "region",
  "gcp:compute/instance:Instance": "zone",
  "gcp:compute/subnetwork:Subnetwork": "region",
  "gcp:kms/keyRing:KeyRing": "location",
  "gcp:artifactregistry/repository:Repository": "location",
};

export const DEFAULT_REQUIRED_LABELS = ["team", "environment", "cost-center"];
export const DEFAULT_ALLOWED_LOCATIONS = ["europe-west1", "europe-west4", "eu"];

/** "europe-west1-b" → "europe-west1"; regions and multi-regions pass through, lower-cased. */
export function regionOf(location: string): string {
  const value = location.toLowerCase();
  return /^[a-z]+-[a-z]+\d+-[a-z]$/.test(value) ? value.slice(0, -2) : value;
}

export const labelRules: PlatformRule[] = [
  resourceRule<{ requiredLabels: string[] }>({
    name: "required-labels",
    description: "Labelled resources carry the required labels.",
    severity: "low",
    category: "cost",
    checks:
      "Resource types with a labels field (Project, Bucket, CryptoKey, Dataset, Instance, Cluster `resourceLabels`, SQL `settings.userLabels`, NotificationChannel/AlertPolicy `userLabels`...) carry every `requiredLabels` key with a non-empty value.",
    trivy: ["AVD-GCP-0051"],
    remediationSteps:
      "Add the missing labels (the platform components set them from the environment's metadata).",
    configSchema: {
      properties: {
        requiredLabels: schema.strings(DEFAULT_REQUIRED_LABELS, "Label keys every labelled resource needs."),
      },
    },
    types: Object.keys(LABEL_FIELDS),
    check: ({ type, props, config, report }) => {
      const path = LABEL_FIELDS[type];
      let labels: unknown = props;
      for (const segment of path) labels = objectOf(labels)?.[segment];
      const present = objectOf(labels) ?? {};
      const missing = config.requiredLabels.filter(
        (key) => typeof present[key] !== "string" || present[key] === "",
      );
      if (missing.length > 0) report(`${path.join(".")} is missing ${missing.join(", ")}.`);
    },
  }),
  resourceRule<{ allowedLocations: string[] }>({
    name: "allowed-locations",
    description: "Resources are created only in allowed locations.",
    severity: "medium",
    category: "governance",
    checks:
      "The location/region/zone of located types (Bucket, Dataset, Cluster, NodePool, SQL, Instance, Subnetwork, KeyRing...) is in `allowedLocations` (zones are reduced to their region).",
    remediationSteps:
      "Use an allowed region, or extend allowedLocations in the stack's policy config after a data-residency review.",
    configSchema: {
      properties: {
        allowedLocations: schema.strings(
          DEFAULT_ALLOWED_LOCATIONS,
          "Regions and multi-regions (lower-case) resources may use.",
        ),
      },
    },
    types: Object.keys(LOCATION_FIELDS),
    check: ({ type, props, config, report }) => {
      const field = LOCATION_FIELDS[type];
      const location = props[field];
      // Unset means the provider's default region, which the provider config pins; nothing to judge here.
      if (typeof location !== "string" || location === "") return;
      const allowed = new Set(config.allowedLocations.map((entry) => entry.toLowerCase()));
      if (!allowed.has(regionOf(location))) {
        report(
          `${field} ${location} is outside the allowed locations (${config.allowedLocations.join(", ")}).`,
        );
      }
    },
  }),
];
