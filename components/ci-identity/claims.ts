/**
 * Pure logic of the GitHub OIDC trust: the provider's attribute mapping and condition, the
 * principalSet members that grant impersonation, the claims a job must present, and the checks that
 * refuse unsafe input. Tested without Pulumi; the access simulator evaluates the same expressions.
 */

/** GitHub Actions' OIDC issuer. */
export const GITHUB_ISSUER = "https://token.actions.githubusercontent.com";

/** Google's limit on the mapped `google.subject`; a longer value fails the token exchange. */
export const GOOGLE_SUBJECT_MAX_BYTES = 127;

/**
 * Events the attribute condition lets in: the triggers of this platform's workflows, nothing else.
 * `push` (deploy.yml, and preview of main), `pull_request` (preview.yml), `workflow_dispatch` and
 * `schedule` (drift.yml, preview identity only). Every other event is refused by the provider,
 * including those that run the default branch's workflow with `ref: refs/heads/main` on behalf of
 * whoever triggers them (`issue_comment`, `issues`, `discussion`, `repository_dispatch`,
 * `check_run`, `pull_request_target`, `workflow_run`, ...): their tokens would otherwise look like
 * main-branch tokens. An allow-list, so an event GitHub adds tomorrow is refused by default.
 */
export const ALLOWED_EVENTS = ["push", "pull_request", "workflow_dispatch", "schedule"] as const;

/** The only event whose jobs may deploy: deploy.yml runs on `push` to the deploy branch. */
export const DEPLOY_EVENT = "push";

/** The ref of the protected branch that may deploy. */
export const DEFAULT_DEPLOY_REF = "refs/heads/main";

/** The workflow file whose jobs may deploy, per repository unless configured otherwise. */
export const DEFAULT_DEPLOY_WORKFLOW = ".github/workflows/deploy.yml";

/**
 * Separates the ref from `job_workflow_ref` in `deploy_target`. Git refuses `:` in ref names, and
 * the configured workflow path and the ids, event and environment names we bind contain none, so
 * the value splits one way only (see docs/decisions/0004-wif-attribute-design.md).
 */
export const WORKFLOW_SEPARATOR = ":";

/**
 * The `job_workflow_ref` claim of a job defined in `workflow` of `organization/repository` at `ref`:
 * `acme-corp/platform/.github/workflows/deploy.yml@refs/heads/main`. GitHub writes the workflow that
 * defines the job, so a reusable workflow called from deploy.yml carries its own file, repository
 * and organization, and never matches.
 */
export function jobWorkflowRef(
  organization: string,
  repository: string,
  workflow: string,
  ref: string,
): string {
  return `${organization}/${repository}/${workflow}@${ref}`;
}

/** Custom attributes that compose several claims, because a principalSet matches one value. */
export const COMPOSITE_ATTRIBUTES = {
  /** `<repository_id>/<event_name>`: pull request workflows of one repository. */
  repositoryEvent: "repository_event",
  /** `<repository_id>/<ref>`: workflows running on one branch of one repository. */
  repositoryRef: "repository_ref",
  /**
   * `<repository_id>/<environment>/<event_name>/<ref>:<job_workflow_ref>`: a job of one workflow
   * file, in one GitHub environment, started by one event, on one branch.
   */
  deployTarget: "deploy_target",
} as const;

/**
 * Attribute mapping of the GitHub provider (CEL, evaluated by Google on each token).
 *
 * `google.subject` is built from numeric claims only: GitHub ids are 64-bit integers (at most 20
 * decimal digits), so the subject is at most 20+1+20+1+20 = 62 bytes, far from Google's 127, and
 * names audit-log entries by repository and workflow run. `environment` is absent from jobs without
 * an environment, so every use is guarded by `has()`: an unguarded reference fails the exchange.
 */
export function githubAttributeMapping(): Record<string, string> {
  const environment = 'has(assertion.environment) ? assertion.environment : ""';
  const jobWorkflow = 'has(assertion.job_workflow_ref) ? assertion.job_workflow_ref : ""';
  return {
    "google.subject": 'assertion.repository_id + "/" + assertion.run_id + "/" + assertion.run_attempt',
    "attribute.repository_id": "assertion.repository_id",
    "attribute.repository_owner_id": "assertion.repository_owner_id",
    "attribute.ref": "assertion.ref",
    "attribute.event_name": "assertion.event_name",
    "attribute.environment": environment,
    "attribute.job_workflow_ref": jobWorkflow,
    [`attribute.${COMPOSITE_ATTRIBUTES.repositoryEvent}`]:
      'assertion.repository_id + "/" + assertion.event_name',
    [`attribute.${COMPOSITE_ATTRIBUTES.repositoryRef}`]: 'assertion.repository_id + "/" + assertion.ref',
    [`attribute.${COMPOSITE_ATTRIBUTES.deployTarget}`]: `assertion.repository_id + "/" + (${environment}) + "/" + assertion.event_name + "/" + assertion.ref + "${WORKFLOW_SEPARATOR}" + (${jobWorkflow})`,
  };
}

