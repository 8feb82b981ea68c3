import type * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import {
  CiIdentity,
  type ExpectedClaims,
  PRIMITIVE_ROLES,
  ProductCiIdentity,
} from "../../components/ci-identity";
import type { Tier } from "../../components/environment/tiers";
import { BUCKET_NAME, CRYPTO_KEY_ID } from "../../components/state-backend/access";

/**
 * The `platform:ci` key of a stack: who may run `pulumi preview` and `pulumi up` for this stack
 * from GitHub Actions, and which product-team repositories get deploy identities.
 */

const githubId = (what: string) =>
  z
    .string()
    .regex(
      /^[1-9][0-9]{0,19}$/,
      `a numeric GitHub ${what} id in quotes, like "123456" (names can be re-registered; ids cannot)`,
    );
const organizationName = z
  .string()
  .regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,37}[A-Za-z0-9])?$/, "a GitHub organization login, like `acme-corp`");
const repositoryName = z
  .string()
  .regex(/^[A-Za-z0-9_.-]{1,100}$/, "a repository name without the owner, like `platform`");
const githubEnvironment = z
  .string()
  .regex(
    /^[A-Za-z0-9_.-]{1,64}$/,
    "a GitHub environment name of letters, digits, '.', '_' or '-' (no wildcard), like `prod`",
  );
const environmentName = z
  .string()
  .regex(
    /^[a-z][a-z0-9-]{0,18}[a-z0-9]$/,
    "the name of an environment under platform:environments, like `payments`",
  );
const role = z
  .string()
  .regex(/^roles\/[A-Za-z0-9.]+$/, "a predefined role, like `roles/run.developer`")
  .refine((value) => !(PRIMITIVE_ROLES as readonly string[]).includes(value), {
    message: "a predefined role (never roles/owner, roles/editor or roles/viewer)",
  });

export const productRepositorySchema = z.strictObject({
  name: repositoryName,
  id: githubId("repository"),
  /** The team's environment (under `platform:environments`): its project holds the identities. */
  environment: environmentName,
  /** GitHub environments of the repository whose jobs on main may deploy. */
  githubEnvironments: z.array(githubEnvironment).min(1),
  /** Roles of the deploy identity in the team's project. */
  roles: z.array(role).min(1),
  /** Read-only roles of a preview identity for pull requests; none by default. */
  previewRoles: z.array(role).optional(),
});

export const ciConfigSchema = z
  .strictObject({
    github: z.strictObject({
      organization: organizationName,
      /** `gh api orgs/<organization> --jq .id` */
      organizationId: githubId("organization"),
    }),
    /** The repository of this platform (`gh api repos/<org>/<repo> --jq .id`). */
    platformRepository: z.strictObject({ name: repositoryName, id: githubId("repository") }),
    /** The environment whose project hosts the pool and the platform's identities. Default: `platform`. */
    platformEnvironment: environmentName.default("platform"),
    /** The GitHub environment of this stack's deploy job. Default: the stack's tier. */
    deployEnvironment: githubEnvironment.optional(),
    /** Where the state lives (see components/state-backend). */
    state: z.strictObject({
      bucket: z.string().regex(BUCKET_NAME, "a GCS bucket name without gs://, like `acme-pulumi-state`"),
      secretsKey: z
        .string()
        .regex(
          CRYPTO_KEY_ID,
          "a KMS key id, like `projects/acme-state/locations/eu/keyRings/pulumi-state/cryptoKeys/pulumi-secrets`",
        ),
    }),
    productRepositories: z.array(productRepositorySchema).default([]),
  })
  .superRefine((ci, ctx) => {
    const ids = [ci.platformRepository.id, ...ci.productRepositories.map((repo) => repo.id)];
    const names = [ci.platformRepository.name, ...ci.productRepositories.map((repo) => repo.name)];
    ci.productRepositories.forEach((repo, index) => {
      if (ids.indexOf(repo.id) !== index + 1) {
        ctx.addIssue({
          code: "custom",
          path: ["productRepositories", index, "id"],
          message: "a repository id listed only once",
        });
      }
      if (names.indexOf(repo.name) !== index + 1) {
        ctx.addIssue({
          code: "custom",
          path: ["productRepositories", index, "name"],
          message: "a repository name listed only once",
        });
      }
    });
  });

export type CiConfig = z.output<typeof ciConfigSchema>;
export type CiConfigInput = z.input<typeof ciConfigSchema>;

/**
 * Cross-key checks for `platformConfigSchema.superRefine`: every environment `platform:ci` names
 * must exist under `platform:environments`. Issues are added at `["ci", ...]`.
 */
export function refineCiReferences(
  ci: CiConfig | undefined,
  environmentNames: readonly string[],
  ctx: z.RefinementCtx,
): void {
  if (!ci) return;
  const expected = `one of the environments under platform:environments (${environmentNames.join(", ")})`;
  if (!environmentNames.includes(ci.platformEnvironment)) {
    ctx.addIssue({ code: "custom", path: ["ci", "platformEnvironment"], message: expected });
  }
  ci.productRepositories.forEach((repo, index) => {
    if (!environmentNames.includes(repo.environment)) {
      ctx.addIssue({
        code: "custom",
        path: ["ci", "productRepositories", index, "environment"],
        message: expected,
      });
    }
  });
}

export interface CiOutputs {
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
 */
export function defineCiIdentities(
  ci: CiConfig,
  tier: Tier,
  environments: Record<string, { projectId: pulumi.Input<string> }>,
): CiOutputs {
  const platform = environments[ci.platformEnvironment];
  if (!platform)
    throw new Error(`platform:ci.platformEnvironment: environment ${ci.platformEnvironment} is not defined`);
  const projects = Object.fromEntries(
    Object.entries(environments).map(([name, env]) => [name, env.projectId]),
  );
  const identity = new CiIdentity("ci", {
    project: platform.projectId,
    github: { name: ci.github.organization, id: ci.github.organizationId },
    repository: ci.platformRepository,
    deployEnvironment: ci.deployEnvironment ?? tier,
    trustedRepositories: ci.productRepositories.map(({ name, id }) => ({ name, id })),
    projects,
    stateBackend: { bucket: ci.state.bucket, secretsKeyId: ci.state.secretsKey },
  });
  const products: CiOutputs["products"] = {};
  for (const repo of ci.productRepositories) {
    const environment = environments[repo.environment];
    if (!environment)
      throw new Error(`platform:ci.productRepositories: environment ${repo.environment} is not defined`);
    const product = new ProductCiIdentity(`ci-${repo.name}`, {
      pool: identity,
      project: environment.projectId,
      repository: { name: repo.name, id: repo.id },
      environments: repo.githubEnvironments,
      roles: repo.roles,
      previewRoles: repo.previewRoles,
    });
    products[repo.name] = {
      deployServiceAccount: product.deployServiceAccountEmail,
      principalSets: product.principalSets,
    };
  }
  return {
    workloadIdentityProvider: identity.providerName,
    previewServiceAccount: identity.previewServiceAccountEmail,
    deployServiceAccount: identity.deployServiceAccountEmail,
    principalSets: identity.principalSets,
    expectedClaims: identity.expectedClaims,
    products,
  };
}
