import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  formatActionlintFinding,
  isStaleVarsContextFinding,
  lintWorkflow,
  lintWorkflowSource,
} from "../../tools/workflow-check/actionlint";
import { checkPinComments, checkWorkflow, type WorkflowProblem } from "../../tools/workflow-check/check";

const WORKFLOWS_DIR = resolve(__dirname, "../../.github/workflows");
const files = readdirSync(WORKFLOWS_DIR).filter((name) => /\.ya?ml$/.test(name));

function source(name: string): string {
  return readFileSync(join(WORKFLOWS_DIR, name), "utf8");
}

// biome-ignore lint/suspicious/noExplicitAny: tests mutate arbitrary parts of a parsed workflow
type AnyWorkflow = any;

function parsed(name: string): AnyWorkflow {
  return parse(source(name));
}

function problemsOf(name: string, workflow: AnyWorkflow): Omit<WorkflowProblem, "workflow">[] {
  return checkWorkflow(name, workflow).map(({ workflow: _, ...problem }) => problem);
}

describe("the workflows", () => {
  it("are the expected four", () => {
    expect(files.sort()).toEqual(["deploy.yml", "drift.yml", "preview-comment.yml", "preview.yml"]);
  });

  it.each(files)("%s passes actionlint", async (name) => {
    const findings = await lintWorkflow(source(name), name);
    expect(findings.map(formatActionlintFinding)).toEqual([]);
  });

  it.each(files)("%s passes the security checks", (name) => {
    expect(checkWorkflow(name, parsed(name), source(name))).toEqual([]);
  });
});

describe("actionlint runs offline and catches real mistakes", () => {
  it("reports an undefined matrix property and script injection", async () => {
    const broken = [
      "on: pull_request",
      "permissions: {}",
      "jobs:",
      "  a:",
      "    runs-on: ubuntu-latest",
      "    steps:",
      '      - run: echo "${{ github.event.pull_request.title }}"',
      "      - run: echo ${{ matrix.stack }}",
    ].join("\n");
    const findings = await lintWorkflow(broken, "broken.yml");
    expect(findings.map((finding) => finding.message)).toEqual([
      expect.stringContaining('"github.event.pull_request.title" is potentially untrusted'),
      'property "stack" is not defined in object type {}',
    ]);
  });

  it("drops only the stale `vars` finding of the bundled actionlint", async () => {
    const usesVars =
      "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ vars.X }}\n";
    const raw = await lintWorkflowSource(usesVars, "vars.yml");
    expect(raw).toHaveLength(1);
    expect(isStaleVarsContextFinding(raw[0]!)).toBe(true);
    expect(await lintWorkflow(usesVars, "vars.yml")).toEqual([]);
  });
});

