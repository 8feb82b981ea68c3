import { existsSync } from "node:fs";
import * as path from "node:path";
import { prometheusRules } from "../../components/monitoring/prometheus";
import { planServiceMonitoring } from "../../components/monitoring/service-plan";
import type { PlatformConfig } from "../../stacks/config/schema";
import { terminalText } from "../../stacks/config/terminal-text";
import type { PlannedResource } from "./model";

/**
 * Monitoring coverage of a planned stack: every service has an SLO, every SLO a page and a ticket,
 * every alert a route, a severity, a team and a runbook that exists in this repository; plus the
 * warnings of the burn-rate maths (adapted rows, low traffic).
 */

export interface MonitoringReport {
  services: number;
  slos: number;
  /** Cloud Monitoring alert policies of the plan. */
  alertPolicies: number;
  /** Prometheus alerting rules generated for Prometheus SLIs (`npm run monitoring -- rules`). */
  prometheusAlertRules: number;
  /** Coverage gaps: each one a service, SLO or alert that misses something. Empty when covered. */
  gaps: string[];
  warnings: string[];
}

const ALERT_POLICY = "gcp:monitoring/alertPolicy:AlertPolicy";
const PAGE = ["SEV1", "SEV2"];

/** Runbook links point into this repository: `<base>/docs/runbooks/x.md` must be a file here. */
export function runbookFile(url: string, base: string): string | undefined {
  const prefix = `${base.replace(/\/+$/, "")}/`;
  return url.startsWith(prefix) ? url.slice(prefix.length) : undefined;
}

export function monitoringReport(
  config: PlatformConfig,
  resources: PlannedResource[],
  root: string = process.cwd(),
): MonitoringReport {
  const gaps: string[] = [];
  const warnings: string[] = [];
  const services = config.services ?? [];
  const base = config.ci
    ? `https://github.com/${config.ci.github.organization}/${config.ci.platformRepository.name}/blob/main`
    : "";
  const policies = resources.filter((resource) => resource.type === ALERT_POLICY);
  let slos = 0;
  let prometheusAlertRules = 0;
  for (const service of services) {
    const plan = planServiceMonitoring(service);
    warnings.push(...plan.warnings);
    if (plan.slos.length === 0) gaps.push(`service ${service.name}: no SLO`);
    const rules = prometheusRules(service, base || "https://invalid");
    for (const { slo, backend } of plan.slos) {
      slos += 1;
      let severities: string[];
      if (backend === "prometheus") {
        const group = rules?.groups.find((candidate) => candidate.name === `slo-${service.name}-${slo.name}`);
        const alerting = (group?.rules ?? []).filter((rule) => "alert" in rule);
        prometheusAlertRules += alerting.length;
        severities = alerting.map((rule) => rule.labels.severity);
        for (const rule of alerting)
          checkRunbook(rule.annotations.runbook_url, `rule ${rule.annotations.summary}`);
      } else {
        severities = policies
          .filter((policy) => {
            const labels = (policy.inputs.userLabels ?? {}) as Record<string, string>;
            return labels.service === service.name && labels.slo === slo.name;
          })
          .map((policy) =>
            String(((policy.inputs.userLabels ?? {}) as Record<string, string>).severity).toUpperCase(),
          );
      }
      if (!severities.some((severity) => PAGE.includes(severity)))
        gaps.push(`service ${service.name}, SLO ${slo.name}: no paging alert`);
      if (!severities.includes("SEV3"))
        gaps.push(`service ${service.name}, SLO ${slo.name}: no ticket alert`);
    }
  }
  for (const policy of policies) {
    const where = `alert policy ${policy.name}`;
    const inputs = policy.inputs as {
      notificationChannels?: unknown[];
      severity?: string;
      userLabels?: Record<string, string>;
      documentation?: { links?: { url?: string }[] };
    };
    if ((inputs.notificationChannels ?? []).length === 0)
      gaps.push(`${where}: no route (notification channels)`);
    if (!inputs.severity) gaps.push(`${where}: no severity`);
    if (!inputs.userLabels?.team) gaps.push(`${where}: no team label`);
    checkRunbook(inputs.documentation?.links?.[0]?.url, where);
  }
  return {
    services: services.length,
    slos,
    alertPolicies: policies.length,
    prometheusAlertRules,
    gaps,
    warnings,
  };

  function checkRunbook(url: string | undefined, where: string): void {
    if (!url) {
      gaps.push(`${where}: no runbook link`);
      return;
    }
    const file = (base ? runbookFile(url, base) : undefined) ?? "";
    if (!file.startsWith("docs/runbooks/") || !existsSync(path.join(root, file))) {
      gaps.push(`${where}: runbook ${url} is not a file under docs/runbooks in this repository`);
    }
  }
}

export function renderMonitoring(report: MonitoringReport): string[] {
  const lines = [
    `Monitoring: ${report.services} service${report.services === 1 ? "" : "s"}, ${report.slos} SLOs, ${report.alertPolicies} alert policies, ${report.prometheusAlertRules} Prometheus alerting rules`,
  ];
  lines.push(
    report.gaps.length === 0
      ? "  coverage: every service has an SLO, every SLO a page and a ticket, every alert a route, severity, team and runbook"
      : `  coverage gaps (${report.gaps.length}):`,
  );
  for (const gap of report.gaps) lines.push(`    ${terminalText(gap)}`);
  for (const warning of report.warnings) lines.push(`  warning: ${terminalText(warning)}`);
  return lines;
}
