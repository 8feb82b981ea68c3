import { type BurnRateAlert, burnRateAlerts, type LowTrafficCheck, lowTrafficCheck } from "./burn-rate";
import { type ResolvedSlo, resolveSlo, type ServiceDefinition } from "./model";

/**
 * What the component will build for a service, as plain data: each SLO resolved from its preset, its
 * burn-rate alerts, and the warnings the plan shows (adapted rows, low traffic).
 */

export interface PlannedSlo {
  slo: ResolvedSlo;
  /** Cloud Monitoring SLO and alert policies, or Prometheus rules (applied by Managed Prometheus). */
  backend: "cloud-monitoring" | "prometheus";
  alerts: BurnRateAlert[];
  traffic: LowTrafficCheck;
}

export interface ServiceMonitoringPlan {
  service: string;
  slos: PlannedSlo[];
  warnings: string[];
}

export function planServiceMonitoring(service: ServiceDefinition): ServiceMonitoringPlan {
  const warnings: string[] = [];
  const slos = service.slos.map((definition) => {
    const slo = resolveSlo(service, definition);
    const alerts = burnRateAlerts(slo);
    const traffic = lowTrafficCheck(slo);
    const where = `service ${service.name}, SLO ${slo.name} (${slo.objective} % over ${slo.calendarMonth ? "the calendar month" : `${slo.periodDays} days`})`;
    for (const alert of alerts) {
      if (alert.adapted)
        warnings.push(`${where}: ${alert.severity} row "${alert.title}": ${alert.adapted.reason}`);
    }
    if (traffic.badEventsToPage !== undefined && slo.requestsPerMinute !== undefined) {
      if (slo.requestsPerMinute < traffic.minimumRequestsPerMinute) {
        warnings.push(
          `${where}: low traffic: at ${slo.requestsPerMinute} requests per minute, ${traffic.badEventsToPage} bad requests in 5 minutes page; burn-rate alerts need at least ${traffic.minimumRequestsPerMinute} requests per minute`,
        );
      }
    }
    return {
      slo,
      backend: "prometheus" in slo.sli ? ("prometheus" as const) : ("cloud-monitoring" as const),
      alerts,
      traffic,
    };
  });
  return { service: service.name, slos, warnings };
}
