import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import type { AlertRouter } from "../oncall/routing";
import { burnRateConditions, burnRateDocumentation, sloResourceName } from "./alerts";
import { dashboardJson } from "./dashboard";
import { isLatencySli, runbookPath, type ServiceDefinition, serviceTier } from "./model";
import { SERVICE_TIER_DEFAULTS } from "./presets";
import { labelValue, routedFields } from "./route";
import { serviceDashboard } from "./service-dashboard";
import { planServiceMonitoring } from "./service-plan";
import { uptimeAlertCondition, uptimeCheckArgs, uptimeDocumentation } from "./uptime";

export * from "./alerts";
export * from "./burn-rate";
export * from "./dashboard";
export * from "./model";
export * from "./platform-alerts";
export * from "./presets";
export * from "./service-plan";

export interface ServiceMonitoringArgs {
  /** Project that hosts the service's monitoring (its environment's project). */
  project: pulumi.Input<string>;
  service: ServiceDefinition;
  /** On-call routing: channels, severity, strategy and labels per area and severity. */
  router: AlertRouter;
  /**
   * URL under which repository paths resolve, e.g. `https://github.com/acme-corp/platform/blob/main`:
   * a runbook link is `<runbookBaseUrl>/docs/runbooks/<file>.md`.
   */
  runbookBaseUrl: string;
  /**
   * Labels of the service, SLOs, uptime checks and alert policies: the environment's labels
   * (`GcpEnvironment.labels`: team, environment, cost-center), which the pack requires; `service`
   * and `team` are set from the service.
   */
  userLabels: Record<string, string>;
}

/**
 * Monitoring of one service: a Cloud Monitoring service, an SLO per Cloud Monitoring SLI, burn-rate
 * alert policies derived from each SLO's objective and period, HTTPS uptime checks with an alert
 * when two regions fail, and a dashboard. Prometheus SLIs get rule files instead
 * (`npm run monitoring -- rules`).
 */
export class ServiceMonitoring extends pulumi.ComponentResource {
  readonly serviceId: pulumi.Output<string>;
  readonly sloNames: pulumi.Output<string[]>;
  readonly alertPolicyNames: pulumi.Output<string[]>;
  readonly uptimeCheckIds: pulumi.Output<string[]>;
  readonly dashboardId: pulumi.Output<string>;