describe("what the workflows do", () => {
  it("preview: one job per stack with the preview identity, the policy pack and the event log", () => {
    const workflow = parsed("preview.yml");
    expect(Object.keys(workflow.on)).toEqual(["pull_request"]);
    expect(workflow.permissions).toEqual({});
    const job = workflow.jobs.preview;
    expect(job.permissions).toEqual({ contents: "read", "id-token": "write", "pull-requests": "write" });
    expect(job.if).toBe("github.event.pull_request.head.repo.full_name == github.repository");
    expect(job.strategy.matrix.include).toEqual([
      {
        stack: "dev",
        "preview-identity": "PREVIEW_SA_DEV",
        "wif-provider": "WIF_PROVIDER_DEV",
        backend: "PULUMI_BACKEND_URL_DEV",
      },
      {
        stack: "staging",
        "preview-identity": "PREVIEW_SA_STAGING",
        "wif-provider": "WIF_PROVIDER_STAGING",
        backend: "PULUMI_BACKEND_URL_STAGING",
      },
      {
        stack: "prod",
        "preview-identity": "PREVIEW_SA_PROD",
        "wif-provider": "WIF_PROVIDER_PROD",
        backend: "PULUMI_BACKEND_URL_PROD",
      },
    ]);
    const auth = job.steps.find((step: AnyWorkflow) => step.uses?.startsWith("google-github-actions/auth@"));
    expect(auth.with).toEqual({
      // Each stack has its own pool (in its platform project), so its own provider.
      workload_identity_provider: "${{ vars[matrix.wif-provider] }}",
      service_account: "${{ vars[matrix.preview-identity] }}",
    });
    const preview = job.steps.find((step: AnyWorkflow) => step.id === "preview");
    expect(preview.run).toContain(
      '--policy-pack policies --policy-pack-config "policies/config/$STACK.json"',
    );
    expect(preview.run).toContain('--event-log "$RUNNER_TEMP/preview-events.ndjson"');
    const summary = job.steps.find((step: AnyWorkflow) => step.run?.includes("plan:summary"));
    expect(summary.run).toContain(
      'npm run plan:summary -- --event-log "$events" --stack "$STACK" --out "$summary"',
    );
    const setupNode = job.steps.find((step: AnyWorkflow) => step.uses?.startsWith("actions/setup-node@"));
    expect(setupNode.with).toEqual({ "node-version": 20, cache: "npm" });
    // In order: dependencies before the token, the token before Pulumi, the comment before failing.
    expect(
      job.steps.map((step: AnyWorkflow) =>
        step.uses ? step.uses.split("@")[0] : (step.id ?? step.name ?? step.run),
      ),
    ).toEqual([
      "actions/checkout",
      "actions/setup-node",
      "npm ci",
      "google-github-actions/auth",
      "pulumi/actions",
      "preview",
      "Summarise the preview",
      "actions/github-script",
      "Fail when the preview failed",
    ]);
  });

  it("preview: fork PRs run the offline plan read-only and say so", () => {
    const job = parsed("preview.yml").jobs["offline-plan"];
    expect(job.if).toBe("github.event.pull_request.head.repo.full_name != github.repository");
    expect(job.permissions).toEqual({ contents: "read" });
    const text = JSON.stringify(job.steps);
    expect(text).toContain('npm run plan -- --stack \\"$STACK\\" --markdown \\"$OUT_DIR/plan.md\\"');
    expect(text).toContain("comes from a fork");
    expect(text).not.toContain("google-github-actions/auth");
  });

  it("deploy: dev, then staging, then prod, each in its environment with its deploy identity", () => {
    const workflow = parsed("deploy.yml");
    expect(workflow.on).toEqual({ push: { branches: ["main"] } });
    const expectations = [
      ["dev", undefined],
      ["staging", "dev"],
      ["prod", "staging"],
    ] as const;
    for (const [stack, after] of expectations) {
      const job = workflow.jobs[stack];
      expect(job.environment).toBe(stack);
      expect(job.needs).toBe(after);
      expect(job.concurrency).toEqual({ group: `pulumi-${stack}`, "cancel-in-progress": false });
      const auth = job.steps.find((step: AnyWorkflow) =>
        step.uses?.startsWith("google-github-actions/auth@"),
      );
      expect(auth.with.service_account).toBe(`\${{ vars.DEPLOY_SA_${stack.toUpperCase()} }}`);
      const up = job.steps.find((step: AnyWorkflow) => step.uses?.startsWith("pulumi/actions@"));
      expect(up.with).toMatchObject({
        command: "up",
        "stack-name": stack,
        policyPacks: "policies",
        policyPackConfigs: `policies/config/${stack}.json`,
      });
    }
  });

  it("drift: scheduled preview --refresh --expect-no-changes; only the report job may write issues", () => {
    const workflow = parsed("drift.yml");
    expect(Object.keys(workflow.on)).toEqual(["schedule", "workflow_dispatch"]);
    const preview = workflow.jobs.drift.steps.find((step: AnyWorkflow) =>
      step.uses?.startsWith("pulumi/actions@"),
    );
    expect(preview.with).toMatchObject({ command: "preview", refresh: true, "expect-no-changes": true });
    expect(workflow.jobs.drift.permissions).toEqual({ contents: "read", "id-token": "write" });
    expect(workflow.jobs.report.permissions).toEqual({ actions: "read", issues: "write" });
    expect(workflow.jobs.report.if).toBe("always() && needs.drift.result == 'failure'");
  });
});

