import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import type { GcpEnvironment } from "../components/environment";
import { PlatformAlerts, ServiceMonitoring } from "../components/monitoring";
import type { AlertRoute, AlertRouter, Severity } from "../components/oncall/routing";
import type { PlatformConfig, TeamConfig } from "./config/schema";

/** Cloud Monitoring severity of each on-call severity (the routing contract). */
const POLICY_SEVERITY = { SEV1: "CRITICAL", SEV2: "ERROR", SEV3: "WARNING", SEV4: undefined } as const;

/** Pages stay open an hour after recovery and re-notify every 30 minutes; tickets close after a day. */
const STRATEGY: Record<Severity, gcp.types.input.monitoring.AlertPolicyAlertStrategy> = {
  SEV1: { autoClose: "3600s" },
  SEV2: { autoClose: "3600s" },
  SEV3: { autoClose: "86400s" },
  SEV4: { autoClose: "86400s" },
};

/**
 * Routes alerts to the owning team's developers group by email, in the environment's project:
 * what the stack config describes today. The on-call component (OnCallRouting) replaces it.
 */
export class TeamEmailRouter implements AlertRouter {
  private readonly channels = new Map<string, pulumi.Output<string[]>>();

  constructor(
    private readonly name: string,
    private readonly project: pulumi.Input<string>,
    private readonly teams: TeamConfig[],
    private readonly areaOwners: Record<string, string>,
    private readonly defaultTeam: string,
    private readonly labels: Record<string, string>,
    private readonly opts: pulumi.CustomResourceOptions,
  ) {}

  route(area: string, severity: Severity): AlertRoute {
    const team = this.areaOwners[area] ?? this.defaultTeam;
    const mapped = POLICY_SEVERITY[severity];
    return {
      notificationChannels: this.channelsOf(team),
      ...(mapped ? { severity: mapped } : {}),
      alertStrategy: STRATEGY[severity],
      userLabels: { area, severity: severity.toLowerCase(), team },
    };
  }

  private channelsOf(teamName: string): pulumi.Output<string[]> {
    const existing = this.channels.get(teamName);
    if (existing) return existing;
    const team = this.teams.find((candidate) => candidate.name === teamName);
    if (!team) throw new Error(`alert route: team ${teamName} is not defined`);
    const channel = new gcp.monitoring.NotificationChannel(
      `${this.name}-oncall-${team.name}`,
      {
        project: this.project,
        displayName: `On-call: ${team.name} (${team.groups.developers})`,
        type: "email",
        labels: { email_address: team.groups.developers },
        userLabels: { ...this.labels, team: team.name },
      },
      this.opts,
    );
    const names = pulumi.all([channel.name]);
    this.channels.set(teamName, names);
    return names;
  }
}

/** Who owns each area: the teams of the services in it; platform areas belong to the platform team. */
export function areaOwners(config: PlatformConfig): Record<string, string> {
  const platformTeam = config.teams.find((team) => team.name === "platform")?.name ?? config.teams[0].name;
  const owners: Record<string, string> = { connectivity: platformTeam, release: platformTeam };
  for (const service of config.services ?? []) owners[service.area] ??= service.team;
  return owners;
}

/** `https://github.com/<org>/<platform repository>/blob/main`: where runbook paths resolve. */
export function runbookBaseUrl(config: PlatformConfig): string {
  if (!config.ci) throw new Error("platform:ci is required to link runbooks");
  return `https://github.com/${config.ci.github.organization}/${config.ci.platformRepository.name}/blob/main`;
}

/**
 * Monitoring of the stack: platform alerts in every environment, and each service's SLOs, alerts,
 * uptime checks and dashboard in its environment's project. Nothing is declared without services.
 * Alerts route through each environment's on-call routing (`routers`, from `platform:oncall`);
 * a stack without an on-call model e-mails the area owner's developers group instead.
 */
export function defineMonitoring(
  config: PlatformConfig,
  environments: Map<string, GcpEnvironment>,
  oncallRouters: ReadonlyMap<string, AlertRouter> = new Map(),
): void {
  const services = config.services ?? [];
  if (services.length === 0) return;
  const owners = areaOwners(config);
  const base = runbookBaseUrl(config);
  const routers = new Map<string, AlertRouter>();
  const routerOf = (envName: string): AlertRouter => {
    const oncall = oncallRouters.get(envName);
    if (oncall) return oncall;
    const environment = environments.get(envName);
    const env = config.environments.find((candidate) => candidate.name === envName);
    if (!environment || !env) throw new Error(`environment ${envName} is not defined`);
    let router = routers.get(envName);
    if (!router) {
      // After the environment: its project exists and its monitoring API is enabled.
      router = new TeamEmailRouter(
        envName,
        environment.projectId,
        config.teams,
        owners,
        env.team,
        environment.labels,
        {
          dependsOn: [environment],
        },
      );
      routers.set(envName, router);
    }
    return router;
  };
  for (const env of config.environments) {
    const environment = environments.get(env.name) as GcpEnvironment;
    new PlatformAlerts(
      `${env.name}-platform-alerts`,
      {
        project: environment.projectId,
        environment: env.name,
        router: routerOf(env.name),
        runbookBaseUrl: base,
        userLabels: environment.labels,
      },
      { dependsOn: [environment] },
    );
  }
  for (const service of services) {
    const environment = environments.get(service.environment) as GcpEnvironment;
    new ServiceMonitoring(
      service.name,
      {
        project: environment.projectId,
        service,
        router: routerOf(service.environment),
        runbookBaseUrl: base,
        userLabels: environment.labels,
      },
      { dependsOn: [environment] },
    );
  }
}
