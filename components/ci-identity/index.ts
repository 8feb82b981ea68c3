import { createHash } from "node:crypto";
import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { BUCKET_NAME, CRYPTO_KEY_ID, type StateAccess, stateGrants } from "../state-backend/access";
import {
  ArgumentChecks,
  accountId,
  DEFAULT_DEPLOY_REF,
  DEFAULT_DEPLOY_WORKFLOW,
  deployAttributeValue,
  type ExpectedClaims,
  expectedDeployClaims,
  expectedPreviewClaims,
  GITHUB_ISSUER,
  githubAttributeCondition,
  githubAttributeMapping,
  jobWorkflowRef,
  previewAttributeValues,
  principalSet,
} from "./claims";
import { DEPLOY_ROLES, PREVIEW_ROLES, PRIMITIVE_ROLES, WORKLOAD_IDENTITY_USER } from "./roles";

export * from "./claims";
export * from "./roles";

export interface GithubRepository {
  /** Repository name without the owner, e.g. `platform`. Shown in outputs; never bound on. */
  name: string;
  /** Numeric repository id (`repository_id` claim), as a string: `gh api repos/OWNER/REPO --jq .id`. */
  id: string;
  /**
   * The workflow file whose jobs may deploy (pinned through `job_workflow_ref`, with the
   * organization and repository names and the deploy ref). Default: `.github/workflows/deploy.yml`.
   */
  deployWorkflow?: string;
}

export interface GithubOrganization {
  /** Organization login, e.g. `acme-corp`. Shown in outputs; never bound on. */
  name: string;
  /** Numeric organization id (`repository_owner_id` claim): `gh api orgs/OWNER --jq .id`. */
  id: string;
}

/** Where the Pulumi state lives (see `components/state-backend`). */
export interface StateBackendRef {
  /** The state bucket's name (no `gs://`). */
  bucket: string;
  /** `projects/P/locations/L/keyRings/R/cryptoKeys/K` of the `gcpkms://` secrets provider. */
  secretsKeyId: string;
}

export interface CiIdentityArgs {
  /** Project that holds the pool, the provider and the two service accounts. */
  project: pulumi.Input<string>;
  github: GithubOrganization;
  /** The repository whose pull requests preview and whose environment job deploys this stack. */
  repository: GithubRepository;
  /** GitHub environment of this stack's deploy job (usually the tier: `dev`, `staging`, `prod`). Required. */
  deployEnvironment: string;
  /** Other repositories of the organization the pool trusts (product teams', see ProductCiIdentity). Default: none. */
  trustedRepositories?: GithubRepository[];
  /**
   * Projects the stack manages, by a stable label (used in resource names): preview gets
   * `previewRoles` and deploy `deployRoles` in each. Default: `{ ci: project }`.
   */
  projects?: Record<string, pulumi.Input<string>>;
  /** Default: PREVIEW_ROLES (read-only). */
  previewRoles?: string[];
  /** Default: DEPLOY_ROLES. */
  deployRoles?: string[];
  /** State bucket and secrets key: preview reads and decrypts, deploy writes and encrypts. Default: no grants. */
  stateBackend?: StateBackendRef;
  /** The branch that deploys and whose pushes may preview. Default: `refs/heads/main`. */
  deployRef?: string;
  /** Pool id, stable for the life of the project (a deleted pool id stays taken for 30 days). Default: `github-actions`. */
  poolId?: string;
  /** Default: `github`. */
  providerId?: string;
  /** `protect` and `deletionPolicy: PREVENT` on the pool and provider. Default: true. */
  protect?: boolean;
}

/**
 * GitHub Actions' way into one stack: a Workload Identity pool with a GitHub OIDC provider that
 * trusts only the organization's listed repositories (by numeric id), a read-only preview identity
 * for pull requests and the deploy branch, and a deploy identity for the job in the stack's GitHub
 * environment on the deploy branch, started by a push. Only the events in ALLOWED_EVENTS get in at
 * all. No keys: jobs exchange their OIDC token.
 */
