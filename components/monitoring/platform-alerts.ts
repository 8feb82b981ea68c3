import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import type { AlertRouter, Severity } from "../oncall/routing";
import { type AlertDocumentationInput, alertDocumentation } from "./alerts";
import { routedFields } from "./route";

/** On-call areas that own the platform's alerts. */
export interface PlatformAlertAreas {
  /** NAT allocation failures and dropped packets. Default: `connectivity`. */
  connectivity?: string;
  /** Failed deploys. Default: `release`. */
  release?: string;
  /** Error-log spikes. Default: `release` (a spike most often follows a change). */
  errors?: string;
}

export interface PlatformAlertsArgs {
  /** The environment's project. */
  project: pulumi.Input<string>;
  /** Environment name, for titles and labels. */
  environment: string;
  router: AlertRouter;
  /** See ServiceMonitoringArgs.runbookBaseUrl. */
  runbookBaseUrl: string;
  areas?: PlatformAlertAreas;
  /** ERROR-or-worse log entries per second, over 5 minutes, that count as a spike. Default: 1. */
  errorLogsPerSecond?: number;
  /** Labels of the alert policies: the environment's labels (team, environment, cost-center). */
  userLabels: Record<string, string>;
}

/** Log-based metric names (the alert filters read `logging.googleapis.com/user/<name>`). */
export const ERROR_LOG_METRIC = "platform-error-log-entries";
export const FAILED_DEPLOY_METRIC = "platform-failed-deploys";

/** Log entries of ERROR severity or worse, from any workload of the project. */
export const ERROR_LOG_FILTER = "severity>=ERROR";

/** Cloud Run service creations and updates that failed (the admin audit log records them as errors). */
export const FAILED_DEPLOY_FILTER = [
  'protoPayload.serviceName="run.googleapis.com"',
  'protoPayload.methodName=("google.cloud.run.v1.Services.CreateService" OR "google.cloud.run.v1.Services.ReplaceService" OR "google.cloud.run.v2.Services.CreateService" OR "google.cloud.run.v2.Services.UpdateService")',
  "severity>=ERROR",
].join(" AND ");

/** The workloads whose error logs count: Cloud Run, GKE containers, VMs. */
const WORKLOAD_RESOURCES = 'resource.type=one_of("cloud_run_revision", "k8s_container", "gce_instance")';

interface PlatformAlertSpec {
  key: string;
  area: string;
  severity: Severity;
  displayName: string;
  runbook: string;
  condition: gcp.types.input.monitoring.AlertPolicyCondition;
  documentation: Omit<AlertDocumentationInput, "runbookUrl">;
  dependsOn?: pulumi.Resource[];
}

/**
 * The alerts every environment gets whatever runs in it, routed to the owners of each area: Cloud NAT
 * running out of ports, error-log spikes (through a log-based metric), and failed deploys. Budget
 * alerts are the environment's own (GcpEnvironment's budget).
 */
export class PlatformAlerts extends pulumi.ComponentResource {
  readonly alertPolicyNames: pulumi.Output<string[]>;

