import * as pulumi from "@pulumi/pulumi";
import { alertDocumentation } from "./alerts";
import type { EndpointDefinition, ServiceDefinition } from "./model";
import { serviceTier } from "./model";
import { SERVICE_TIER_DEFAULTS } from "./presets";

/** Probes run from these regions; Cloud Monitoring needs at least three. */
export const UPTIME_REGIONS = ["EUROPE", "USA", "ASIA_PACIFIC"] as const;

/** Regions that must fail together before anyone is paged: one failing region is a network blip. */
export const UPTIME_FAILING_REGIONS_TO_ALERT = 2;

export function uptimeCheckArgs(
  service: ServiceDefinition,
  endpoint: EndpointDefinition,
  project: pulumi.Input<string>,
  labels: Record<string, string>,
) {
  const defaults = SERVICE_TIER_DEFAULTS[serviceTier(service)];
  const path = endpoint.path ?? "/";
  return {
    displayName: `${service.name}: https://${endpoint.host}${path}`,
    period: `${defaults.uptimePeriodSeconds}s`,
    timeout: `${defaults.uptimeTimeoutSeconds}s`,
    checkerType: "STATIC_IP_CHECKERS",
    selectedRegions: [...UPTIME_REGIONS],
    httpCheck: {
      requestMethod: "GET",
      path,
      port: 443,
      useSsl: true,
      validateSsl: true,
      acceptedResponseStatusCodes: [{ statusClass: "STATUS_CLASS_2XX" }],
    },
    monitoredResource: { type: "uptime_url", labels: { project_id: project, host: endpoint.host } },
    userLabels: labels,
  };
}

/**
 * Counts the regions whose latest probe failed (`REDUCE_COUNT_FALSE` over `check_passed`) and fires
 * when more than one does, for one more probe period.
 */
export function uptimeAlertCondition(checkId: pulumi.Input<string>, periodSeconds: number) {
  return {
    displayName: `Probes failing from ${UPTIME_FAILING_REGIONS_TO_ALERT} regions or more`,
    conditionThreshold: {
      filter: pulumi.interpolate`metric.type="monitoring.googleapis.com/uptime_check/check_passed" AND resource.type="uptime_url" AND metric.label.check_id="${checkId}"`,
      aggregations: [
        {
          alignmentPeriod: `${2 * periodSeconds}s`,
          perSeriesAligner: "ALIGN_NEXT_OLDER",
          crossSeriesReducer: "REDUCE_COUNT_FALSE",
          groupByFields: ["resource.label.host"],
        },
      ],
      comparison: "COMPARISON_GT",
      thresholdValue: UPTIME_FAILING_REGIONS_TO_ALERT - 1,
      duration: `${periodSeconds}s`,
      trigger: { count: 1 },
    },
  };
}

export function uptimeDocumentation(
  service: ServiceDefinition,
  endpoint: EndpointDefinition,
  runbookUrl: string,
) {
  const url = `https://${endpoint.host}${endpoint.path ?? "/"}`;
  return alertDocumentation({
    runbookUrl,
    whatFired: `${url} (${service.name}) failed its HTTPS probe (status, timeout or certificate) from ${UPTIME_FAILING_REGIONS_TO_ALERT} regions or more: customers are likely affected.`,
    likelyCauses: [
      "The service is down or returning errors at its health path.",
      "The TLS certificate expired or no longer matches the host.",
      "DNS, load balancer or CDN configuration changed.",
    ],
    firstSteps: [
      `Open ${url} yourself and note the status, the latency and the certificate.`,
      `Check the ${service.name} dashboard: uptime per region and the error ratio.`,
      "Check the latest deploys and DNS or certificate changes; roll back what lines up.",
    ],
  });
}
