/**
 * Security properties of the delivery workflows, checked on the parsed YAML. Pure: give it a parsed
 * workflow (and optionally its source text for the pin comments) and it returns every problem found,
 * so tests can mutate a workflow and assert the exact problem.
 */

export type WorkflowRule =
  | "action-not-pinned"
  | "pin-comment-missing"
  | "pull-request-target"
  | "top-level-permissions"
  | "write-all"
  | "write-permission"
  | "id-token-without-auth"
  | "auth-without-id-token"
  | "deploy-stack-unknown"
  | "deploy-environment"
  | "deploy-branch"
  | "deploy-concurrency"
  | "deploy-identity"
  | "deploy-policy-pack"
  | "deploy-order"
  | "preview-identity"
  | "workflow-run-checkout";

export interface WorkflowProblem {
  workflow: string;
  job?: string;
  rule: WorkflowRule;
  message: string;
}

/** The stacks and their promotion order: each one deploys only after the previous one. */
export const STACK_ORDER = ["dev", "staging", "prod"] as const;
export const MAIN_REF = "refs/heads/main";
export const PREVIEW_IDENTITY_PREFIX = "PREVIEW_SA_";
export const DEPLOY_IDENTITY_PREFIX = "DEPLOY_SA_";

const AUTH_ACTION = "google-github-actions/auth";
const PULUMI_ACTION = "pulumi/actions";
const COMMENT_ACTION = "actions/github-script";
const SHA_PIN = /^[^@\s]+@[0-9a-f]{40}$/;
const VERSION_COMMENT = /^v\d+\.\d+\.\d+$/;
// Scopes a job may be granted write on, each for one reason: OIDC, PR comments, drift issues.
const WRITABLE_SCOPES = new Set(["id-token", "pull-requests", "issues"]);

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function asString(value: unknown): string {
  return typeof value === "string" ? value : value === undefined || value === null ? "" : String(value);
}

interface Step {
  uses: string;
  run: string;
  with: Json;
}

function stepsOf(job: Json): Step[] {
  const steps = Array.isArray(job.steps) ? job.steps : [];
  return steps.filter(isObject).map((step) => ({
    uses: asString(step.uses),
    run: asString(step.run),
    with: isObject(step.with) ? step.with : {},
  }));
}

function actionName(uses: string): string {
  return uses.split("@")[0]!;
}

/** Trigger names of `on:` in any of its three spellings (string, list, map). */
export function triggersOf(workflow: Json): string[] {
  const on = workflow.on ?? workflow.true; // YAML 1.1 parsers read a bare `on` key as boolean true
  if (typeof on === "string") return [on];
  if (Array.isArray(on)) return on.map(asString);
  if (isObject(on)) return Object.keys(on);
  return [];
}

