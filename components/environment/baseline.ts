import type { Tier } from "./tiers";

/** Plain data that defines an environment's baseline; tested without Pulumi. */

/**
 * APIs every environment enables; teams add their own on top. `sts` and `iamcredentials` let
 * GitHub tokens be exchanged where a pool lives; `cloudbilling` lets a deploy identity living in
 * the project link new projects to the billing account (its project is the quota project).
 */
export const BASELINE_APIS = [
  "billingbudgets.googleapis.com",
  "cloudbilling.googleapis.com",
  "cloudkms.googleapis.com",
  "cloudresourcemanager.googleapis.com",
  "compute.googleapis.com",
  "container.googleapis.com",
  "iam.googleapis.com",
  "iamcredentials.googleapis.com",
  "logging.googleapis.com",
  "monitoring.googleapis.com",
  "serviceusage.googleapis.com",
  "sts.googleapis.com",
] as const;

/** Google's Identity-Aware Proxy TCP forwarding range: the only source allowed to reach SSH. */
export const IAP_TCP_FORWARDING_RANGE = "35.235.240.0/20";

/** Read access for a team's viewers group. Predefined roles only: never owner/editor/viewer. */
export const VIEWER_ROLES = [
  "roles/browser",
  "roles/compute.networkViewer",
  "roles/logging.viewer",
  "roles/monitoring.viewer",
] as const;

/**
 * A team's developers group. Outside prod they build and debug; in prod they observe and silence
 * alerts, and changes go through the deploy pipeline.
 */
export function developerRoles(tier: Tier): string[] {
  const observe = [
    ...VIEWER_ROLES,
    "roles/monitoring.editor",
    "roles/errorreporting.user",
    "roles/cloudtrace.user",
  ];
  if (tier === "prod") return observe;
  return [...observe, "roles/container.developer", "roles/cloudsql.client", "roles/logging.privateLogViewer"];
}

export const PRIMITIVE_ROLES = ["roles/owner", "roles/editor", "roles/viewer"] as const;

/** Budget alerts: 50%, 90% and 100% of actual spend, and 100% of the month's forecast. */
export const BUDGET_THRESHOLDS = [
  { thresholdPercent: 0.5, spendBasis: "CURRENT_SPEND" },
  { thresholdPercent: 0.9, spendBasis: "CURRENT_SPEND" },
  { thresholdPercent: 1.0, spendBasis: "CURRENT_SPEND" },
  { thresholdPercent: 1.0, spendBasis: "FORECASTED_SPEND" },
] as const;

/** Every audit log stream: admin activity, data access, system events and policy denials. */
export const AUDIT_LOG_FILTER = 'logName:"cloudaudit.googleapis.com"';

/** Data-access audit logs for every service: reads and writes of data and of metadata. */
export const AUDIT_LOG_TYPES = ["ADMIN_READ", "DATA_READ", "DATA_WRITE"] as const;

export function rotationPeriod(days: number): string {
  return `${days * 86_400}s`;
}

/** GCP label values: lowercase letters, digits, `_` and `-`, at most 63 characters. */
export function labelValue(value: string): string {
  return value
    .toLowerCase()
    .replace(/[^a-z0-9_-]/g, "-")
    .slice(0, 63);
}

export function environmentLabels(
  tier: Tier,
  team: string,
  costCenter: string,
  extra: Record<string, string> = {},
) {
  return {
    ...extra,
    team: labelValue(team),
    environment: tier,
    "cost-center": labelValue(costCenter),
    "managed-by": "pulumi",
  };
}

/** Regions that need a Cloud Router and NAT: one per region that has a subnet. */
export function natRegions(subnets: { region: string }[]): string[] {
  return [...new Set(subnets.map((subnet) => subnet.region))].sort();
}