export class CiIdentity extends pulumi.ComponentResource {
  /** `projects/<number>/locations/global/workloadIdentityPools/<id>`. */
  readonly poolName: pulumi.Output<string>;
  /** `workload_identity_provider` input of google-github-actions/auth. */
  readonly providerName: pulumi.Output<string>;
  readonly previewServiceAccountEmail: pulumi.Output<string>;
  readonly deployServiceAccountEmail: pulumi.Output<string>;
  /** The exact members bound with `roles/iam.workloadIdentityUser`, to compare against a 403. */
  readonly principalSets: pulumi.Output<{ preview: string[]; deploy: string[] }>;
  /** The claims a job must carry to get each identity. */
  readonly expectedClaims: { preview: ExpectedClaims[]; deploy: ExpectedClaims };
  readonly attributeCondition: string;
  readonly attributeMapping: Record<string, string>;
  /** Plain values, so ProductCiIdentity can check that the pool trusts its repository. */
  readonly organizationId: string;
  /** The organization's login, which `job_workflow_ref` spells out. */
  readonly organizationName: string;
  readonly trustedRepositoryIds: readonly string[];
  readonly deployRef: string;
  readonly poolId: string;

  constructor(name: string, args: CiIdentityArgs, opts: pulumi.ComponentResourceOptions = {}) {
    // Refuse unsafe input before anything is registered.
    validateCiIdentityArgs(name, args);
    super("platform:ci:CiIdentity", name, {}, opts);
    const deployRef = args.deployRef ?? DEFAULT_DEPLOY_REF;
    const poolId = args.poolId ?? "github-actions";
    const providerId = args.providerId ?? "github";
    const protect = args.protect ?? true;
    const stateful: pulumi.CustomResourceOptions = { parent: this, protect };
    const repositoryIds = [args.repository.id, ...(args.trustedRepositories ?? []).map((repo) => repo.id)];
    this.organizationId = args.github.id;
    this.organizationName = args.github.name;
    this.trustedRepositoryIds = [...new Set(repositoryIds)];
    this.deployRef = deployRef;
    this.poolId = poolId;
    this.attributeMapping = githubAttributeMapping();
    this.attributeCondition = githubAttributeCondition({ organizationId: args.github.id, repositoryIds });

    const pool = new gcp.iam.WorkloadIdentityPool(
      `${name}-pool`,
      {
        project: args.project,
        workloadIdentityPoolId: poolId,
        displayName: "GitHub Actions",
        description: `GitHub Actions of ${args.github.name} (${args.github.id}). Soft-deleted pools: see components/ci-identity/README.md.`,
        disabled: false,
        deletionPolicy: protect ? "PREVENT" : "DELETE",
      },
      stateful,
    );
    const provider = new gcp.iam.WorkloadIdentityPoolProvider(
      `${name}-provider`,
      {
        project: args.project,
        workloadIdentityPoolId: pool.workloadIdentityPoolId,
        workloadIdentityPoolProviderId: providerId,
        displayName: "GitHub OIDC",
        description: `Tokens of ${args.github.name} repositories ${this.trustedRepositoryIds.join(", ")}.`,
        attributeMapping: this.attributeMapping,
        attributeCondition: this.attributeCondition,
        oidc: { issuerUri: GITHUB_ISSUER },
        deletionPolicy: protect ? "PREVENT" : "DELETE",
      },
      stateful,
    );

    const repository = `${args.github.name}/${args.repository.name}`;
    const preview = new gcp.serviceaccount.Account(
      `${name}-preview`,
      {
        project: args.project,
        accountId: "preview-platform",
        displayName: "CI preview (read-only)",
        description: `pulumi preview from pull requests and ${deployRef} of ${repository}.`,
      },
      { parent: this },
    );
    const deploy = new gcp.serviceaccount.Account(
      `${name}-deploy`,
      {
        project: args.project,
        // The policy pack recognizes deploy identities by this prefix.
        accountId: "deploy-platform",
        displayName: `CI deploy (${args.deployEnvironment})`,
        description: `pulumi up from the ${args.deployEnvironment} environment on ${deployRef} of ${repository}.`,
      },
      { parent: this },
    );

    const previewValues = previewAttributeValues(args.repository.id, deployRef);
    const deployWorkflow = jobWorkflowRef(
      args.github.name,
      args.repository.name,
      args.repository.deployWorkflow ?? DEFAULT_DEPLOY_WORKFLOW,
      deployRef,
    );
    const deployValues = [
      deployAttributeValue(args.repository.id, args.deployEnvironment, deployRef, deployWorkflow),
    ];
    const previewMembers = bindWorkloadIdentityUsers(
      this,
      `${name}-preview-wif`,
      preview,
      pool.name,
      previewValues,
    );
    const deployMembers = bindWorkloadIdentityUsers(
      this,
      `${name}-deploy-wif`,
      deploy,
      pool.name,
      deployValues,
    );

    const projects = args.projects ?? { ci: args.project };
    for (const [label, project] of Object.entries(projects)) {
      grantProjectRoles(
        this,
        `${name}-preview-${label}`,
        project,
        preview.member,
        args.previewRoles ?? [...PREVIEW_ROLES],
      );
      grantProjectRoles(
        this,
        `${name}-deploy-${label}`,
        project,
        deploy.member,
        args.deployRoles ?? [...DEPLOY_ROLES],
      );
    }
    if (args.stateBackend) {
      grantStateAccess(this, `${name}-preview-state`, args.stateBackend, preview.member, "reader");
      grantStateAccess(this, `${name}-deploy-state`, args.stateBackend, deploy.member, "writer");
    }

    this.poolName = pool.name;
    this.providerName = provider.name;
    this.previewServiceAccountEmail = preview.email;
    this.deployServiceAccountEmail = deploy.email;
    this.principalSets = principalSetsOutput(previewMembers, deployMembers);
    this.expectedClaims = {
      preview: expectedPreviewClaims(repository, args.repository.id, args.github.id, deployRef),
      deploy: expectedDeployClaims(
        repository,
        args.repository.id,
        args.github.id,
        args.deployEnvironment,
        deployRef,
        deployWorkflow,
      ),
    };
    this.registerOutputs({
      poolName: this.poolName,
      providerName: this.providerName,
      previewServiceAccountEmail: this.previewServiceAccountEmail,
      deployServiceAccountEmail: this.deployServiceAccountEmail,
      principalSets: this.principalSets,
      expectedClaims: this.expectedClaims,
    });
  }
}

