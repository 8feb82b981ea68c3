import * as pulumi from "@pulumi/pulumi";
import type { EnabledServices } from "../components/apis";
import { environmentLabels, GcpEnvironment } from "../components/environment";
import { OnCallRouting } from "../components/oncall";
import { type CiOutputs, defineCiIdentities } from "./ci";
import { defaultProjectId, type PlatformConfig } from "./config/schema";
import { defineMonitoring } from "./monitoring";

export interface EnvironmentOutputs {
  projectId: pulumi.Output<string>;
  projectNumber: pulumi.Output<string>;
  networkSelfLink: pulumi.Output<string>;
  subnetSelfLinks: pulumi.Output<Record<string, string>>;
  natName: pulumi.Output<string[]>;
  kmsKeyId: pulumi.Output<string>;
  logBucket: pulumi.Output<string>;
}

export interface PlatformOutputs {
  tier: string;
  environments: Record<string, EnvironmentOutputs>;
  /** Workload Identity pool, preview/deploy identities and the claims they expect. */
  ci?: CiOutputs;
  /**
   * Notification channel ids of the on-call receivers, by environment then receiver (a contract with
   * product teams: docs/stack-outputs.md). Alert policies notify channels of their own project only.
   */
  oncallChannels?: Record<string, pulumi.Output<Record<string, string>>>;
}

/**
 * The platform's stack program: declares every resource of a tier from its validated config.
 * Kept apart from `index.ts` so the offline plan and the tests run it with config they loaded.
 */
export function definePlatform(config: PlatformConfig): PlatformOutputs {
  const environments: Record<string, EnvironmentOutputs> = {};
  const enabledServices: Record<string, EnabledServices> = {};
  const components = new Map<string, GcpEnvironment>();
  const routers = new Map<string, OnCallRouting>();
  for (const env of config.environments) {
    const team = config.teams.find((candidate) => candidate.name === env.team);
    if (!team) throw new Error(`environment ${env.name}: team ${env.team} is not defined`);
    const oncall = config.oncall ? defineOnCall(config, env) : undefined;
    const environment = new GcpEnvironment(env.name, {
      tier: config.tier,
      team: team.name,
      costCenter: team.costCenter,
      projectId: env.projectId ?? defaultProjectId(config.organization.projectPrefix, env.name, config.tier),
      adoptExistingProject: env.adoptExistingProject,
      folderId: env.adoptExistingProject ? undefined : config.organization.folderId,
      billingAccount: config.organization.billingAccount,
      region: env.region ?? config.region,
      subnets: env.network.subnets,
      apis: env.apis,
      groups: { viewers: [team.groups.viewers], developers: [team.groups.developers] },
      budget: {
        amount: env.budget.amount,
        currency: env.budget.currency,
        // With on-call routing, budgets reach the billing area's owner instead of bare e-mails.
        ...(oncall
          ? { notificationChannels: oncall.routing.route("billing", "SEV4").notificationChannels }
          : { alertEmails: team.budgetAlertEmails }),
      },
      logRetentionDays: env.logRetentionDays,
      keyRotationDays: env.keyRotationDays,
      deletionProtection: env.deletionProtection,
    });
    oncall?.resolve(environment.projectId, environment.enabledServices["monitoring.googleapis.com"]);
    if (oncall) routers.set(env.name, oncall.routing);
    components.set(env.name, environment);
    environments[env.name] = {
      projectId: environment.projectId,
      projectNumber: environment.projectNumber,
      networkSelfLink: environment.networkSelfLink,
      subnetSelfLinks: environment.subnetSelfLinks,
      natName: environment.natName,
      kmsKeyId: environment.kmsKeyId,
      logBucket: environment.logBucket,
    };
    enabledServices[env.name] = environment.enabledServices;
  }
  defineMonitoring(config, components, routers);
  const ci = config.ci
    ? defineCiIdentities(config.ci, config.tier, environments, enabledServices)
    : undefined;
  return {
    tier: config.tier,
    environments,
    ...(ci ? { ci } : {}),
    ...(routers.size > 0
      ? {
          oncallChannels: Object.fromEntries(
            [...routers].map(([name, routing]) => [name, routing.channelIds] as const),
          ),
        }
      : {}),
  };
}

/**
 * The on-call routing of one environment, with its channels in the environment's own project: Cloud
 * Monitoring alert policies and budgets notify only channels of their own project. The project is
 * declared after the routing: its id arrives through a deferred output, so the environment's budget
 * can already use the routes.
 */
function defineOnCall(config: PlatformConfig, env: PlatformConfig["environments"][number]) {
  const model = config.oncall!;
  // Deferred outputs keep the dependencies on the project and on the Monitoring API enablement.
  const [projectId, resolveProjectId] = pulumi.deferredOutput<string>();
  const [monitoringApi, resolveMonitoringApi] = pulumi.deferredOutput<pulumi.Resource[]>();
  const team = config.teams.find((candidate) => candidate.name === env.team)!;
  const routing = new OnCallRouting(`${env.name}-oncall`, {
    model,
    secrets: config.oncallSecrets ?? {},
    project: projectId,
    labels: environmentLabels(config.tier, team.name, team.costCenter),
    dependsOn: monitoringApi,
  });
  return {
    routing,
    resolve: (project: pulumi.Output<string>, api: pulumi.Resource | undefined) => {
      resolveProjectId(project);
      resolveMonitoringApi(pulumi.output(api ? [api] : []));
    },
  };
}
