import { sloBurnRateFilter, sloResourceName } from "./alerts";
import { burnRateAlerts } from "./burn-rate";
import { type Dashboard, mosaic, type Widget } from "./dashboard";
import { type ResolvedSlo, resolveSlo, type ServiceDefinition } from "./model";

/**
 * A service's dashboard: per SLO its compliance, remaining budget and burn rate; the service's
 * latency and traffic; and uptime per public endpoint.
 */
export function serviceDashboard(
  service: ServiceDefinition,
  project: string,
  uptimeCheckIds: string[],
): Dashboard {
  const widgets: Widget[] = [];
  const slos = service.slos.map((slo) => resolveSlo(service, slo));
  for (const slo of slos) {
    if ("cloudMonitoring" in slo.sli) widgets.push(...cloudMonitoringSloWidgets(project, service, slo));
    else widgets.push(...prometheusSloWidgets(slo));
  }
  const latency = slos.find(
    (slo) => "cloudMonitoring" in slo.sli && slo.sli.cloudMonitoring.distributionFilter,
  );
  const latencyFilter =
    latency && "cloudMonitoring" in latency.sli ? latency.sli.cloudMonitoring.distributionFilter : undefined;
  if (latency && latencyFilter) {
    widgets.push({
      title: `Latency (p99 and p50) — target ${latency.latencyThresholdMs} ms`,
      xyChart: {
        dataSets: (["ALIGN_PERCENTILE_99", "ALIGN_PERCENTILE_50"] as const).map((aligner) => ({
          plotType: "LINE" as const,
          timeSeriesQuery: {
            timeSeriesFilter: {
              filter: latencyFilter,
              aggregation: {
                alignmentPeriod: "60s",
                perSeriesAligner: aligner,
                crossSeriesReducer: "REDUCE_MAX",
              },
            },
          },
        })),
        thresholds: [{ value: latency.latencyThresholdMs as number, label: "target", color: "RED" }],
        yAxis: { label: "ms", scale: "LINEAR" },
      },
    });
  }
  const traffic = slos.find((slo) => !("cloudMonitoring" in slo.sli) || slo.sli.cloudMonitoring.totalFilter);
  if (traffic) {
    widgets.push({
      title: "Traffic (requests per second)",
      xyChart: {
        dataSets: [
          {
            plotType: "LINE",
            timeSeriesQuery:
              "cloudMonitoring" in traffic.sli
                ? {
                    timeSeriesFilter: {
                      filter: traffic.sli.cloudMonitoring.totalFilter as string,
                      aggregation: {
                        alignmentPeriod: "60s",
                        perSeriesAligner: "ALIGN_RATE",
                        crossSeriesReducer: "REDUCE_SUM",
                      },
                    },
                  }
                : { prometheusQuery: traffic.sli.prometheus.totalQuery.replaceAll("{{window}}", "5m") },
          },
        ],
        yAxis: { label: "requests/s", scale: "LINEAR" },
      },
    });
  }
  uptimeCheckIds.forEach((checkId, index) => {
    const endpoint = service.endpoints?.[index];
    widgets.push({
      title: `Uptime: https://${endpoint?.host}${endpoint?.path ?? "/"} (share of regions passing)`,
      xyChart: {
        dataSets: [
          {
            plotType: "LINE",
            // Cloud Monitoring's own legend placeholder, not a JavaScript template.
            // biome-ignore lint/suspicious/noTemplateCurlyInString: literal ${...} for the dashboard API
            legendTemplate: "${metric.labels.checker_location}",
            timeSeriesQuery: {
              timeSeriesFilter: {
                filter: `metric.type="monitoring.googleapis.com/uptime_check/check_passed" AND resource.type="uptime_url" AND metric.label.check_id="${checkId}"`,
                aggregation: { alignmentPeriod: "300s", perSeriesAligner: "ALIGN_FRACTION_TRUE" },
              },
            },
          },
        ],
        yAxis: { label: "passing", scale: "LINEAR" },
      },
    });
  });
  return mosaic(`${service.name} (${service.team})`, widgets, { service: service.name, team: service.team });
}

function cloudMonitoringSloWidgets(project: string, service: ServiceDefinition, slo: ResolvedSlo): Widget[] {
  const name = sloResourceName(project, service.name, slo.name);
  const fastest = burnRateAlerts(slo)[0];
  return [
    {
      title: `${slo.name}: SLO compliance (objective ${slo.objective} %)`,
      scorecard: {
        timeSeriesQuery: { timeSeriesFilter: { filter: `select_slo_compliance(${JSON.stringify(name)})` } },
        thresholds: [{ value: slo.objective / 100, color: "RED", direction: "BELOW" }],
      },
    },
    {
      title: `${slo.name}: remaining error budget`,
      scorecard: {
        timeSeriesQuery: {
          timeSeriesFilter: { filter: `select_slo_budget_fraction(${JSON.stringify(name)})` },
        },
        thresholds: [
          { value: 0.25, color: "YELLOW", direction: "BELOW" },
          { value: 0, color: "RED", direction: "BELOW" },
        ],
      },
    },
    {
      title: `${slo.name}: burn rate over 1 hour`,
      xyChart: {
        dataSets: [
          {
            plotType: "LINE",
            timeSeriesQuery: { timeSeriesFilter: { filter: sloBurnRateFilter(name, 3_600) } },
          },
        ],
        thresholds: [{ value: fastest.threshold, label: fastest.severity, color: "RED" }],
        yAxis: { label: "burn rate", scale: "LINEAR" },
      },
    },
  ];
}

function prometheusSloWidgets(slo: ResolvedSlo): Widget[] {
  if (!("prometheus" in slo.sli)) return [];
  const { errorQuery, totalQuery } = slo.sli.prometheus;
  const ratio = (window: string) =>
    `(${errorQuery.replaceAll("{{window}}", window)}) / (${totalQuery.replaceAll("{{window}}", window)})`;
  const budget = (100 - slo.objective) / 100;
  return [
    {
      title: `${slo.name}: error ratio over the period (objective ${slo.objective} %)`,
      scorecard: {
        timeSeriesQuery: { prometheusQuery: ratio(`${slo.periodDays}d`) },
        thresholds: [{ value: budget, color: "RED", direction: "ABOVE" }],
      },
    },
    {
      title: `${slo.name}: remaining error budget`,
      scorecard: {
        timeSeriesQuery: { prometheusQuery: `1 - (${ratio(`${slo.periodDays}d`)}) / ${budget}` },
        thresholds: [{ value: 0.25, color: "YELLOW", direction: "BELOW" }],
      },
    },
    {
      title: `${slo.name}: burn rate over 1 hour`,
      xyChart: {
        dataSets: [
          { plotType: "LINE", timeSeriesQuery: { prometheusQuery: `(${ratio("1h")}) / ${budget}` } },
        ],
        thresholds: [{ value: burnRateAlerts(slo)[0].threshold, label: "SEV1", color: "RED" }],
        yAxis: { label: "burn rate", scale: "LINEAR" },
      },
    },
  ];
}
