import type * as pulumi from "@pulumi/pulumi";
import { afterApiOf, type EnabledServices } from "../components/apis";
import { CiIdentity, type ExpectedClaims, ProductCiIdentity } from "../components/ci-identity";
import type { Tier } from "../components/environment/tiers";
import type { CiConfig } from "./config/ci";

/** The types an identity creates in its own project, and the grants it makes in other projects. */
const IDENTITY_TYPES = [
  "gcp:iam/workloadIdentityPool:WorkloadIdentityPool",
  "gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider",
  "gcp:serviceaccount/account:Account",
  "gcp:serviceaccount/iAMMember:IAMMember",
];
const GRANT_TYPES = ["gcp:projects/iAMMember:IAMMember"];

/**
 * The Services a CI identity component waits for (its children wait through it): the APIs of what
 * it creates in its own project, and Resource Manager in every project where it grants roles.
 */
function identityApis(
  enabledServices: Record<string, EnabledServices>,
  home: string[],
  granted: string[],
): pulumi.Resource[] {
  const services = [
    ...home.flatMap((env) => IDENTITY_TYPES.flatMap((type) => afterApiOf(type, enabledServices[env]))),
    ...granted.flatMap((env) => GRANT_TYPES.flatMap((type) => afterApiOf(type, enabledServices[env]))),
  ];
  return [...new Set(services)];
}

export interface CiOutputs {
  /** The pool, as product teams' programs reference it (`poolFromPlatformStack`). */
  pool: {
    name: pulumi.Output<string>;
    organizationId: string;
    organizationName: string;
    deployRef: string;
    trustedRepositoryIds: string[];
  };
  /** `workload_identity_provider` of google-github-actions/auth. */
  workloadIdentityProvider: pulumi.Output<string>;
  previewServiceAccount: pulumi.Output<string>;
  deployServiceAccount: pulumi.Output<string>;
  principalSets: pulumi.Output<{ preview: string[]; deploy: string[] }>;
  expectedClaims: { preview: ExpectedClaims[]; deploy: ExpectedClaims };
  products: Record<
    string,
    {
      deployServiceAccount: pulumi.Output<string>;
      principalSets: pulumi.Output<{ preview: string[]; deploy: string[] }>;
    }
  >;
}

/**
 * Declares the stack's CI identities: the pool and the platform's preview/deploy identities in the
 * platform environment's project (with read/write roles in every environment project of the stack),
 * and a ProductCiIdentity per product repository in its team's project.
 *
 * @param environments every environment of the stack by name, with its project id
 * @param enabledServices each environment's enabled APIs: an identity's resources wait for the
 *   Service of the API they call (a pool or account created before iam.googleapis.com fails)
 */
export function defineCiIdentities(
  ci: CiConfig,
  tier: Tier,
  environments: Record<string, { projectId: pulumi.Input<string> }>,
  enabledServices: Record<string, EnabledServices> = {},
): CiOutputs {
  const platform = Object.hasOwn(environments, ci.platformEnvironment)
    ? environments[ci.platformEnvironment]
    : undefined;
  if (!platform)
    throw new Error(`platform:ci.platformEnvironment: environment ${ci.platformEnvironment} is not defined`);
  const projects = Object.fromEntries(
    Object.entries(environments).map(([name, env]) => [name, env.projectId]),
  );
  const identity = new CiIdentity(
    "ci",
    {
      project: platform.projectId,
      github: { name: ci.github.organization, id: ci.github.organizationId },
      repository: ci.platformRepository,
      deployEnvironment: ci.deployEnvironment ?? tier,
      trustedRepositories: [...ci.productRepositories, ...ci.teamManagedRepositories].map(({ name, id }) => ({
        name,
        id,
      })),
      projects,
      stateBackend: { bucket: ci.state.bucket, secretsKeyId: ci.state.secretsKey },
    },
    { dependsOn: identityApis(enabledServices, [ci.platformEnvironment], Object.keys(environments)) },
  );
  const products: CiOutputs["products"] = {};
  for (const repo of ci.productRepositories) {
    const environment = Object.hasOwn(environments, repo.environment)
      ? environments[repo.environment]
      : undefined;
    if (!environment)
      throw new Error(`platform:ci.productRepositories: environment ${repo.environment} is not defined`);
    const product = new ProductCiIdentity(
      `ci-${repo.name}`,
      {
        pool: identity,
        project: environment.projectId,
        repository: { name: repo.name, id: repo.id, deployWorkflow: repo.deployWorkflow },
        environments: repo.githubEnvironments,
        roles: repo.roles,
        previewRoles: repo.previewRoles,
      },
      { dependsOn: identityApis(enabledServices, [repo.environment], [repo.environment]) },
    );
    products[repo.name] = {
      deployServiceAccount: product.deployServiceAccountEmail,
      principalSets: product.principalSets,
    };
  }
  return {
    pool: {
      name: identity.poolName,
      organizationId: identity.organizationId,
      organizationName: identity.organizationName,
      deployRef: identity.deployRef,
      trustedRepositoryIds: [...identity.trustedRepositoryIds],
    },
    workloadIdentityProvider: identity.providerName,
    previewServiceAccount: identity.previewServiceAccountEmail,
    deployServiceAccount: identity.deployServiceAccountEmail,
    principalSets: identity.principalSets,
    expectedClaims: identity.expectedClaims,
    products,
  };
}
