import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { simulateAccess, type TokenClaims } from "../../tools/access/simulate";
import type { PlannedResource } from "../../tools/plan/model";
import { bundledPlan } from "../helpers/bundled-plans";

/**
 * The promise of the CI identities, checked on the bundled stacks as planned: a pull request, a push
 * to main and the drift check get the read-only preview identity only; `pulumi up` for a stack only from that stack's GitHub
 * environment on main of the platform repository; nothing for tokens outside that path.
 */

const STACKS = ["dev", "staging", "prod"] as const;
const resources = new Map<string, PlannedResource[]>();

beforeAll(async () => {
  // Access is judged on the identities as they exist after `up`: their members known.
  for (const stack of STACKS) resources.set(stack, (await bundledPlan(stack, "known")).resources);
});

function claims(name: string): TokenClaims {
  return JSON.parse(readFileSync(`test/access/claims/${name}.json`, "utf8"));
}

/** Service accounts (local part of the email) the token may impersonate in a stack. */
function allowed(stack: string, token: string): string[] {
  return simulateAccess(resources.get(stack)!, claims(token))
    .filter((decision) => decision.allowed)
    .map((decision) => decision.serviceAccount.split("@")[0])
    .sort();
}

describe("CI identities in the bundled stacks", () => {
  it.each(STACKS)("%s: pull requests and pushes to main get the preview identity only", (stack) => {
    expect(allowed(stack, "platform-pull-request")).toEqual(["preview-platform"]);
    expect(allowed(stack, "platform-push-main")).toEqual(["preview-platform"]);
    expect(allowed(stack, "platform-push-main-immutable-sub")).toEqual(["preview-platform"]);
  });

  it("the deploy job of each environment can deploy its own stack only", () => {
    expect(allowed("dev", "platform-deploy-dev")).toEqual(["deploy-platform", "preview-platform"]);
    expect(allowed("staging", "platform-deploy-dev")).toEqual(["preview-platform"]);
    expect(allowed("prod", "platform-deploy-dev")).toEqual(["preview-platform"]);
    expect(allowed("staging", "platform-deploy-staging")).toEqual(["deploy-platform", "preview-platform"]);
    expect(allowed("prod", "platform-deploy-staging")).toEqual(["preview-platform"]);
    expect(allowed("prod", "platform-deploy-prod")).toEqual(["deploy-platform", "preview-platform"]);
    expect(allowed("prod", "platform-deploy-prod-immutable-sub")).toEqual([
      "deploy-platform",
      "preview-platform",
    ]);
  });

  it.each(STACKS)(
    "%s: the drift check (schedule, workflow_dispatch on main) gets the preview identity only",
    (stack) => {
      expect(allowed(stack, "platform-schedule-drift")).toEqual(["preview-platform"]);
      expect(allowed(stack, "platform-workflow-dispatch")).toEqual(["preview-platform"]);
    },
  );

  it.each(STACKS)("%s: events anyone who can comment or call the API can start get nothing", (stack) => {
    expect(allowed(stack, "platform-issue-comment")).toEqual([]);
    expect(allowed(stack, "platform-issue-comment-prod-environment")).toEqual([]);
    expect(allowed(stack, "platform-repository-dispatch")).toEqual([]);
  });

  it("a prod-environment job on main deploys only when a push started it", () => {
    const dispatched = { ...claims("platform-deploy-prod"), event_name: "workflow_dispatch" };
    const decisions = simulateAccess(resources.get("prod")!, dispatched);
    expect(
      decisions
        .filter((decision) => decision.allowed)
        .map((decision) => decision.serviceAccount.split("@")[0])
        .sort(),
    ).toEqual(["preview-platform"]);
  });

  it.each(STACKS)("%s: tokens outside the approved path get nothing", (stack) => {
    for (const token of [
      "platform-deploy-prod-feature-branch",
      "platform-pull-request-target",
      "platform-workflow-run",
      "platform-issue-comment",
      "platform-issue-comment-prod-environment",
      "platform-repository-dispatch",
      "fork-own-workflow",
      "other-repository-same-organization",
      "repository-recreated-same-name",
      "other-organization-same-names",
      "payments-api-pull-request",
    ]) {
      expect(allowed(stack, token), `${stack}: ${token}`).toEqual([]);
    }
  });

  it("product teams deploy only to their own project, only in prod from their prod environment", () => {
    expect(allowed("prod", "payments-api-deploy-prod")).toEqual(["deploy-payments-api"]);
    expect(allowed("dev", "payments-api-deploy-prod")).toEqual([]);
    expect(allowed("staging", "payments-api-deploy-prod")).toEqual([]);
  });

  it.each([
    "platform-pull-request-target",
    "platform-issue-comment",
    "platform-issue-comment-prod-environment",
    "platform-repository-dispatch",
  ])("explains the refusal of %s by the clause that failed", (token) => {
    const decisions = simulateAccess(resources.get("prod")!, claims(token));
    // The refusal covers the platform's own identities, which these tokens would otherwise reach.
    expect(decisions.map((decision) => decision.serviceAccount.split("@")[0])).toEqual(
      expect.arrayContaining(["deploy-platform", "preview-platform"]),
    );
    for (const decision of decisions) {
      expect(decision.allowed).toBe(false);
      expect(decision.refusedAt).toBe("condition");
      expect(decision.refusedClause).toBe(
        'assertion.event_name in ["push", "pull_request", "workflow_dispatch", "schedule"]',
      );
    }
  });
});