  constructor(name: string, args: ServiceMonitoringArgs, opts: pulumi.ComponentResourceOptions = {}) {
    validateServiceMonitoringArgs(name, args);
    super("platform:monitoring:ServiceMonitoring", name, {}, opts);
    const { service } = args;
    const child: pulumi.CustomResourceOptions = { parent: this };
    const labels = {
      ...args.userLabels,
      service: labelValue(service.name),
      team: labelValue(service.team),
    };
    const runbookUrl = (file: string) =>
      `${args.runbookBaseUrl.replace(/\/+$/, "")}/${runbookPath(service, file)}`;

    const customService = new gcp.monitoring.CustomService(
      `${name}-service`,
      { project: args.project, serviceId: service.name, displayName: service.name, userLabels: labels },
      child,
    );

    const plan = planServiceMonitoring(service);
    const sloNames: pulumi.Output<string>[] = [];
    const policies: pulumi.Output<string>[] = [];
    const sloFilterNames = new Map<string, pulumi.Output<string>>();
    for (const { slo, alerts, backend } of plan.slos) {
      if (backend !== "cloud-monitoring" || !("cloudMonitoring" in slo.sli)) continue;
      const sli = slo.sli.cloudMonitoring;
      const sloResource = new gcp.monitoring.Slo(
        `${name}-${slo.name}-slo`,
        {
          project: args.project,
          service: customService.serviceId,
          sloId: slo.name,
          displayName: `${service.name} ${slo.name}: ${slo.objective} %`,
          goal: Math.round(slo.objective * 1000) / 100_000,
          ...(slo.calendarMonth ? { calendarPeriod: "MONTH" } : { rollingPeriodDays: slo.periodDays }),
          requestBasedSli: isLatencySli(slo.sli)
            ? {
                distributionCut: {
                  distributionFilter: sli.distributionFilter as string,
                  range: { max: slo.latencyThresholdMs },
                },
              }
            : {
                goodTotalRatio: {
                  totalServiceFilter: sli.totalFilter,
                  ...(sli.goodFilter ? { goodServiceFilter: sli.goodFilter } : {}),
                  ...(sli.badFilter ? { badServiceFilter: sli.badFilter } : {}),
                },
              },
          userLabels: { ...labels, slo: slo.name },
        },
        child,
      );
      sloNames.push(sloResource.name);
      // Built from inputs known at preview (a new SLO's `name` is not), and ordered after the SLO.
      const sloName = pulumi
        .output(args.project)
        .apply((project) => sloResourceName(project, service.name, slo.name));
      sloFilterNames.set(slo.name, sloName);
      for (const alert of alerts) {
        const policy = new gcp.monitoring.AlertPolicy(
          `${name}-${slo.name}-${alert.severity.toLowerCase()}`,
          {
            project: args.project,
            displayName: `${service.name} ${slo.name}: ${alert.title}`,
            combiner: "AND",
            conditions: sloName.apply((sloPath) => burnRateConditions(sloPath, alert)),
            documentation: burnRateDocumentation(service.name, slo, alert, runbookUrl(slo.runbook)),
            ...routedFields(args.router, service.area, alert.severity, { ...labels, slo: slo.name }),
          },
          { parent: this, dependsOn: [sloResource] },
        );
        policies.push(policy.name);
      }
    }

    const tierDefaults = SERVICE_TIER_DEFAULTS[serviceTier(service)];
    const uptimeIds: pulumi.Output<string>[] = [];
    (service.endpoints ?? []).forEach((endpoint, index) => {
      const check = new gcp.monitoring.UptimeCheckConfig(
        `${name}-uptime-${index}`,
        { project: args.project, ...uptimeCheckArgs(service, endpoint, args.project, labels) },
        child,
      );
      uptimeIds.push(check.uptimeCheckId);
      const policy = new gcp.monitoring.AlertPolicy(
        `${name}-uptime-${index}-alert`,
        {
          project: args.project,
          displayName: `${service.name}: https://${endpoint.host}${endpoint.path ?? "/"} fails from two regions or more`,
          combiner: "OR",
          conditions: [uptimeAlertCondition(check.uptimeCheckId, tierDefaults.uptimePeriodSeconds)],
          documentation: uptimeDocumentation(service, endpoint, runbookUrl("uptime.md")),
          ...routedFields(args.router, service.area, tierDefaults.uptimeSeverity, labels),
        },
        { parent: this, dependsOn: [check] },
      );
      policies.push(policy.name);
    });

    const dashboard = new gcp.monitoring.Dashboard(
      `${name}-dashboard`,
      {
        project: args.project,
        dashboardJson: pulumi
          .all([pulumi.output(args.project), pulumi.all(uptimeIds)])
          .apply(([project, checkIds]) => dashboardJson(serviceDashboard(service, project, checkIds))),
      },
      child,
    );

    this.serviceId = customService.serviceId;
    this.sloNames = pulumi.all(sloNames);
    this.alertPolicyNames = pulumi.all(policies);
    this.uptimeCheckIds = pulumi.all(uptimeIds);
    this.dashboardId = dashboard.id;
    this.registerOutputs({
      serviceId: this.serviceId,
      sloNames: this.sloNames,
      alertPolicyNames: this.alertPolicyNames,
      uptimeCheckIds: this.uptimeCheckIds,
      dashboardId: this.dashboardId,
    });
  }
}

/** Refuses a service the component cannot monitor faithfully, before anything is declared. */
export function validateServiceMonitoringArgs(name: string, args: ServiceMonitoringArgs): void {
  const problems: string[] = [];
  if (!/^https:\/\/\S+$/.test(args.runbookBaseUrl)) {
    problems.push(`runbookBaseUrl must be an https URL, got ${JSON.stringify(args.runbookBaseUrl)}`);
  }
  if (args.service.slos.length === 0) problems.push("a service needs at least one SLO");
  for (const slo of args.service.slos) {
    if (slo.objective !== undefined && (slo.objective <= 0 || slo.objective >= 100)) {
      problems.push(`SLO ${slo.name}: objective must be above 0 and below 100 percent, got ${slo.objective}`);
    }
    if (
      slo.periodDays !== undefined &&
      (!Number.isInteger(slo.periodDays) || slo.periodDays < 1 || slo.periodDays > 30)
    ) {
      problems.push(
        `SLO ${slo.name}: periodDays must be a whole number of days from 1 to 30, got ${slo.periodDays}`,
      );
    }
    if ("cloudMonitoring" in slo.sli) {
      const sli = slo.sli.cloudMonitoring;
      if (!sli.distributionFilter && (!sli.totalFilter || !sli.goodFilter === !sli.badFilter)) {
        problems.push(
          `SLO ${slo.name}: a request-based SLI needs totalFilter and exactly one of goodFilter, badFilter`,
        );
      }
    } else if (
      !slo.sli.prometheus.errorQuery.includes("{{window}}") ||
      !slo.sli.prometheus.totalQuery.includes("{{window}}")
    ) {
      problems.push(`SLO ${slo.name}: Prometheus queries need a {{window}} placeholder`);
    }
  }
  if (problems.length > 0) throw new Error(`ServiceMonitoring "${name}": ${problems.join("; ")}`);
}