/**
 * The platform's pool by reference, as a product team's own program knows it: from the platform
 * stack's outputs (`ci.pool`, see `poolFromPlatformStack`) or by its full resource name.
 */
export interface WorkloadIdentityPoolRef {
  /** Full resource name: `projects/<number>/locations/global/workloadIdentityPools/<id>`. */
  name: pulumi.Input<string>;
  /** The numeric GitHub organization id the pool pins (`repository_owner_id`). */
  organizationId: string;
  /** The GitHub organization's login: deploy identities pin `job_workflow_ref` under it. */
  organizationName: string;
  /** The branch deploys run from. Default: `refs/heads/main`, as the platform's CiIdentity. */
  deployRef?: string;
  /**
   * Repository ids the pool's condition accepts (the platform stack's `ci.pool.trustedRepositoryIds`).
   * When given, a repository outside it fails the preview: the pool would refuse its tokens.
   */
  trustedRepositoryIds?: pulumi.Input<string[]>;
}

/** The pool reference from the platform stack's documented outputs (`ci.pool`). */
export function poolFromPlatformStack(
  platform: pulumi.StackReference,
  github: { organizationId: string; organizationName: string; deployRef?: string },
): WorkloadIdentityPoolRef {
  const pool = platform.requireOutput("ci").apply((ci) => (ci as { pool: PlatformPoolOutput }).pool);
  return {
    name: pool.apply((value) => value.name),
    organizationId: github.organizationId,
    organizationName: github.organizationName,
    deployRef: github.deployRef,
    trustedRepositoryIds: pool.apply((value) => value.trustedRepositoryIds),
  };
}

/** `ci.pool` of the platform stack's outputs (stacks/ci.ts). */
export interface PlatformPoolOutput {
  name: string;
  organizationId: string;
  organizationName: string;
  deployRef: string;
  trustedRepositoryIds: string[];
}

const POOL_NAME = /^projects\/[0-9]+\/locations\/global\/workloadIdentityPools\/[a-z0-9-]{4,32}$/;

interface ResolvedPool {
  name: pulumi.Output<string>;
  organizationId: string;
  organizationName: string;
  deployRef: string;
}