export interface ConditionInput {
  /** Numeric id of the GitHub organization (`repository_owner_id`). */
  organizationId: string;
  /** Numeric ids of every repository the pool trusts. */
  repositoryIds: readonly string[];
}

/**
 * The provider's attribute condition, as top-level clauses joined by `&&` (the simulator reports
 * the first false clause). Pins the organization and the repositories by numeric id, so a deleted
 * and re-created repository or a renamed organization does not inherit access, and lets in only
 * the ALLOWED_EVENTS. Three clauses whatever the number of repositories: one list literal each.
 */
export function githubAttributeCondition(input: ConditionInput): string {
  const ids = [...new Set(input.repositoryIds)].sort().map((id) => JSON.stringify(id));
  const events = ALLOWED_EVENTS.map((event) => JSON.stringify(event));
  return [
    `assertion.repository_owner_id == ${JSON.stringify(input.organizationId)}`,
    `assertion.repository_id in [${ids.join(", ")}]`,
    `assertion.event_name in [${events.join(", ")}]`,
  ].join(" && ");
}

/** `principalSet://iam.googleapis.com/<pool name>/attribute.<attribute>/<value>` */
export function principalSet(poolName: string, attribute: string, value: string): string {
  return `principalSet://iam.googleapis.com/${poolName}/attribute.${attribute}/${value}`;
}

/** The attribute values that may impersonate a preview identity: pull requests and the deploy branch. */
export function previewAttributeValues(repositoryId: string, deployRef = DEFAULT_DEPLOY_REF) {
  return [
    { attribute: COMPOSITE_ATTRIBUTES.repositoryEvent, value: `${repositoryId}/pull_request` },
    { attribute: COMPOSITE_ATTRIBUTES.repositoryRef, value: `${repositoryId}/${deployRef}` },
  ];
}

/**
 * The attribute value that may impersonate a deploy identity: a job of the deploy workflow
 * (`jobWorkflow`, a `job_workflow_ref`), in one environment, on the deploy branch, from a `push`
 * (what deploy.yml runs on). `resourceKey` is the fragment the IAM binding's resource name is built
 * from: the value before the event and the workflow joined it, so existing bindings keep their URNs
 * and are updated in place of being renamed.
 */
export function deployAttributeValue(
  repositoryId: string,
  environment: string,
  deployRef: string,
  jobWorkflow: string,
) {
  return {
    attribute: COMPOSITE_ATTRIBUTES.deployTarget,
    value: `${repositoryId}/${environment}/${DEPLOY_EVENT}/${deployRef}${WORKFLOW_SEPARATOR}${jobWorkflow}`,
    resourceKey: `${repositoryId}/${environment}/${deployRef}`,
  };
}

/** What a GitHub job must present to be let in, exported so a 403 can be compared against it. */
export interface ExpectedClaims {
  repository: string;
  repository_id: string;
  repository_owner_id: string;
  /** Any of these events. */
  event_name: string[];
  ref?: string;
  environment?: string;
  /** The workflow that must define the job (deploy identities). */
  job_workflow_ref?: string;
  /** The events the provider's condition lets in at all; every other event is refused. */
  allowedEvents: string[];
}

export function expectedPreviewClaims(
  repository: string,
  repositoryId: string,
  organizationId: string,
  deployRef = DEFAULT_DEPLOY_REF,
): ExpectedClaims[] {
  const base = {
    repository,
    repository_id: repositoryId,
    repository_owner_id: organizationId,
    allowedEvents: [...ALLOWED_EVENTS],
  };
  return [
    { ...base, event_name: ["pull_request"] },
    { ...base, event_name: [...ALLOWED_EVENTS], ref: deployRef },
  ];
}

