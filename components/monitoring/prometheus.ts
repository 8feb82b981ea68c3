import { stringify } from "yaml";
import { BURN_RATE_TABLE, errorBudget, promDuration } from "./burn-rate";
import { runbookPath, type ServiceDefinition } from "./model";
import { planServiceMonitoring } from "./service-plan";

/**
 * The burn-rate table as Prometheus rule groups, for SLIs measured by (Managed) Prometheus:
 * recording rules for the error ratio over each window, and alerting rules over both windows of
 * each row. The same thresholds as the Cloud Monitoring policies: they come from burn-rate.ts.
 */

export interface RecordingRule {
  record: string;
  expr: string;
  labels: Record<string, string>;
}

export interface AlertingRule {
  alert: string;
  expr: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface RuleGroup {
  name: string;
  rules: (RecordingRule | AlertingRule)[];
}

export interface RuleFile {
  groups: RuleGroup[];
}

/** Every alerting rule is named this; `severity`, `service` and `slo` tell them apart. */
export const BURN_ALERT_NAME = "SLOErrorBudgetBurn";

/** `slo:sli_error:ratio_rate5m` — the Workbook's naming for the error ratio over a window. */
export function errorRatioRecord(windowSeconds: number): string {
  return `slo:sli_error:ratio_rate${promDuration(windowSeconds)}`;
}

/** Every window the table needs, shortest first. */
export function ruleWindows(): number[] {
  const windows = new Set(BURN_RATE_TABLE.flatMap((row) => [row.shortWindowSeconds, row.longWindowSeconds]));
  return [...windows].sort((a, b) => a - b);
}

function fill(query: string, windowSeconds: number): string {
  return query.replaceAll("{{window}}", promDuration(windowSeconds));
}

/**
 * One group per Prometheus SLO of the service, or undefined when it has none. Recording rules come
 * first in the group, so each evaluation's alerts read the ratios recorded at the same instant.
 */
export function prometheusRules(service: ServiceDefinition, runbookBaseUrl: string): RuleFile | undefined {
  const plan = planServiceMonitoring(service);
  const groups: RuleGroup[] = [];
  for (const { slo, alerts } of plan.slos) {
    if (!("prometheus" in slo.sli)) continue;
    const { errorQuery, totalQuery } = slo.sli.prometheus;
    const selector = { service: service.name, slo: slo.name };
    const matchers = `{service="${service.name}",slo="${slo.name}"}`;
    const budget = errorBudget(slo.objective);
    const rules: (RecordingRule | AlertingRule)[] = ruleWindows().map((window) => ({
      record: errorRatioRecord(window),
      expr: `(${fill(errorQuery, window)})\n/\n(${fill(totalQuery, window)})`,
      labels: selector,
    }));
    const runbook = `${runbookBaseUrl.replace(/\/+$/, "")}/${runbookPath(service, slo.runbook)}`;
    for (const alert of alerts) {
      const limit = `(${alert.threshold} * ${budget})`;
      rules.push({
        alert: BURN_ALERT_NAME,
        expr: `${errorRatioRecord(alert.longWindowSeconds)}${matchers} > ${limit}\nand\n${errorRatioRecord(alert.shortWindowSeconds)}${matchers} > ${limit}`,
        labels: {
          severity: alert.severity,
          service: service.name,
          slo: slo.name,
          area: service.area,
          team: service.team,
        },
        annotations: {
          summary: `${service.name} ${slo.name}: ${alert.title}`,
          description: `Error ratio above ${alert.threshold}× the budget (${slo.objective} % objective) over both ${promDuration(alert.longWindowSeconds)} and ${promDuration(alert.shortWindowSeconds)}.${alert.adapted ? ` Adapted row: ${alert.adapted.reason}.` : ""} ${alert.action === "page" ? "Pages." : "Ticket."}`,
          runbook_url: runbook,
        },
      });
    }
    groups.push({ name: `slo-${service.name}-${slo.name}`, rules });
  }
  return groups.length > 0 ? { groups } : undefined;
}

/** The rule file as YAML, as Prometheus, promtool and Managed Prometheus `Rules` read it. */
export function ruleFileYaml(file: RuleFile): string {
  return stringify(file, { lineWidth: 0, aliasDuplicateObjects: false });
}