function normalizeExpression(text: string): string {
  return text
    .replace(/\$\{\{|\}\}/g, "")
    .replace(/\s+/g, " ")
    .replace(/"/g, "'")
    .trim();
}

function environmentName(job: Json): string {
  if (typeof job.environment === "string") return job.environment;
  if (isObject(job.environment)) return asString(job.environment.name);
  return "";
}

function permissionEntries(permissions: unknown): [string, string][] {
  return isObject(permissions)
    ? Object.entries(permissions).map(([scope, level]) => [scope, asString(level)])
    : [];
}

/** The stack a job deploys (`pulumi up`/`destroy`), or undefined when the job deploys nothing. */
function deployedStack(job: Json): { deploys: boolean; stack?: string } {
  for (const step of stepsOf(job)) {
    if (actionName(step.uses) === PULUMI_ACTION) {
      const command = asString(step.with.command);
      if (["up", "update", "destroy"].includes(command)) {
        return { deploys: true, stack: asString(step.with["stack-name"]) || undefined };
      }
    }
    const cli = /\bpulumi\s+(up|update|destroy)\b(.*)/s.exec(step.run);
    if (cli) {
      const stack = /(?:--stack|-s)[ =]["']?([A-Za-z0-9._/-]+)/.exec(cli[2]!)?.[1];
      return { deploys: true, stack };
    }
  }
  return { deploys: false };
}

function usesPolicyPack(job: Json, stack: string): boolean {
  const config = `policies/config/${stack}.json`;
  return stepsOf(job).some((step) => {
    if (actionName(step.uses) === PULUMI_ACTION && ["up", "update"].includes(asString(step.with.command))) {
      return (
        asString(step.with.policyPacks).trim() === "policies" &&
        asString(step.with.policyPackConfigs).trim() === config
      );
    }
    return (
      /\bpulumi\s+(up|update)\b/.test(step.run) &&
      step.run.includes("--policy-pack policies") &&
      step.run.includes(`--policy-pack-config ${config}`)
    );
  });
}

/** The identity variable names an auth step can resolve to (direct `vars.X` or `vars[matrix.key]`). */
function identityVariables(job: Json, serviceAccount: string): string[] {
  const names = [...serviceAccount.matchAll(/vars\.([A-Za-z0-9_]+)/g)].map((match) => match[1]!);
  const indirect = /vars\[\s*matrix\.([A-Za-z0-9_-]+)\s*\]/.exec(serviceAccount)?.[1];
  if (indirect) {
    const matrix = isObject(job.strategy) && isObject(job.strategy.matrix) ? job.strategy.matrix : {};
    const include = Array.isArray(matrix.include) ? matrix.include.filter(isObject) : [];
    names.push(...include.map((entry) => asString(entry[indirect])).filter(Boolean));
    const axis = matrix[indirect];
    if (Array.isArray(axis)) names.push(...axis.map(asString));
    if (names.length === 0) names.push(`<matrix.${indirect} undefined>`);
  }
  return names;
}

export function checkWorkflow(file: string, parsed: unknown, source?: string): WorkflowProblem[] {
  const problems: WorkflowProblem[] = [];
  const report = (rule: WorkflowRule, message: string, job?: string) =>
    problems.push(
      job === undefined ? { workflow: file, rule, message } : { workflow: file, job, rule, message },
    );
  if (!isObject(parsed)) {
    report("top-level-permissions", "not a workflow: expected a YAML mapping");
    return problems;
  }
  const workflow = parsed;
  const triggers = triggersOf(workflow);
  const jobs = isObject(workflow.jobs) ? workflow.jobs : {};

  if (triggers.includes("pull_request_target")) {
    report(
      "pull-request-target",
      "triggers on pull_request_target, which runs with a write token and secrets next to fork code",
    );
  }

  // Top level: nothing, or read-only. Jobs ask for what they need.
  if (!("permissions" in workflow)) {
    report(
      "top-level-permissions",
      "no top-level `permissions:`: the token gets the repository default, which may be write",
    );
  } else if (workflow.permissions === "write-all") {
    report("write-all", "top-level permissions are write-all");
  } else if (typeof workflow.permissions === "string" && workflow.permissions !== "read-all") {
    report(
      "top-level-permissions",
      `top-level permissions "${workflow.permissions}": expected {} or read-only scopes`,
    );
  } else {
    for (const [scope, level] of permissionEntries(workflow.permissions)) {
      if (level !== "read" && level !== "none") {
        report(
          "top-level-permissions",
          `top-level permission ${scope}: ${level}: grant write scopes on the job that needs them`,
        );
      }
    }
  }

  const stackJobs = new Map<string, string>();
  for (const [jobId, rawJob] of Object.entries(jobs)) {
    if (!isObject(rawJob)) continue;
    const job = rawJob;
    const steps = stepsOf(job);

    // Pins: every remote action and reusable workflow by full commit SHA.
    const references = [...steps.map((step) => step.uses), asString(job.uses)].filter(Boolean);
    for (const uses of references) {
      if (uses.startsWith("./") || uses.startsWith("docker://")) continue;
      if (!SHA_PIN.test(uses))
        report("action-not-pinned", `${uses} is not pinned to a full 40-character commit SHA`, jobId);
    }

    // Permissions of the job.
    const authSteps = steps.filter((step) => actionName(step.uses) === AUTH_ACTION);
    const comments = steps.some((step) => actionName(step.uses) === COMMENT_ACTION);
    if (job.permissions === "write-all") report("write-all", "job permissions are write-all", jobId);
    const granted = new Map(permissionEntries(job.permissions));
    for (const [scope, level] of granted) {
      if (level !== "write") continue;
      if (!WRITABLE_SCOPES.has(scope)) {
        report("write-permission", `${scope}: write is never needed by these workflows`, jobId);
      } else if ((scope === "pull-requests" || scope === "issues") && !comments) {
        report(
          "write-permission",
          `${scope}: write but the job posts nothing (no ${COMMENT_ACTION} step)`,
          jobId,
        );
      }
    }
    if (granted.get("id-token") === "write" && authSteps.length === 0) {
      report(
        "id-token-without-auth",
        `id-token: write but the job does not authenticate (no ${AUTH_ACTION} step)`,
        jobId,
      );
    }
    if (authSteps.length > 0 && granted.get("id-token") !== "write") {
      report("auth-without-id-token", `uses ${AUTH_ACTION} without id-token: write on the job`, jobId);
    }

    // A workflow_run job holds a write token: it must never check out the triggering (fork) code.
    if (triggers.includes("workflow_run")) {
      for (const step of steps) {
        if (actionName(step.uses) !== "actions/checkout") continue;
        const ref = asString(step.with.ref) + asString(step.with.repository);
        if (/workflow_run|head/.test(ref)) {
          report(
            "workflow-run-checkout",
            `checks out ${ref} from a workflow_run job that holds a write token`,
            jobId,
          );
        }
      }
    }

    const { deploys, stack } = deployedStack(job);
    const serviceAccounts = authSteps.map((step) => asString(step.with.service_account));
    if (!deploys) {
      // Anything that authenticates without deploying is a preview or drift check: read-only identity.
      for (const serviceAccount of serviceAccounts) {
        const names = identityVariables(job, serviceAccount);
        const wrong = names.filter((name) => !name.startsWith(PREVIEW_IDENTITY_PREFIX));
        if (names.length === 0 || wrong.length > 0) {
          report(
            "preview-identity",
            `authenticates as ${wrong.join(", ") || JSON.stringify(serviceAccount)}: a job that does not deploy must use a ${PREVIEW_IDENTITY_PREFIX}<STACK> variable`,
            jobId,
          );
        }
      }
      continue;
    }

    if (!stack) {
      report("deploy-stack-unknown", "deploys but names no literal stack (stack-name or --stack)", jobId);
      continue;
    }
    stackJobs.set(stack, jobId);

    const environment = environmentName(job);
    if (environment !== stack) {
      report(
        "deploy-environment",
        environment
          ? `deploys stack ${stack} but runs in environment "${environment}"`
          : `deploys stack ${stack} outside a GitHub environment (expected environment: ${stack})`,
        jobId,
      );
    }

    const condition = normalizeExpression(asString(job.if));
    if (!condition.includes(`github.ref == '${MAIN_REF}'`)) {
      report("deploy-branch", `deploys stack ${stack} without \`if: github.ref == '${MAIN_REF}'\``, jobId);
    }
    for (const trigger of triggers) {
      if (trigger !== "push")
        report(
          "deploy-branch",
          `deploys stack ${stack} on trigger "${trigger}"; only push to main may deploy`,
          jobId,
        );
    }
    const on = workflow.on ?? workflow.true;
    const push = isObject(on) && isObject(on.push) ? on.push : undefined;
    const branches = push && Array.isArray(push.branches) ? push.branches.map(asString) : [];
    if (triggers.includes("push") && (branches.length !== 1 || branches[0] !== "main")) {
      report(
        "deploy-branch",
        `deploys stack ${stack} on push to ${branches.length ? branches.join(", ") : "any branch"}; expected branches: [main]`,
        jobId,
      );
    }

    const concurrency = isObject(job.concurrency)
      ? job.concurrency
      : isObject(workflow.concurrency)
        ? workflow.concurrency
        : {};
    const group = asString(concurrency.group);
    if (group !== `pulumi-${stack}`) {
      report(
        "deploy-concurrency",
        `concurrency group ${group ? `"${group}"` : "missing"}; expected "pulumi-${stack}"`,
        jobId,
      );
    }
    if (concurrency["cancel-in-progress"] !== undefined && concurrency["cancel-in-progress"] !== false) {
      report(
        "deploy-concurrency",
        `cancel-in-progress must be false: cancelling \`pulumi up\` leaves pending operations in the state`,
        jobId,
      );
    }

    const expectedIdentity = `${DEPLOY_IDENTITY_PREFIX}${stack.toUpperCase()}`;
    if (serviceAccounts.length === 0) {
      report(
        "deploy-identity",
        `deploys stack ${stack} without authenticating as vars.${expectedIdentity}`,
        jobId,
      );
    }
    for (const serviceAccount of serviceAccounts) {
      const names = identityVariables(job, serviceAccount);
      if (names.length !== 1 || names[0] !== expectedIdentity) {
        report(
          "deploy-identity",
          `deploys stack ${stack} as ${names.join(", ") || JSON.stringify(serviceAccount)}; expected vars.${expectedIdentity}`,
          jobId,
        );
      }
    }

    if (!usesPolicyPack(job, stack)) {
      report(
        "deploy-policy-pack",
        `deploys stack ${stack} without the policy pack "policies" and policies/config/${stack}.json`,
        jobId,
      );
    }
  }

  // Promotion: staging only after dev, prod only after staging.
  for (let index = 1; index < STACK_ORDER.length; index++) {
    const jobId = stackJobs.get(STACK_ORDER[index]!);
    const previous = stackJobs.get(STACK_ORDER[index - 1]!);
    if (!jobId || !previous) continue;
    const job = jobs[jobId] as Json;
    const needs = Array.isArray(job.needs) ? job.needs.map(asString) : job.needs ? [asString(job.needs)] : [];
    if (!needs.includes(previous)) {
      report(
        "deploy-order",
        `deploys ${STACK_ORDER[index]} without needs: ${previous} (the ${STACK_ORDER[index - 1]} deploy)`,
        jobId,
      );
    }
  }

  if (source !== undefined) problems.push(...checkPinComments(file, source));
  return problems;
}

/** Every SHA-pinned `uses:` line carries a `# vX.Y.Z` comment saying which release the SHA is. */
export function checkPinComments(file: string, source: string): WorkflowProblem[] {
  const problems: WorkflowProblem[] = [];
  source.split("\n").forEach((line, index) => {
    const match = /^\s*(?:-\s+)?uses:\s*["']?([^\s"'#]+)["']?\s*(?:#\s*(.*))?$/.exec(line);
    if (!match || !SHA_PIN.test(match[1]!)) return;
    const comment = (match[2] ?? "").trim();
    if (!VERSION_COMMENT.test(comment)) {
      problems.push({
        workflow: file,
        rule: "pin-comment-missing",
        message: `line ${index + 1}: ${match[1]} needs a "# vX.Y.Z" comment naming the pinned release${comment ? `, found "# ${comment}"` : ""}`,
      });
    }
  });
  return problems;
}