describe("the checker reports the exact problem", () => {
  it("pull_request_target", () => {
    const workflow = parsed("preview.yml");
    workflow.on.pull_request_target = { branches: ["main"] };
    expect(problemsOf("preview.yml", workflow)).toEqual([
      {
        rule: "pull-request-target",
        message:
          "triggers on pull_request_target, which runs with a write token and secrets next to fork code",
      },
    ]);
  });

  it("an action pinned by tag", () => {
    const workflow = parsed("deploy.yml");
    workflow.jobs.staging.steps[0].uses = "actions/checkout@v4";
    expect(problemsOf("deploy.yml", workflow)).toEqual([
      {
        job: "staging",
        rule: "action-not-pinned",
        message: "actions/checkout@v4 is not pinned to a full 40-character commit SHA",
      },
    ]);
  });

  it("a short SHA and a missing version comment", () => {
    const workflow = parsed("drift.yml");
    workflow.jobs.report.steps[0].uses = "actions/github-script@60a0d83";
    expect(problemsOf("drift.yml", workflow)).toEqual([
      {
        job: "report",
        rule: "action-not-pinned",
        message: "actions/github-script@60a0d83 is not pinned to a full 40-character commit SHA",
      },
    ]);
    const withoutComment = source("drift.yml").replace(
      "actions/github-script@60a0d83039c74a4aee543508d2ffcb1c3799cdea # v7.0.1",
      "actions/github-script@60a0d83039c74a4aee543508d2ffcb1c3799cdea # v7",
    );
    const line = withoutComment.split("\n").findIndex((text) => text.includes("github-script@")) + 1;
    expect(checkPinComments("drift.yml", withoutComment)).toEqual([
      {
        workflow: "drift.yml",
        rule: "pin-comment-missing",
        message: `line ${line}: actions/github-script@60a0d83039c74a4aee543508d2ffcb1c3799cdea needs a "# vX.Y.Z" comment naming the pinned release, found "# v7"`,
      },
    ]);
  });

  it("swapped environments", () => {
    const workflow = parsed("deploy.yml");
    workflow.jobs.staging.environment = "prod";
    workflow.jobs.prod.environment = { name: "staging", url: "https://example.invalid" };
    expect(problemsOf("deploy.yml", workflow)).toEqual([
      {
        job: "staging",
        rule: "deploy-environment",
        message: 'deploys stack staging but runs in environment "prod"',
      },
      {
        job: "prod",
        rule: "deploy-environment",
        message: 'deploys stack prod but runs in environment "staging"',
      },
    ]);
  });

  it("a deploy outside any environment", () => {
    const workflow = parsed("deploy.yml");
    delete workflow.jobs.dev.environment;
    expect(problemsOf("deploy.yml", workflow)).toEqual([
      {
        job: "dev",
        rule: "deploy-environment",
        message: "deploys stack dev outside a GitHub environment (expected environment: dev)",
      },
    ]);
  });

  it("a deploy that can run off main", () => {
    const workflow = parsed("deploy.yml");
    delete workflow.jobs.prod.if;
    workflow.on.pull_request = {};
    const problems = problemsOf("deploy.yml", workflow);
    expect(problems).toContainEqual({
      job: "prod",
      rule: "deploy-branch",
      message: "deploys stack prod without `if: github.ref == 'refs/heads/main'`",
    });
    expect(problems).toContainEqual({
      job: "prod",
      rule: "deploy-branch",
      message: 'deploys stack prod on trigger "pull_request"; only push to main may deploy',
    });
    expect(problems.filter((problem) => problem.rule !== "deploy-branch")).toEqual([]);
  });

  it("a push trigger on every branch", () => {
    const workflow = parsed("deploy.yml");
    workflow.on.push.branches = ["main", "release/*"];
    expect(problemsOf("deploy.yml", workflow).map((problem) => problem.message)).toEqual(
      ["dev", "staging", "prod"].map(
        (stack) => `deploys stack ${stack} on push to main, release/*; expected branches: [main]`,
      ),
    );
  });

  it("a shared concurrency group and cancellation", () => {
    const workflow = parsed("deploy.yml");
    workflow.jobs.staging.concurrency.group = "pulumi";
    workflow.jobs.prod.concurrency["cancel-in-progress"] = true;
    expect(problemsOf("deploy.yml", workflow)).toEqual([
      {
        job: "staging",
        rule: "deploy-concurrency",
        message: 'concurrency group "pulumi"; expected "pulumi-staging"',
      },
      {
        job: "prod",
        rule: "deploy-concurrency",
        message:
          "cancel-in-progress must be false: cancelling `pulumi up` leaves pending operations in the state",
      },
    ]);
  });

  it("a deploy with another stack's or the preview identity", () => {
    const workflow = parsed("deploy.yml");
    workflow.jobs.prod.steps[3].with.service_account = "${{ vars.DEPLOY_SA_DEV }}";
    workflow.jobs.dev.steps[3].with.service_account = "${{ vars.PREVIEW_SA_DEV }}";
    expect(problemsOf("deploy.yml", workflow)).toEqual([
      {
        job: "dev",
        rule: "deploy-identity",
        message: "deploys stack dev as PREVIEW_SA_DEV; expected vars.DEPLOY_SA_DEV",
      },
      {
        job: "prod",
        rule: "deploy-identity",
        message: "deploys stack prod as DEPLOY_SA_DEV; expected vars.DEPLOY_SA_PROD",
      },
    ]);
  });

  it("a preview with the deploy identity", () => {
    const workflow = parsed("preview.yml");
    workflow.jobs.preview.strategy.matrix.include[2]["preview-identity"] = "DEPLOY_SA_PROD";
    expect(problemsOf("preview.yml", workflow)).toEqual([
      {
        job: "preview",
        rule: "preview-identity",
        message:
          "authenticates as DEPLOY_SA_PROD: a job that does not deploy must use a PREVIEW_SA_<STACK> variable",
      },
    ]);
  });

  it("a deploy without the stack's policy config", () => {
    const workflow = parsed("deploy.yml");
    workflow.jobs.prod.steps[4].with.policyPackConfigs = "policies/config/dev.json";
    expect(problemsOf("deploy.yml", workflow)).toEqual([
      {
        job: "prod",
        rule: "deploy-policy-pack",
        message: 'deploys stack prod without the policy pack "policies" and policies/config/prod.json',
      },
    ]);
  });

  it("prod not waiting for staging", () => {
    const workflow = parsed("deploy.yml");
    workflow.jobs.prod.needs = "dev";
    expect(problemsOf("deploy.yml", workflow)).toEqual([
      {
        job: "prod",
        rule: "deploy-order",
        message: "deploys prod without needs: staging (the staging deploy)",
      },
    ]);
  });

  it("write permissions at the top level, write-all, and unneeded write scopes", () => {
    const workflow = parsed("drift.yml");
    workflow.permissions = { contents: "write" };
    workflow.jobs.drift.permissions["pull-requests"] = "write";
    workflow.jobs.report.permissions = "write-all";
    expect(problemsOf("drift.yml", workflow)).toEqual([
      {
        rule: "top-level-permissions",
        message: "top-level permission contents: write: grant write scopes on the job that needs them",
      },
      {
        job: "drift",
        rule: "write-permission",
        message: "pull-requests: write but the job posts nothing (no actions/github-script step)",
      },
      { job: "report", rule: "write-all", message: "job permissions are write-all" },
    ]);
  });

  it("missing top-level permissions", () => {
    const workflow = parsed("preview.yml");
    delete workflow.permissions;
    expect(problemsOf("preview.yml", workflow)).toEqual([
      {
        rule: "top-level-permissions",
        message: "no top-level `permissions:`: the token gets the repository default, which may be write",
      },
    ]);
  });

  it("id-token: write on a job that does not authenticate, and auth without it", () => {
    const workflow = parsed("drift.yml");
    workflow.jobs.report.permissions["id-token"] = "write";
    delete workflow.jobs.drift.permissions["id-token"];
    expect(problemsOf("drift.yml", workflow)).toEqual([
      {
        job: "drift",
        rule: "auth-without-id-token",
        message: "uses google-github-actions/auth without id-token: write on the job",
      },
      {
        job: "report",
        rule: "id-token-without-auth",
        message: "id-token: write but the job does not authenticate (no google-github-actions/auth step)",
      },
    ]);
  });

  it("a workflow_run job that checks out the fork's head", () => {
    const workflow = parsed("preview-comment.yml");
    workflow.jobs.comment.steps[0].with.ref = "${{ github.event.workflow_run.head_sha }}";
    expect(problemsOf("preview-comment.yml", workflow)).toEqual([
      {
        job: "comment",
        rule: "workflow-run-checkout",
        message:
          "checks out ${{ github.event.workflow_run.head_sha }} from a workflow_run job that holds a write token",
      },
    ]);
  });

  it("a deploy through the plain CLI is recognised too", () => {
    const workflow = parsed("deploy.yml");
    workflow.jobs.dev.steps[4] = { run: "pulumi up --yes --stack dev" };
    expect(problemsOf("deploy.yml", workflow)).toEqual([
      {
        job: "dev",
        rule: "deploy-policy-pack",
        message: 'deploys stack dev without the policy pack "policies" and policies/config/dev.json',
      },
    ]);
    workflow.jobs.dev.steps[4] = {
      run: "pulumi up --yes --stack dev --policy-pack policies --policy-pack-config policies/config/dev.json",
    };
    expect(problemsOf("deploy.yml", workflow)).toEqual([]);
  });
});
