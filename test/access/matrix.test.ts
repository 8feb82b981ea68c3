import { readFileSync, writeFileSync } from "node:fs";
import { beforeAll, describe, expect, test } from "vitest";
import { simulateAccess } from "../../tools/access/simulate";
import type { PlannedResource } from "../../tools/plan/model";
import { runExample, typeScriptBlocks } from "../helpers/readme-example";
import {
  allowedAccounts,
  fixtureNames,
  loadClaims,
  renderMatrix,
  SCENARIOS,
  STACKS,
  shortReason,
} from "./matrix";

const README = "components/ci-identity/README.md";
const START = "<!-- access-matrix:start -->";
const END = "<!-- access-matrix:end -->";

const PREVIEW = ["preview-platform"];
const NONE: string[] = [];
/**
 * Who each token may impersonate in the dev, staging and prod stacks of the README example,
 * written by hand from the trust rules (not from a run of the simulator): a pull request of the
 * platform repository, and any allowed event on its main branch, reach the preview identity; only a
 * `push` job on main in a stack's own GitHub environment reaches that stack's deploy identity; a
 * product team's deploy identity exists in prod only; any other event, repository, organization
 * or re-created repository (new id) reaches nothing.
 */
const EXPECTED_ACCESS: Record<string, [dev: string[], staging: string[], prod: string[]]> = {
  "platform-pull-request": [PREVIEW, PREVIEW, PREVIEW],
  "platform-push-main": [PREVIEW, PREVIEW, PREVIEW],
  "platform-push-main-immutable-sub": [PREVIEW, PREVIEW, PREVIEW],
  "platform-deploy-dev": [["deploy-platform", "preview-platform"], PREVIEW, PREVIEW],
  "platform-deploy-staging": [PREVIEW, ["deploy-platform", "preview-platform"], PREVIEW],
  "platform-deploy-prod": [PREVIEW, PREVIEW, ["deploy-platform", "preview-platform"]],
  "platform-deploy-prod-immutable-sub": [PREVIEW, PREVIEW, ["deploy-platform", "preview-platform"]],
  "platform-deploy-prod-feature-branch": [NONE, NONE, NONE],
  "platform-pull-request-target": [NONE, NONE, NONE],
  "platform-workflow-run": [NONE, NONE, NONE],
  "platform-schedule-drift": [PREVIEW, PREVIEW, PREVIEW],
  "platform-workflow-dispatch": [PREVIEW, PREVIEW, PREVIEW],
  "platform-issue-comment": [NONE, NONE, NONE],
  "platform-issue-comment-prod-environment": [NONE, NONE, NONE],
  "platform-repository-dispatch": [NONE, NONE, NONE],
  "fork-pull-request-with-write-tokens": [PREVIEW, PREVIEW, PREVIEW],
  "fork-own-workflow": [NONE, NONE, NONE],
  "other-repository-same-organization": [NONE, NONE, NONE],
  "repository-recreated-same-name": [NONE, NONE, NONE],
  "other-organization-same-names": [NONE, NONE, NONE],
  "payments-api-deploy-prod": [NONE, NONE, ["deploy-payments-api"]],
  "payments-api-pull-request": [NONE, NONE, NONE],
};

const EVENTS =
  'condition: `assertion.event_name in ["push", "pull_request", "workflow_dispatch", "schedule"]`';
const OWNER = 'condition: `assertion.repository_owner_id == "81234567"`';
const REPOSITORY = 'condition: `assertion.repository_id in ["612345678", "623456789"]`';
const NO_BINDING = "condition passes; no binding matches";
/**
 * Why the prod stack decides as it does, written by hand: pull requests match the preview binding on
 * `repository_event` (<id>/pull_request), main's events its binding on `repository_ref`
 * (<id>/refs/heads/main), a prod deploy job also the deploy binding on `deploy_target`; the pool's
 * condition refuses other events first, then other owners (owner id 81234567), then repositories
 * other than platform (612345678) and payments-api (623456789); what passes it and matches no
 * binding says so.
 */