function resolvePool(pool: CiIdentity | WorkloadIdentityPoolRef, repositoryId: string): ResolvedPool {
  if (pool instanceof CiIdentity) {
    return {
      name: pool.poolName,
      organizationId: pool.organizationId,
      organizationName: pool.organizationName,
      deployRef: pool.deployRef,
    };
  }
  const trusted = pool.trustedRepositoryIds;
  const name = pulumi.all([pool.name, trusted ?? []]).apply(([poolName, ids]) => {
    if (!POOL_NAME.test(poolName))
      throw new Error(
        `ProductCiIdentity: pool.name: expected projects/<number>/locations/global/workloadIdentityPools/<id>, found "${poolName}"`,
      );
    if (trusted !== undefined && !ids.includes(repositoryId))
      throw new Error(
        `ProductCiIdentity: repository.id: expected a repository the pool trusts (${ids.join(", ")}), found "${repositoryId}"; ask the platform team to add it to platform:ci.productRepositories`,
      );
    return poolName;
  });
  return {
    name,
    organizationId: pool.organizationId,
    organizationName: pool.organizationName,
    deployRef: pool.deployRef ?? DEFAULT_DEPLOY_REF,
  };
}

export interface ProductCiIdentityArgs {
  /**
   * The platform's pool: the CiIdentity itself inside the platform's program, or a reference
   * (full name, or `poolFromPlatformStack`) in a product team's program. It must trust `repository`.
   */
  pool: CiIdentity | WorkloadIdentityPoolRef;
  /** The team's environment project (`GcpEnvironment.projectId`): the identities and their roles live there. */
  project: pulumi.Input<string>;
  repository: GithubRepository;
  /** GitHub environments whose jobs on the deploy branch may deploy. At least one. */
  environments: string[];
  /** Predefined roles the deploy identity needs in `project`. */
  roles: string[];
  /** Read-only roles for a preview identity (pull requests and the deploy branch). Default: no preview identity. */
  previewRoles?: string[];
}

/**
 * A product team's repository: a deploy identity in the team's project, usable only by the jobs in
 * the listed GitHub environments on the deploy branch, started by a push, through the platform's pool.
 */
export class ProductCiIdentity extends pulumi.ComponentResource {
  readonly deployServiceAccountEmail: pulumi.Output<string>;
  readonly previewServiceAccountEmail: pulumi.Output<string> | undefined;
  readonly principalSets: pulumi.Output<{ preview: string[]; deploy: string[] }>;
  readonly expectedClaims: { preview: ExpectedClaims[]; deploy: ExpectedClaims[] };

  constructor(name: string, args: ProductCiIdentityArgs, opts: pulumi.ComponentResourceOptions = {}) {
    // Refuse unsafe input before anything is registered.
    validateProductArgs(name, args);
    super("platform:ci:ProductCiIdentity", name, {}, opts);
    const pool = resolvePool(args.pool, args.repository.id);
    const hash = (text: string) => createHash("sha256").update(text).digest("hex");
    const deployWorkflow = jobWorkflowRef(
      pool.organizationName,
      args.repository.name,
      args.repository.deployWorkflow ?? DEFAULT_DEPLOY_WORKFLOW,
      pool.deployRef,
    );
    const deploy = new gcp.serviceaccount.Account(
      `${name}-deploy`,
      {
        project: args.project,
        accountId: accountId("deploy", args.repository.name, hash),
        displayName: `CI deploy of ${args.repository.name}`,
        description: `Jobs of repository ${args.repository.id} in ${args.environments.join(", ")} on ${pool.deployRef}.`,
      },
      { parent: this },
    );
    const deployMembers = bindWorkloadIdentityUsers(
      this,
      `${name}-deploy-wif`,
      deploy,
      pool.name,
      args.environments.map((environment) =>
        deployAttributeValue(args.repository.id, environment, pool.deployRef, deployWorkflow),
      ),
    );
    grantProjectRoles(this, `${name}-deploy`, args.project, deploy.member, args.roles);

    let previewMembers: pulumi.Output<string>[] = [];
    if (args.previewRoles && args.previewRoles.length > 0) {
      const preview = new gcp.serviceaccount.Account(
        `${name}-preview`,
        {
          project: args.project,
          accountId: accountId("preview", args.repository.name, hash),
          displayName: `CI preview of ${args.repository.name}`,
          description: `Pull requests and ${pool.deployRef} of repository ${args.repository.id}.`,
        },
        { parent: this },
      );
      previewMembers = bindWorkloadIdentityUsers(
        this,
        `${name}-preview-wif`,
        preview,
        pool.name,
        previewAttributeValues(args.repository.id, pool.deployRef),
      );
      grantProjectRoles(this, `${name}-preview`, args.project, preview.member, args.previewRoles);
      this.previewServiceAccountEmail = preview.email;
    }

    const repository = args.repository.name;
    this.deployServiceAccountEmail = deploy.email;
    this.principalSets = principalSetsOutput(previewMembers, deployMembers);
    this.expectedClaims = {
      preview: this.previewServiceAccountEmail
        ? expectedPreviewClaims(repository, args.repository.id, pool.organizationId, pool.deployRef)
        : [],
      deploy: args.environments.map((environment) =>
        expectedDeployClaims(
          repository,
          args.repository.id,
          pool.organizationId,
          environment,
          pool.deployRef,
          deployWorkflow,
        ),
      ),
    };
    this.registerOutputs({
      deployServiceAccountEmail: this.deployServiceAccountEmail,
      previewServiceAccountEmail: this.previewServiceAccountEmail,
      principalSets: this.principalSets,
      expectedClaims: this.expectedClaims,
    });
  }
}

