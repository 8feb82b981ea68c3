import type * as pulumi from "@pulumi/pulumi";
import { GcpEnvironment } from "../components/environment";
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
}

/**
 * The platform's stack program: declares every resource of a tier from its validated config.
 * Kept apart from `index.ts` so the offline plan and the tests run it with config they loaded.
 */
export function definePlatform(config: PlatformConfig): PlatformOutputs {
  const environments: Record<string, EnvironmentOutputs> = {};
  const components = new Map<string, GcpEnvironment>();
  for (const env of config.environments) {
    const team = config.teams.find((candidate) => candidate.name === env.team);
    if (!team) throw new Error(`environment ${env.name}: team ${env.team} is not defined`);
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
        alertEmails: team.budgetAlertEmails,
      },
      logRetentionDays: env.logRetentionDays,
      keyRotationDays: env.keyRotationDays,
      deletionProtection: env.deletionProtection,
    });
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
  }
  defineMonitoring(config, components);
  const ci = config.ci ? defineCiIdentities(config.ci, config.tier, environments) : undefined;
  return { tier: config.tier, environments, ...(ci ? { ci } : {}) };
}
