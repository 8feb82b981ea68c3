import { z } from "zod";
// Pure modules only: the config schema is loaded before Pulumi, by the CLI and the schema generator.
import { PRIMITIVE_ROLES } from "../../components/ci-identity/roles";
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
    /**
     * Repositories the pool trusts whose identities their teams declare in their own programs
     * (ProductCiIdentity with the pool from this stack's `ci.pool` output). Default: none.
     */
    teamManagedRepositories: z
      .array(z.strictObject({ name: repositoryName, id: githubId("repository") }))
      .default([]),
  })
  .superRefine((ci, ctx) => {
    const ids = [ci.platformRepository.id, ...ci.productRepositories.map((repo) => repo.id)];
    const names = [ci.platformRepository.name, ...ci.productRepositories.map((repo) => repo.name)];
    ci.teamManagedRepositories.forEach((repo, index) => {
      if (
        ids.includes(repo.id) ||
        ci.teamManagedRepositories.findIndex((other) => other.id === repo.id) !== index
      )
        ctx.addIssue({
          code: "custom",
          path: ["teamManagedRepositories", index, "id"],
          message:
            "a repository id listed only once (not also under platformRepository or productRepositories)",
        });
    });
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