export function expectedDeployClaims(
  repository: string,
  repositoryId: string,
  organizationId: string,
  environment: string,
  deployRef: string,
  jobWorkflow: string,
): ExpectedClaims {
  return {
    repository,
    repository_id: repositoryId,
    repository_owner_id: organizationId,
    event_name: [DEPLOY_EVENT],
    ref: deployRef,
    environment,
    job_workflow_ref: jobWorkflow,
    allowedEvents: [...ALLOWED_EVENTS],
  };
}

// ---------------------------------------------------------------------------------------------
// Input checks: every unsafe value is refused with the argument, what was expected and what was found.

const NUMERIC_ID = /^[1-9][0-9]{0,19}$/;
/** GitHub environment names we accept: no wildcard, no separator of the composite attributes. */
const ENVIRONMENT_NAME = /^[A-Za-z0-9_.-]{1,64}$/;
const REPOSITORY_NAME = /^[A-Za-z0-9_.-]{1,100}$/;
const ORGANIZATION_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,37}[A-Za-z0-9])?$/;
const REF = /^refs\/heads\/[A-Za-z0-9._/-]{1,200}$/;
/** A workflow file directly in the repository's `.github/workflows` (no folder, `..`, `:` or wildcard). */
export const WORKFLOW_PATH = /^\.github\/workflows\/[A-Za-z0-9_-][A-Za-z0-9_.-]{0,99}\.ya?ml$/;

export class CiIdentityArgumentError extends Error {
  constructor(component: string, problems: string[]) {
    super(`${component}: ${problems.join("; ")}`);
    this.name = "CiIdentityArgumentError";
  }
}

/** Collects problems as `<argument>: expected X, found Y`. */
export class ArgumentChecks {
  readonly problems: string[] = [];

  expect(ok: boolean, argument: string, expected: string, found: unknown): void {
    if (!ok) this.problems.push(`${argument}: expected ${expected}, found ${describe(found)}`);
  }

  numericId(argument: string, value: unknown, what: string): void {
    this.expect(
      typeof value === "string" && NUMERIC_ID.test(value),
      argument,
      `the numeric ${what} id as a string, like "123456789" (names can be re-registered by someone else; ids cannot)`,
      value,
    );
  }

  environment(argument: string, value: unknown): void {
    this.expect(
      typeof value === "string" && ENVIRONMENT_NAME.test(value),
      argument,
      "a GitHub environment name of letters, digits, '.', '_' or '-' (no wildcard)",
      value,
    );
  }

  repositoryName(argument: string, value: unknown): void {
    this.expect(
      typeof value === "string" && REPOSITORY_NAME.test(value) && !value.includes("/"),
      argument,
      'a repository name without its owner, like "platform" (no wildcard)',
      value,
    );
  }

  organizationName(argument: string, value: unknown): void {
    this.expect(
      typeof value === "string" && ORGANIZATION_NAME.test(value),
      argument,
      'a GitHub organization login, like "acme-corp" (no wildcard)',
      value,
    );
  }

  ref(argument: string, value: unknown): void {
    this.expect(
      typeof value === "string" && REF.test(value) && !value.includes("*"),
      argument,
      'a full branch ref, like "refs/heads/main" (no wildcard)',
      value,
    );
  }

  workflowPath(argument: string, value: unknown): void {
    this.expect(
      typeof value === "string" && WORKFLOW_PATH.test(value),
      argument,
      'a workflow file of the repository, like ".github/workflows/deploy.yml" (no wildcard, no "..")',
      value,
    );
  }

  throwIfAny(component: string): void {
    if (this.problems.length > 0) throw new CiIdentityArgumentError(component, this.problems);
  }
}

function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  if (Array.isArray(value)) return value.length === 0 ? "an empty list" : `a list of ${value.length}`;
  if (typeof value === "string") return JSON.stringify(value);
  return `${typeof value} ${JSON.stringify(value)}`;
}

/**
 * A service account id (6-30 characters) with a fixed prefix. Long names are shortened with a
 * stable hash suffix so two repositories never collide.
 */
export function accountId(prefix: string, name: string, hash: (text: string) => string): string {
  const slug = name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/-+/g, "-")
    .replace(/^-|-$/g, "");
  const full = `${prefix}-${slug}`;
  if (full.length <= 30 && full.length >= 6) return full;
  const suffix = hash(name).slice(0, 6);
  const room = 30 - prefix.length - suffix.length - 2;
  return `${prefix}-${slug.slice(0, room).replace(/-$/, "")}-${suffix}`;
}
