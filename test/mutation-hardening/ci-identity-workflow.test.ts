/**
 * The deploy workflow pin: which workflow files a deploy identity may name, the message for the
 * rest, and the `job_workflow_ref` value GitHub writes for a job of that file. Expected values are
 * GitHub's formats, written out by hand.
 */
import { describe, expect, it, test } from "vitest";
import {
  ArgumentChecks,
  DEFAULT_DEPLOY_WORKFLOW,
  jobWorkflowRef,
  WORKFLOW_PATH,
} from "../../components/ci-identity/claims";

const WORKFLOW_EXPECTATION =
  'a workflow file of the repository, like ".github/workflows/deploy.yml" (no wildcard, no "..")';

function problemsOf(value: unknown): string[] {
  const checks = new ArgumentChecks();
  checks.workflowPath("deployWorkflow", value);
  return checks.problems;
}

describe("the deploy workflow file", () => {
  test("defaults to deploy.yml of the repository's workflows", () => {
    expect(DEFAULT_DEPLOY_WORKFLOW).toBe(".github/workflows/deploy.yml");
    expect(problemsOf(DEFAULT_DEPLOY_WORKFLOW)).toEqual([]);
  });

  it.each([
    ".github/workflows/deploy.yml",
    ".github/workflows/release.yaml",
    ".github/workflows/a.yml",
    ".github/workflows/_x.yml",
    ".github/workflows/-x.yml",
    ".github/workflows/Deploy_Prod-2.eu.yml",
    // 1 + 99 characters before the extension: the longest name accepted.
    `.github/workflows/a${"b".repeat(99)}.yml`,
  ])("%s is accepted", (path) => {
    expect(WORKFLOW_PATH.test(path)).toBe(true);
    expect(problemsOf(path)).toEqual([]);
  });

  it.each([
    `.github/workflows/a${"b".repeat(100)}.yml`,
    ".github/workflows/.hidden.yml",
    ".github/workflows/.yml",
    ".github/workflows/deploy.json",
    ".github/workflows/deploy.yml.bak",
    ".github/workflows/deploy.ymlx",
    ".github/workflows/deploy.yml\n",
    ".github/workflows/deploy.yml:refs/heads/main",
    ".github/workflows/sub/deploy.yml",
    ".github/workflows/../deploy.yml",
    ".github/workflows/*.yml",
    ".github/workflows/de ploy.yml",
    "x.github/workflows/deploy.yml",
    "other/.github/workflows/deploy.yml",
    "github/workflows/deploy.yml",
    "deploy.yml",
    "",
  ])("%j is refused with the argument, the expectation and what was found", (path) => {
    expect(WORKFLOW_PATH.test(path)).toBe(false);
    expect(problemsOf(path)).toEqual([
      `deployWorkflow: expected ${WORKFLOW_EXPECTATION}, found ${JSON.stringify(path)}`,
    ]);
  });

  it.each([
    [[".github/workflows/deploy.yml"], "a list of 1"],
    [7, "number 7"],
    [undefined, "nothing"],
  ])("%j is not a string: refused even when its text would pass", (value, found) => {
    expect(problemsOf(value)).toEqual([`deployWorkflow: expected ${WORKFLOW_EXPECTATION}, found ${found}`]);
  });
});

describe("jobWorkflowRef", () => {
  test("organization/repository/workflow@ref, as GitHub writes job_workflow_ref", () => {
    expect(jobWorkflowRef("acme-corp", "platform", ".github/workflows/deploy.yml", "refs/heads/main")).toBe(
      "acme-corp/platform/.github/workflows/deploy.yml@refs/heads/main",
    );
    expect(
      jobWorkflowRef("o", "payments-api", ".github/workflows/release.yaml", "refs/heads/release/1"),
    ).toBe("o/payments-api/.github/workflows/release.yaml@refs/heads/release/1");
  });
});