const EXPECTED_PROD_REASON: Record<string, string> = {
  "platform-pull-request": "matches `repository_event`",
  "platform-push-main": "matches `repository_ref`",
  "platform-push-main-immutable-sub": "matches `repository_ref`",
  "platform-deploy-dev": "matches `repository_ref`",
  "platform-deploy-staging": "matches `repository_ref`",
  "platform-deploy-prod": "matches `deploy_target`, `repository_ref`",
  "platform-deploy-prod-immutable-sub": "matches `deploy_target`, `repository_ref`",
  "platform-deploy-prod-feature-branch": NO_BINDING,
  "platform-pull-request-target": EVENTS,
  "platform-workflow-run": EVENTS,
  "platform-schedule-drift": "matches `repository_ref`",
  "platform-workflow-dispatch": "matches `repository_ref`",
  "platform-issue-comment": EVENTS,
  "platform-issue-comment-prod-environment": EVENTS,
  "platform-repository-dispatch": EVENTS,
  "fork-pull-request-with-write-tokens": "matches `repository_event`",
  "fork-own-workflow": OWNER,
  "other-repository-same-organization": REPOSITORY,
  "repository-recreated-same-name": REPOSITORY,
  "other-organization-same-names": OWNER,
  "payments-api-deploy-prod": "matches `deploy_target`",
  "payments-api-pull-request": NO_BINDING,
};

describe("the README's access matrix", () => {
  const resourcesByStack: Record<string, PlannedResource[]> = {};

  beforeAll(async () => {
    const [example] = typeScriptBlocks(readFileSync(README, "utf8"));
    for (const stack of STACKS) resourcesByStack[stack] = (await runExample(example, { stack })).resources;
  });

  test("describes every claims fixture, and only those", () => {
    expect(Object.keys(SCENARIOS).sort()).toEqual(fixtureNames().sort());
  });

  test("the simulator grants exactly the hand-written matrix", () => {
    expect(Object.keys(EXPECTED_ACCESS).sort()).toEqual(fixtureNames().sort());
    for (const [token, expected] of Object.entries(EXPECTED_ACCESS)) {
      const actual = STACKS.map((stack) =>
        allowedAccounts(simulateAccess(resourcesByStack[stack], loadClaims(token))),
      );
      expect(actual, token).toEqual(expected);
    }
  });

  test("the README shows the hand-written matrix", () => {
    const readme = readFileSync(README, "utf8");
    const rows = tableCells(readme.slice(readme.indexOf(START) + START.length, readme.indexOf(END))).slice(2);
    const shown = Object.fromEntries(
      rows.map((cells) => [
        cells[0].replace(/`/g, ""),
        cells.slice(2, 2 + STACKS.length).map((cell) => (cell === "none" ? [] : cell.split(", "))),
      ]),
    );
    expect(shown).toEqual(EXPECTED_ACCESS);
  });

  test("the simulator explains each prod decision with the hand-written reason", () => {
    const reasons = Object.fromEntries(
      fixtureNames().map((token) => [
        token,
        shortReason(simulateAccess(resourcesByStack.prod, loadClaims(token))),
      ]),
    );
    expect(reasons).toEqual(EXPECTED_PROD_REASON);
  });

  test("the README shows the hand-written reasons", () => {
    const readme = readFileSync(README, "utf8");
    const rows = tableCells(readme.slice(readme.indexOf(START) + START.length, readme.indexOf(END))).slice(2);
    const shown = Object.fromEntries(
      rows.map((cells) => [cells[0].replace(/`/g, ""), cells[5].replace(/\\\|/g, "|")]),
    );
    expect(shown).toEqual(EXPECTED_PROD_REASON);
  });

  test("its reasons column is what the simulator reports (regenerate with UPDATE_ACCESS_MATRIX=1)", () => {
    const readme = readFileSync(README, "utf8");
    const start = readme.indexOf(START);
    const end = readme.indexOf(END);
    // Exactly one pair of markers, in order (their offsets move with the prose around them).
    expect(readme.split(START)).toHaveLength(2);
    expect(readme.split(END)).toHaveLength(2);
    expect(end).toBeGreaterThan(start);
    const expected = renderMatrix(resourcesByStack);
    const updated = `${readme.slice(0, start + START.length)}\n${expected}\n${readme.slice(end)}`;
    if (process.env.UPDATE_ACCESS_MATRIX === "1") writeFileSync(README, updated);
    // Compared cell by cell: the formatter pads Markdown tables.
    expect(tableCells(readme.slice(start + START.length, end))).toEqual(tableCells(expected));
  });
});

/** The cells of a Markdown table, trimmed; separator rows reduced to their column count. */
function tableCells(table: string): string[][] {
  return table
    .trim()
    .split("\n")
    .map((line) =>
      line
        .trim()
        .replace(/^\||\|$/g, "")
        .split(/(?<!\\)\|/)
        .map((cell) => cell.trim().replace(/^-+$/, "---")),
    );
}