  constructor(name: string, args: PlatformAlertsArgs, opts: pulumi.ComponentResourceOptions = {}) {
    if (!/^https:\/\/\S+$/.test(args.runbookBaseUrl)) {
      throw new Error(
        `PlatformAlerts "${name}": runbookBaseUrl must be an https URL, got ${JSON.stringify(args.runbookBaseUrl)}`,
      );
    }
    super("platform:monitoring:PlatformAlerts", name, {}, opts);
    const child = { parent: this };
    const areas = {
      connectivity: args.areas?.connectivity ?? "connectivity",
      release: args.areas?.release ?? "release",
      errors: args.areas?.errors ?? "release",
    };
    const labels = { ...args.userLabels };

    const errorLogs = new gcp.logging.Metric(
      `${name}-error-log-entries`,
      {
        project: args.project,
        name: ERROR_LOG_METRIC,
        description: "Log entries of severity ERROR or worse (platform error-log spike alert).",
        filter: ERROR_LOG_FILTER,
        metricDescriptor: { metricKind: "DELTA", valueType: "INT64", unit: "1" },
      },
      child,
    );
    const failedDeploys = new gcp.logging.Metric(
      `${name}-failed-deploys`,
      {
        project: args.project,
        name: FAILED_DEPLOY_METRIC,
        description: "Cloud Run service deploys that failed (platform failed-deploy alert).",
        filter: FAILED_DEPLOY_FILTER,
        metricDescriptor: { metricKind: "DELTA", valueType: "INT64", unit: "1" },
      },
      child,
    );

    const specs = platformAlertSpecs(args.environment, areas, args.errorLogsPerSecond ?? 1, {
      errorLogs,
      failedDeploys,
    });
    const base = args.runbookBaseUrl.replace(/\/+$/, "");
    const names = specs.map(
      (spec) =>
        new gcp.monitoring.AlertPolicy(
          `${name}-${spec.key}`,
          {
            project: args.project,
            displayName: spec.displayName,
            combiner: "OR",
            conditions: [spec.condition],
            documentation: alertDocumentation({
              ...spec.documentation,
              runbookUrl: `${base}/docs/runbooks/${spec.runbook}`,
            }),
            ...routedFields(args.router, spec.area, spec.severity, { ...labels, alert: spec.key }),
          },
          { ...child, dependsOn: spec.dependsOn ?? [] },
        ).name,
    );
    this.alertPolicyNames = pulumi.all(names);
    this.registerOutputs({ alertPolicyNames: this.alertPolicyNames });
  }
}