/**
 * One `roles/iam.workloadIdentityUser` member per attribute value; returns the members. The
 * resource is named after `resourceKey` when given (a value whose format changed keeps its URN),
 * else after the value.
 */
function bindWorkloadIdentityUsers(
  parent: pulumi.Resource,
  prefix: string,
  account: gcp.serviceaccount.Account,
  poolName: pulumi.Output<string>,
  values: { attribute: string; value: string; resourceKey?: string }[],
): pulumi.Output<string>[] {
  return values.map(({ attribute, value, resourceKey }) => {
    const member = poolName.apply((pool) => principalSet(pool, attribute, value));
    new gcp.serviceaccount.IAMMember(
      `${prefix}-${attribute.replace(/_/g, "-")}-${slugOf(resourceKey ?? value)}`,
      { serviceAccountId: account.name, role: WORKLOAD_IDENTITY_USER, member },
      { parent },
    );
    return member;
  });
}

function grantProjectRoles(
  parent: pulumi.Resource,
  prefix: string,
  project: pulumi.Input<string>,
  member: pulumi.Output<string>,
  roles: string[],
): void {
  for (const role of [...new Set(roles)].sort()) {
    new gcp.projects.IAMMember(
      `${prefix}-${role.replace("roles/", "").replace(/\./g, "-")}`,
      { project, role, member },
      { parent },
    );
  }
}

function grantStateAccess(
  parent: pulumi.Resource,
  prefix: string,
  state: StateBackendRef,
  member: pulumi.Output<string>,
  access: StateAccess,
): void {
  for (const grant of stateGrants(access)) {
    if (grant.resource === "bucket") {
      new gcp.storage.BucketIAMMember(
        `${prefix}-bucket`,
        { bucket: state.bucket, role: grant.role, member },
        { parent },
      );
    } else {
      new gcp.kms.CryptoKeyIAMMember(
        `${prefix}-key`,
        { cryptoKeyId: state.secretsKeyId, role: grant.role, member },
        { parent },
      );
    }
  }
}

/** A resource-name fragment of an attribute value: `612345678/refs/heads/main` -> `612345678-refs-heads-main`. */
function slugOf(value: string): string {
  return value.replace(/[^A-Za-z0-9]+/g, "-").replace(/^-|-$/g, "");
}

function checkRoles(checks: ArgumentChecks, argument: string, roles: string[] | undefined): void {
  if (roles === undefined) return;
  roles.forEach((role, index) => {
    checks.expect(
      /^roles\/[A-Za-z0-9.]+$/.test(role) && !(PRIMITIVE_ROLES as readonly string[]).includes(role),
      `${argument}[${index}]`,
      'a predefined role like "roles/run.developer" (never roles/owner, roles/editor or roles/viewer)',
      role,
    );
  });
}

