import type * as gcp from "@pulumi/gcp";
import type * as pulumi from "@pulumi/pulumi";

export type Severity = "SEV1" | "SEV2" | "SEV3" | "SEV4";
export interface AlertRoute {
  /** Cloud Monitoring notification channel ids (resource names) for this route. */
  notificationChannels: pulumi.Output<string[]>;
  /** Cloud Monitoring AlertPolicy.severity: SEV1→CRITICAL, SEV2→ERROR, SEV3→WARNING, SEV4→undefined. */
  severity?: "CRITICAL" | "ERROR" | "WARNING";
  /** AlertPolicy.alertStrategy: autoClose and notificationChannelStrategies (re-notify). */
  alertStrategy: pulumi.Input<gcp.types.input.monitoring.AlertPolicyAlertStrategy>;
  /** userLabels: area, severity (lowercase sev1..), team. */
  userLabels: Record<string, string>;
}
export interface AlertRouter {
  route(area: string, severity: Severity): AlertRoute;
}
