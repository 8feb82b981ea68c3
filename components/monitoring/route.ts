import type * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import type { AlertRoute, AlertRouter, Severity } from "../oncall/routing";

/** Alerts close themselves this long after their condition clears, unless the route says otherwise. */
export const DEFAULT_AUTO_CLOSE = "1800s";

export interface RoutedAlertFields {
  notificationChannels: pulumi.Output<string[]>;
  severity?: "CRITICAL" | "ERROR" | "WARNING";
  alertStrategy: pulumi.Input<gcp.types.input.monitoring.AlertPolicyAlertStrategy>;
  userLabels: Record<string, string>;
}

/**
 * The AlertPolicy fields an on-call route decides: channels, severity, strategy (always with an
 * autoClose) and labels; the alert's own labels (service, slo...) are added on top.
 */
export function routedFields(
  router: AlertRouter,
  area: string,
  severity: Severity,
  labels: Record<string, string>,
): RoutedAlertFields {
  const route: AlertRoute = router.route(area, severity);
  return {
    notificationChannels: route.notificationChannels,
    ...(route.severity ? { severity: route.severity } : {}),
    alertStrategy: withAutoClose(route.alertStrategy),
    userLabels: { ...route.userLabels, ...labels, area: labelValue(area), severity: severity.toLowerCase() },
  };
}

/**
 * The route's strategy with an autoClose. A plain strategy object is kept as an object: its
 * re-notify channel names are unknown until the channels exist, and an `apply` over the whole
 * object would make autoClose unknown in a preview too (the apply does not run on unknowns).
 */
export function withAutoClose(
  strategy: pulumi.Input<gcp.types.input.monitoring.AlertPolicyAlertStrategy>,
): pulumi.Input<gcp.types.input.monitoring.AlertPolicyAlertStrategy> {
  if (pulumi.Output.isInstance(strategy) || strategy instanceof Promise)
    return pulumi.output(strategy).apply((resolved) => ({
      ...resolved,
      autoClose: resolved.autoClose ?? DEFAULT_AUTO_CLOSE,
    }));
  return { ...strategy, autoClose: strategy.autoClose ?? DEFAULT_AUTO_CLOSE };
}

/** GCP label values: lowercase letters, digits, `_` and `-`, at most 63 characters. */
export function labelValue(value: string): string {
  return value
    .toLowerCase()
    .replace(/[^a-z0-9_-]/g, "-")
    .slice(0, 63);
}