function validateCiIdentityArgs(name: string, args: CiIdentityArgs): void {
  const checks = new ArgumentChecks();
  checks.organizationName("github.name", args.github?.name);
  checks.numericId("github.id", args.github?.id, "organization");
  checks.repositoryName("repository.name", args.repository?.name);
  checks.numericId("repository.id", args.repository?.id, "repository");
  if (args.repository?.deployWorkflow !== undefined)
    checks.workflowPath("repository.deployWorkflow", args.repository.deployWorkflow);
  checks.expect(
    typeof args.deployEnvironment === "string" && args.deployEnvironment.length > 0,
    "deployEnvironment",
    "the GitHub environment of the deploy job (a deploy identity is never bound without one)",
    args.deployEnvironment,
  );
  if (args.deployEnvironment) checks.environment("deployEnvironment", args.deployEnvironment);
  (args.trustedRepositories ?? []).forEach((repo, index) => {
    checks.repositoryName(`trustedRepositories[${index}].name`, repo.name);
    checks.numericId(`trustedRepositories[${index}].id`, repo.id, "repository");
  });
  if (args.deployRef !== undefined) checks.ref("deployRef", args.deployRef);
  checkRoles(checks, "previewRoles", args.previewRoles);
  checkRoles(checks, "deployRoles", args.deployRoles);
  if (args.poolId !== undefined) {
    checks.expect(
      /^[a-z][a-z0-9-]{2,30}[a-z0-9]$/.test(args.poolId) && !args.poolId.startsWith("gcp-"),
      "poolId",
      "4-32 lowercase letters, digits or hyphens, not starting with gcp-",
      args.poolId,
    );
  }
  if (args.stateBackend) {
    checks.expect(
      BUCKET_NAME.test(args.stateBackend.bucket),
      "stateBackend.bucket",
      'a bucket name, like "acme-pulumi-state"',
      args.stateBackend.bucket,
    );
    checks.expect(
      CRYPTO_KEY_ID.test(args.stateBackend.secretsKeyId),
      "stateBackend.secretsKeyId",
      "projects/P/locations/L/keyRings/R/cryptoKeys/K",
      args.stateBackend.secretsKeyId,
    );
  }
  checks.throwIfAny(`CiIdentity "${name}"`);
}

function validateProductArgs(name: string, args: ProductCiIdentityArgs): void {
  const checks = new ArgumentChecks();
  checks.repositoryName("repository.name", args.repository?.name);
  checks.numericId("repository.id", args.repository?.id, "repository");
  if (args.repository?.deployWorkflow !== undefined)
    checks.workflowPath("repository.deployWorkflow", args.repository.deployWorkflow);
  checks.expect(
    Array.isArray(args.environments) && args.environments.length > 0,
    "environments",
    "at least one GitHub environment (a deploy identity is never bound without one)",
    args.environments,
  );
  (args.environments ?? []).forEach((environment, index) => {
    checks.environment(`environments[${index}]`, environment);
  });
  checks.expect(
    Array.isArray(args.roles) && args.roles.length > 0,
    "roles",
    "at least one predefined role",
    args.roles,
  );
  checkRoles(checks, "roles", args.roles);
  checkRoles(checks, "previewRoles", args.previewRoles);
  if (!(args.pool instanceof CiIdentity)) {
    checks.numericId("pool.organizationId", args.pool?.organizationId, "organization");
    checks.organizationName("pool.organizationName", args.pool?.organizationName);
    if (typeof args.pool?.name === "string")
      checks.expect(
        POOL_NAME.test(args.pool.name),
        "pool.name",
        "projects/<number>/locations/global/workloadIdentityPools/<id>",
        args.pool.name,
      );
    const trusted = args.pool?.trustedRepositoryIds;
    if (Array.isArray(trusted) && args.repository && /^[1-9][0-9]*$/.test(args.repository.id ?? ""))
      checks.expect(
        trusted.includes(args.repository.id),
        "repository.id",
        `a repository the pool trusts (${trusted.join(", ")}); ask the platform team to add it to platform:ci.productRepositories`,
        args.repository.id,
      );
  } else if (args.repository && /^[1-9][0-9]*$/.test(args.repository.id ?? "")) {
    checks.expect(
      args.pool.trustedRepositoryIds.includes(args.repository.id),
      "repository.id",
      `a repository the pool trusts (${args.pool.trustedRepositoryIds.join(", ")}); add it to the CiIdentity's trustedRepositories`,
      args.repository.id,
    );
  }
  checks.throwIfAny(`ProductCiIdentity "${name}"`);
}

/** The bound members as one output: what a 403 from Workload Identity is checked against. */
function principalSetsOutput(
  preview: pulumi.Input<string>[],
  deploy: pulumi.Input<string>[],
): pulumi.Output<{ preview: string[]; deploy: string[] }> {
  return pulumi.all([pulumi.all(preview), pulumi.all(deploy)]).apply(([p, d]) => ({ preview: p, deploy: d }));
}