/** The platform alerts as data: conditions, routes and documentation. */
export function platformAlertSpecs(
  environment: string,
  areas: Required<PlatformAlertAreas>,
  errorLogsPerSecond: number,
  metrics: { errorLogs?: pulumi.Resource; failedDeploys?: pulumi.Resource } = {},
): PlatformAlertSpec[] {
  return [
    {
      key: "nat-allocation-failures",
      area: areas.connectivity,
      severity: "SEV2",
      displayName: `${environment}: Cloud NAT cannot allocate ports or addresses`,
      runbook: "nat-exhaustion.md",
      condition: {
        displayName: "nat_allocation_failed is true",
        conditionThreshold: {
          filter:
            'metric.type="router.googleapis.com/nat/nat_allocation_failed" AND resource.type="nat_gateway"',
          aggregations: [
            {
              alignmentPeriod: "300s",
              perSeriesAligner: "ALIGN_COUNT_TRUE",
              crossSeriesReducer: "REDUCE_SUM",
              groupByFields: ["resource.label.router_id", "resource.label.gateway_name"],
            },
          ],
          comparison: "COMPARISON_GT",
          thresholdValue: 0,
          duration: "0s",
          trigger: { count: 1 },
        },
      },
      documentation: {
        whatFired: `A Cloud NAT gateway of ${environment} failed to allocate a NAT port or address to a VM or node: new outbound connections fail.`,
        likelyCauses: [
          "More concurrent connections to one destination than the minimum ports per VM allows.",
          "AUTO_ONLY NAT addresses exhausted by a traffic increase or new nodes.",
          "A retry storm towards one external API.",
        ],
        firstSteps: [
          "Find the gateway and the VMs in the NAT logs (ERRORS_ONLY logging is on).",
          "Check the ports in use per VM against min/max ports per VM.",
          "Raise the ports per VM or add addresses; enable dynamic port allocation if off.",
        ],
      },
    },
    {
      key: "nat-dropped-packets",
      area: areas.connectivity,
      severity: "SEV2",
      displayName: `${environment}: Cloud NAT drops outbound packets (out of resources)`,
      runbook: "nat-exhaustion.md",
      condition: {
        displayName: "dropped_sent_packets_count (OUT_OF_RESOURCES) above 0 for 5 minutes",
        conditionThreshold: {
          filter:
            'metric.type="router.googleapis.com/nat/dropped_sent_packets_count" AND resource.type="nat_gateway" AND metric.label.reason="OUT_OF_RESOURCES"',
          aggregations: [
            {
              alignmentPeriod: "60s",
              perSeriesAligner: "ALIGN_RATE",
              crossSeriesReducer: "REDUCE_SUM",
              groupByFields: ["resource.label.router_id", "resource.label.gateway_name"],
            },
          ],
          comparison: "COMPARISON_GT",
          thresholdValue: 0,
          duration: "300s",
          trigger: { count: 1 },
        },
      },
      documentation: {
        whatFired: `A Cloud NAT gateway of ${environment} has been dropping outbound packets for lack of ports for 5 minutes.`,
        likelyCauses: [
          "Port exhaustion: too many connections per VM to the same destination.",
          "NAT addresses exhausted.",
          "Connections not reused (no keep-alive, no pooling) by a client.",
        ],
        firstSteps: [
          "Identify the gateway and the source VMs in the NAT logs.",
          "Compare ports in use with the allocation; look for one destination dominating.",
          "Raise ports per VM or add NAT addresses, then fix the client's connection reuse.",
        ],
      },
    },
    {
      key: "error-log-spike",
      area: areas.errors,
      severity: "SEV3",
      displayName: `${environment}: error logs above ${errorLogsPerSecond} per second`,
      runbook: "error-log-spike.md",
      condition: {
        displayName: `ERROR log entries above ${errorLogsPerSecond}/s for 5 minutes`,
        conditionThreshold: {
          filter: `metric.type="logging.googleapis.com/user/${ERROR_LOG_METRIC}" AND ${WORKLOAD_RESOURCES}`,
          aggregations: [
            { alignmentPeriod: "300s", perSeriesAligner: "ALIGN_RATE", crossSeriesReducer: "REDUCE_SUM" },
          ],
          comparison: "COMPARISON_GT",
          thresholdValue: errorLogsPerSecond,
          duration: "300s",
          trigger: { count: 1 },
        },
      },
      documentation: {
        whatFired: `Workloads in ${environment} have logged more than ${errorLogsPerSecond} ERROR entries per second for 5 minutes.`,
        likelyCauses: [
          "A deploy introduced a bug or a bad configuration.",
          "A dependency fails and every request logs it.",
          "A noisy logger: errors logged for expected conditions.",
        ],
        firstSteps: [
          `Open Logs Explorer on ${environment} with severity>=ERROR and group by resource.`,
          "Match the start of the spike with deploys and dependency incidents.",
          "Roll back the change, or page the owning team if their service's SLO burns too.",
        ],
      },
      ...(metrics.errorLogs ? { dependsOn: [metrics.errorLogs] } : {}),
    },
    {
      key: "failed-deploy",
      area: areas.release,
      severity: "SEV3",
      displayName: `${environment}: a deploy failed`,
      runbook: "failed-deploy.md",
      condition: {
        displayName: "Failed Cloud Run deploys",
        conditionThreshold: {
          filter: `metric.type="logging.googleapis.com/user/${FAILED_DEPLOY_METRIC}" AND resource.type="cloud_run_revision"`,
          aggregations: [
            { alignmentPeriod: "300s", perSeriesAligner: "ALIGN_DELTA", crossSeriesReducer: "REDUCE_SUM" },
          ],
          comparison: "COMPARISON_GT",
          thresholdValue: 0,
          duration: "0s",
          trigger: { count: 1 },
        },
      },
      documentation: {
        whatFired: `A Cloud Run deploy in ${environment} failed: the new revision was not created or did not become ready.`,
        likelyCauses: [
          "The container fails its startup probe or crashes on start.",
          "A missing secret, permission or API in the target project.",
          "An invalid service configuration (CPU, memory, concurrency).",
        ],
        firstSteps: [
          "Open the failed revision's logs and the audit log entry of the deploy.",
          "Confirm the previous revision still serves 100 % of traffic.",
          "Fix forward or revert the change in the service's repository and redeploy.",
        ],
      },
      ...(metrics.failedDeploys ? { dependsOn: [metrics.failedDeploys] } : {}),
    },
  ];
}
