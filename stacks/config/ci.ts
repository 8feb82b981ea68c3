import { z } from "zod";
// Pure modules only: the config schema is loaded before Pulumi, by the CLI and the schema generator.
import { WORKFLOW_PATH } from "../../components/ci-identity/claims";
import { judgeProductRole } from "../../components/ci-identity/escalation";
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

const deployWorkflow = z
  .string()
  .regex(WORKFLOW_PATH, "a workflow file of the repository, like `.github/workflows/deploy.yml`");

export const productRepositorySchema = z.strictObject({
  name: repositoryName,
  id: githubId("repository"),
  /** The only workflow file whose jobs may deploy (pinned through `job_workflow_ref`). Default: `.github/workflows/deploy.yml`. */
  deployWorkflow: deployWorkflow.optional(),
  /** The team's environment (under `platform:environments`): its project holds the identities. */
  environment: environmentName,
  /** GitHub environments of the repository whose jobs on main may deploy. */
  githubEnvironments: z.array(githubEnvironment).min(1),
  /** Roles of the deploy identity in the team's project. */
  roles: z.array(role).min(1),
  /** Read-only roles of a preview identity for pull requests; none by default. */
  previewRoles: z.array(role).optional(),
});

/**
 * The shape of `platform:ci` without the checks across its entries: the stack-wide checks
 * (environment references) still run on a section whose only problem is, say, a refused role, so
 * one run names every problem.
 */
export const ciConfigShapeSchema = z.strictObject({
  github: z.strictObject({
    organization: organizationName,
    /** `gh api orgs/<organization> --jq .id` */
    organizationId: githubId("organization"),
  }),
  /** The repository of this platform (`gh api repos/<org>/<repo> --jq .id`). */
  platformRepository: z.strictObject({
    name: repositoryName,
    id: githubId("repository"),
    /** The only workflow file whose jobs may deploy this stack. Default: `.github/workflows/deploy.yml`. */
    deployWorkflow: deployWorkflow.optional(),
  }),
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
});

export const ciConfigSchema = ciConfigShapeSchema.superRefine((ci, ctx) => {
  ci.productRepositories.forEach((repo, index) => {
    for (const key of ["roles", "previewRoles"] as const) {
      (repo[key] ?? []).forEach((role, roleIndex) => {
        const problem = productRoleProblem(role);
        if (problem) {
          ctx.addIssue({
            code: "custom",
            path: ["productRepositories", index, key, roleIndex],
            message: problem,
          });
        }
      });
    }
  });
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

/** What the cross-key checks read from `platform:ci`; a part that is malformed is undefined. */
export interface CiReferences {
  platformEnvironment: string;
  state: { secretsKey?: string };
  productRepositories: { environment?: string }[];
}

/**
 * The references of a `platform:ci` section, each read on its own, so a mistake elsewhere in the
 * section (a refused role, a bad id) does not hide a wrong environment: one run reports both.
 * Undefined when the section is absent or not an object.
 */
export function ciReferencesOf(raw: unknown): CiReferences | undefined {
  if (raw === undefined || raw === null || typeof raw !== "object" || Array.isArray(raw)) return undefined;
  const section = raw as Record<string, unknown>;
  const valid = <T>(schema: z.ZodType<T>, value: unknown): T | undefined => {
    const result = schema.safeParse(value);
    return result.success ? result.data : undefined;
  };
  const platformEnvironment = valid(ciConfigSchema.shape.platformEnvironment, section.platformEnvironment);
  if (platformEnvironment === undefined) return undefined;
  const state = section.state as { secretsKey?: unknown } | null | undefined;
  const repositories = Array.isArray(section.productRepositories) ? section.productRepositories : [];
  return {
    platformEnvironment,
    state: { secretsKey: valid(ciConfigSchema.shape.state.shape.secretsKey, state?.secretsKey) },
    productRepositories: repositories.map((repo) => ({
      environment: valid(
        productRepositorySchema.shape.environment,
        (repo as { environment?: unknown } | null)?.environment,
      ),
    })),
  };
}
export type CiConfigInput = z.input<typeof ciConfigSchema>;

/**
 * The allow-list of a product repository's roles, judged by what each role can do: a predefined role
 * (custom or misspelled names are refused, they would fail at apply or hide anything) that holds no
 * permission to grant access, impersonate an account, mint keys or create trust.
 */
function productRoleProblem(role: string): string | undefined {
  if (!/^roles\/[A-Za-z0-9.]+$/.test(role)) return undefined; // the format check already reported it
  const judgement = judgeProductRole(role);
  if (judgement.ok || judgement.reason === "primitive") return undefined;
  if (judgement.reason !== "escalation") {
    return "a role Google predefines (names are case-sensitive), like `roles/run.developer`";
  }
  const shown = judgement.permissions.slice(0, 3).join(", ");
  const more = judgement.permissions.length > 3 ? ` and ${judgement.permissions.length - 3} more` : "";
  return `a role that cannot grant access, act as or mint tokens for service accounts, or create keys or trust (this one holds ${shown}${more})`;
}

/**
 * Cross-key checks for `platformConfigSchema.superRefine`: every environment `platform:ci` names
 * must exist under `platform:environments`; product repositories never get identities in the
 * platform's environment (its project holds the pool and the platform's deploy identity); no
 * environment shares the project of the state's secrets key. Issues are added at `["ci", ...]`.
 */
export function refineCiReferences(
  ci: CiReferences | undefined,
  environments: readonly { name?: string; projectId?: string }[],
  ctx: z.RefinementCtx,
): void {
  if (!ci) return;
  // Entries of malformed environments have no name or project id: they are reported elsewhere.
  const environmentNames = environments.flatMap((env) => (env.name === undefined ? [] : [env.name]));
  const stateProject =
    ci.state.secretsKey === undefined ? undefined : /^projects\/([^/]+)\//.exec(ci.state.secretsKey)?.[1];
  environments.forEach((env, index) => {
    if (env.projectId !== undefined && env.projectId === stateProject) {
      ctx.addIssue({
        code: "custom",
        path: ["environments", index, "name"],
        message: `an environment whose project is not the state project \`${stateProject}\` (platform:ci.state.secretsKey): its team would get access to every stack's state`,
      });
    }
  });
  const expected = `one of the environments under platform:environments (${environmentNames.join(", ")})`;
  if (!environmentNames.includes(ci.platformEnvironment)) {
    ctx.addIssue({ code: "custom", path: ["ci", "platformEnvironment"], message: expected });
  }
  ci.productRepositories.forEach((repo, index) => {
    // A repository whose environment is malformed is reported by the shape check alone.
    if (repo.environment === undefined) return;
    if (!environmentNames.includes(repo.environment)) {
      ctx.addIssue({
        code: "custom",
        path: ["ci", "productRepositories", index, "environment"],
        message: expected,
      });
    } else if (repo.environment === ci.platformEnvironment) {
      ctx.addIssue({
        code: "custom",
        path: ["ci", "productRepositories", index, "environment"],
        message: `a product team's environment, not the platform's (\`${ci.platformEnvironment}\`, whose project holds the pool and the platform's deploy identity)`,
      });
    }
  });
}
