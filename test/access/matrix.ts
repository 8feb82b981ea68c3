import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { type AccessDecision, simulateAccess, type TokenClaims } from "../../tools/access/simulate";
import type { PlannedResource } from "../../tools/plan/model";

export const CLAIMS_DIR = path.join(__dirname, "claims");
export const STACKS = ["dev", "staging", "prod"] as const;

/** What each fixture in claims/ stands for (shown in the README's access matrix). */
export const SCENARIOS: Record<string, string> = {
  "platform-pull-request": "pull request from a branch of acme-corp/platform",
  "platform-push-main": "push to main of acme-corp/platform, no environment",
  "platform-push-main-immutable-sub":
    "same, with the immutable `sub` (`repo:acme-corp@81234567/platform@612345678:...`)",
  "platform-deploy-dev": "deploy job in environment `dev` on main",
  "platform-deploy-staging": "deploy job in environment `staging` on main",
  "platform-deploy-prod": "deploy job in environment `prod` on main",
  "platform-deploy-prod-immutable-sub": "same, with the immutable `sub`",
  "platform-deploy-prod-feature-branch": "job in environment `prod` on a feature branch",
  "platform-pull-request-target": "`pull_request_target` (base repo context, main's ref)",
  "platform-workflow-run": "`workflow_run` after a fork's pull request",
  "platform-schedule-drift": "`schedule` of the drift check on main, no environment",
  "platform-workflow-dispatch": "`workflow_dispatch` of the drift check on main, no environment",
  "platform-issue-comment": "`issue_comment` (main's workflow, started by any commenter), no environment",
  "platform-issue-comment-prod-environment": "`issue_comment` with a job in environment `prod`",
  "platform-repository-dispatch": "`repository_dispatch` (main's workflow, started through the API)",
  "fork-pull-request-with-write-tokens": "pull request from a fork, where write tokens are sent to fork PRs",
  "fork-own-workflow": "workflow running in a fork (mallory-dev/platform)",
  "other-repository-same-organization": "another repository of acme-corp, environment `prod`",
  "repository-recreated-same-name": "acme-corp/platform deleted and re-created (new id)",
  "other-organization-same-names": "another organization's `platform` repository",
  "payments-api-deploy-prod": "acme-corp/payments-api deploy job in environment `prod` on main",
  "payments-api-pull-request": "pull request of acme-corp/payments-api",
};

export function loadClaims(name: string): TokenClaims {
  return JSON.parse(readFileSync(path.join(CLAIMS_DIR, `${name}.json`), "utf8")) as TokenClaims;
}

export function fixtureNames(): string[] {
  return readdirSync(CLAIMS_DIR)
    .filter((file) => file.endsWith(".json"))
    .map((file) => file.replace(/\.json$/, ""));
}

/** The service accounts (local part of the email) a decision list allows. */
export function allowedAccounts(decisions: AccessDecision[]): string[] {
  return decisions
    .filter((decision) => decision.allowed)
    .map((decision) => decision.serviceAccount.split("@")[0]);
}

/** Why, in a few words: the attributes that matched, or the stage and clause that refused. */
export function shortReason(decisions: AccessDecision[]): string {
  const allowed = decisions.filter((decision) => decision.allowed);
  if (allowed.length > 0) {
    const attributes = allowed.flatMap((decision) =>
      decision.matchedMembers.map((member) => /attribute\.([a-z_]+)\//.exec(member)?.[1]),
    );
    return `matches ${[...new Set(attributes)].map((name) => `\`${name}\``).join(", ")}`;
  }
  const refused = decisions[0];
  if (!refused) return "no binding";
  if (refused.refusedAt === "condition") return `condition: \`${refused.refusedClause}\``;
  if (refused.refusedAt === "binding") return "condition passes; no binding matches";
  return refused.reason;
}

/** The README table: one row per fixture, one column per stack, and why (for the prod stack). */
export function renderMatrix(resourcesByStack: Record<string, PlannedResource[]>): string {
  const names = Object.keys(SCENARIOS);
  const lines = [
    `| Token (\`test/access/claims/\`) | What it is | ${STACKS.join(" | ")} | Why (prod stack) |`,
    `| --- | --- | ${STACKS.map(() => "---").join(" | ")} | --- |`,
  ];
  for (const name of names) {
    const claims = loadClaims(name);
    const cells = STACKS.map((stack) => {
      const accounts = allowedAccounts(simulateAccess(resourcesByStack[stack], claims));
      return accounts.length > 0 ? accounts.join(", ") : "none";
    });
    const why = shortReason(simulateAccess(resourcesByStack.prod, claims)).replace(/\|/g, "\\|");
    lines.push(`| \`${name}\` | ${SCENARIOS[name]} | ${cells.join(" | ")} | ${why} |`);
  }
  return lines.join("\n");
}
