import { run } from "@bufbuild/cel";
import { describe, expect, it, test } from "vitest";
import {
  ArgumentChecks,
  accountId,
  CiIdentityArgumentError,
  DEFAULT_DEPLOY_REF,
  DEPLOY_EVENT,
  deployAttributeValue,
  expectedDeployClaims,
  expectedPreviewClaims,
  GITHUB_ISSUER,
  GOOGLE_SUBJECT_MAX_BYTES,
  githubAttributeMapping,
  previewAttributeValues,
  principalSet,
} from "../../components/ci-identity/claims";

const NUMERIC_EXPECTATION =
  'the numeric repository id as a string, like "123456789" (names can be re-registered by someone else; ids cannot)';
const REF_EXPECTATION = 'a full branch ref, like "refs/heads/main" (no wildcard)';
const ENVIRONMENT_EXPECTATION = "a GitHub environment name of letters, digits, '.', '_' or '-' (no wildcard)";
const REPOSITORY_EXPECTATION = 'a repository name without its owner, like "platform" (no wildcard)';
const ORGANIZATION_EXPECTATION = 'a GitHub organization login, like "acme-corp" (no wildcard)';

function problemsOf(check: (checks: ArgumentChecks) => void): string[] {
  const checks = new ArgumentChecks();
  check(checks);
  return checks.problems;
}

describe("constants Google and GitHub define", () => {
  test("issuer, subject limit, deploy event and ref", () => {
    expect(GITHUB_ISSUER).toBe("https://token.actions.githubusercontent.com");
    expect(GOOGLE_SUBJECT_MAX_BYTES).toBe(127);
    expect(DEPLOY_EVENT).toBe("push");
    expect(DEFAULT_DEPLOY_REF).toBe("refs/heads/main");
  });
});

describe("attribute mapping evaluated by CEL", () => {
  const mapping = githubAttributeMapping();
  const assertion = {
    repository_id: "612345678",
    repository_owner_id: "81234567",
    run_id: "9000000001",
    run_attempt: "2",
    ref: "refs/heads/main",
    event_name: "push",
    environment: "prod",
    job_workflow_ref: "acme-corp/platform/.github/workflows/deploy.yml@refs/heads/main",
  };
  const evaluate = (key: string) => run(mapping[key], { assertion });

  test("each attribute's value for one push job in prod", () => {
    expect(evaluate("google.subject")).toBe("612345678/9000000001/2");
    expect(evaluate("attribute.repository_id")).toBe("612345678");
    expect(evaluate("attribute.repository_owner_id")).toBe("81234567");
    expect(evaluate("attribute.ref")).toBe("refs/heads/main");
    expect(evaluate("attribute.event_name")).toBe("push");
    expect(evaluate("attribute.environment")).toBe("prod");
    expect(evaluate("attribute.job_workflow_ref")).toBe(
      "acme-corp/platform/.github/workflows/deploy.yml@refs/heads/main",
    );
    expect(evaluate("attribute.repository_event")).toBe("612345678/push");
    expect(evaluate("attribute.repository_ref")).toBe("612345678/refs/heads/main");
    expect(evaluate("attribute.deploy_target")).toBe(
      "612345678/prod/push/refs/heads/main:acme-corp/platform/.github/workflows/deploy.yml@refs/heads/main",
    );
  });
});

describe("principal sets and the values bound to them", () => {
  const pool = "projects/123456789012/locations/global/workloadIdentityPools/github";

  test("principalSet", () => {
    expect(principalSet(pool, "repository_event", "612345678/pull_request")).toBe(
      "principalSet://iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/github/attribute.repository_event/612345678/pull_request",
    );
  });

  test("preview: pull requests of the repository, and its deploy branch (default and given)", () => {
    expect(previewAttributeValues("612345678")).toEqual([
      { attribute: "repository_event", value: "612345678/pull_request" },
      { attribute: "repository_ref", value: "612345678/refs/heads/main" },
    ]);
    expect(previewAttributeValues("612345678", "refs/heads/release")).toEqual([
      { attribute: "repository_event", value: "612345678/pull_request" },
      { attribute: "repository_ref", value: "612345678/refs/heads/release" },
    ]);
  });

  test("deploy: one environment, a push, the given branch, then the deploy workflow after a colon", () => {
    expect(
      deployAttributeValue(
        "612345678",
        "staging",
        "refs/heads/release",
        "acme-corp/platform/.github/workflows/release.yml@refs/heads/release",
      ),
    ).toEqual({
      attribute: "deploy_target",
      value:
        "612345678/staging/push/refs/heads/release:acme-corp/platform/.github/workflows/release.yml@refs/heads/release",
      resourceKey: "612345678/staging/refs/heads/release",
    });
  });
});

describe("the claims a job must present", () => {
  const allowedEvents = ["push", "pull_request", "workflow_dispatch", "schedule"];

  test("preview: a pull request, or any allowed event on the deploy branch", () => {
    const claims = expectedPreviewClaims("acme-corp/platform", "612345678", "81234567");
    expect(claims).toHaveLength(2);
    expect(claims[0]).toMatchObject({
      repository: "acme-corp/platform",
      repository_id: "612345678",
      repository_owner_id: "81234567",
      event_name: ["pull_request"],
      allowedEvents,
    });
    expect(claims[0].ref).toBeUndefined();
    expect(claims[1]).toMatchObject({
      repository: "acme-corp/platform",
      repository_id: "612345678",
      repository_owner_id: "81234567",
      event_name: allowedEvents,
      ref: "refs/heads/main",
      allowedEvents,
    });
    expect(
      expectedPreviewClaims("acme-corp/platform", "612345678", "81234567", "refs/heads/rel")[1].ref,
    ).toBe("refs/heads/rel");
  });

  test("deploy: a push in the environment on the deploy branch, from the deploy workflow", () => {
    expect(
      expectedDeployClaims(
        "acme-corp/platform",
        "612345678",
        "81234567",
        "prod",
        "refs/heads/main",
        "acme-corp/platform/.github/workflows/deploy.yml@refs/heads/main",
      ),
    ).toEqual({
      repository: "acme-corp/platform",
      repository_id: "612345678",
      repository_owner_id: "81234567",
      event_name: ["push"],
      ref: "refs/heads/main",
      environment: "prod",
      job_workflow_ref: "acme-corp/platform/.github/workflows/deploy.yml@refs/heads/main",
      allowedEvents,
    });
    const onRelease = expectedDeployClaims(
      "acme-corp/platform",
      "612345678",
      "81234567",
      "prod",
      "refs/heads/rel",
      "acme-corp/platform/.github/workflows/deploy.yml@refs/heads/rel",
    );
    expect(onRelease.ref).toBe("refs/heads/rel");
    expect(onRelease.job_workflow_ref).toBe("acme-corp/platform/.github/workflows/deploy.yml@refs/heads/rel");
  });
});

describe("ArgumentChecks: what each check accepts and the exact message for the rest", () => {
  it.each(["1", "612345678", "12345678901234567890"])("numeric id %s is accepted", (id) => {
    expect(problemsOf((c) => c.numericId("repository.id", id, "repository"))).toEqual([]);
  });

  it.each([
    ["0612345678", '"0612345678"'],
    ["0", '"0"'],
    ["123456789012345678901", '"123456789012345678901"'],
    ["61234567x", '"61234567x"'],
    ["x612345678", '"x612345678"'],
    ["acme-corp", '"acme-corp"'],
    ["", '""'],
    [612345678, "number 612345678"],
    [undefined, "nothing"],
    [[], "an empty list"],
    [["1", "2"], "a list of 2"],
    [{ id: 1 }, 'object {"id":1}'],
  ])("numeric id %j is refused, found %s", (id, found) => {
    expect(problemsOf((c) => c.numericId("repository.id", id, "repository"))).toEqual([
      `repository.id: expected ${NUMERIC_EXPECTATION}, found ${found}`,
    ]);
  });

  it.each(["prod", "Prod_2.eu-west", "a", "e".repeat(64)])("environment %s is accepted", (name) => {
    expect(problemsOf((c) => c.environment("deployEnvironment", name))).toEqual([]);
  });

  it.each(["", "prod/push", "prod*", "*", "e".repeat(65), "pr od", "prod\n", "\nprod", 3])(
    "environment %j is refused",
    (name) => {
      const found = typeof name === "string" ? JSON.stringify(name) : `number ${name}`;
      expect(problemsOf((c) => c.environment("deployEnvironment", name))).toEqual([
        `deployEnvironment: expected ${ENVIRONMENT_EXPECTATION}, found ${found}`,
      ]);
    },
  );

  it.each(["platform", "payments-api", "a.b_c", "r".repeat(100)])("repository %s is accepted", (name) => {
    expect(problemsOf((c) => c.repositoryName("repository.name", name))).toEqual([]);
  });

  it.each(["", "acme-corp/platform", "plat*", "r".repeat(101), "x platform", "platform ", 7])(
    "repository %j is refused",
    (name) => {
      const found = typeof name === "string" ? JSON.stringify(name) : `number ${name}`;
      expect(problemsOf((c) => c.repositoryName("repository.name", name))).toEqual([
        `repository.name: expected ${REPOSITORY_EXPECTATION}, found ${found}`,
      ]);
    },
  );

  it.each(["acme-corp", "a", "A9", `a${"b".repeat(37)}c`])("organization %s is accepted", (name) => {
    expect(problemsOf((c) => c.organizationName("github.name", name))).toEqual([]);
  });

  it.each(["", "-acme", "acme-", "acme_corp", "acme.corp", `a${"b".repeat(38)}c`, "acme*", " acme", "acme "])(
    "organization %j is refused",
    (name) => {
      expect(problemsOf((c) => c.organizationName("github.name", name))).toEqual([
        `github.name: expected ${ORGANIZATION_EXPECTATION}, found ${JSON.stringify(name)}`,
      ]);
    },
  );

  it.each(["refs/heads/main", "refs/heads/release/2024.1", "refs/heads/a", `refs/heads/${"b".repeat(200)}`])(
    "deployRef %s is accepted",
    (ref) => {
      expect(problemsOf((c) => c.ref("deployRef", ref))).toEqual([]);
    },
  );

  it.each([
    "main",
    "refs/tags/v1",
    "refs/pull/42/merge",
    "refs/heads/",
    "refs/heads/*",
    "refs/heads/release*",
    "refs/heads/ma in",
    `refs/heads/${"b".repeat(201)}`,
    "xrefs/heads/main",
    "refs/heads/main\n",
    "refs/heads/main:x",
  ])("deployRef %j is refused", (ref) => {
    expect(problemsOf((c) => c.ref("deployRef", ref))).toEqual([
      `deployRef: expected ${REF_EXPECTATION}, found ${JSON.stringify(ref)}`,
    ]);
  });

  test("values that are not strings are refused even when their text would pass", () => {
    expect(problemsOf((c) => c.organizationName("github.name", 42))).toEqual([
      `github.name: expected ${ORGANIZATION_EXPECTATION}, found number 42`,
    ]);
    expect(problemsOf((c) => c.ref("deployRef", ["refs/heads/main"]))).toEqual([
      `deployRef: expected ${REF_EXPECTATION}, found a list of 1`,
    ]);
    expect(problemsOf((c) => c.environment("deployEnvironment", ["prod"]))).toEqual([
      `deployEnvironment: expected ${ENVIRONMENT_EXPECTATION}, found a list of 1`,
    ]);
    expect(problemsOf((c) => c.repositoryName("repository.name", ["platform"]))).toEqual([
      `repository.name: expected ${REPOSITORY_EXPECTATION}, found a list of 1`,
    ]);
    expect(problemsOf((c) => c.numericId("repository.id", [612345678], "repository"))).toEqual([
      `repository.id: expected ${NUMERIC_EXPECTATION}, found a list of 1`,
    ]);
  });

  test("expect() records only failed checks, in order; throwIfAny throws them all in one error", () => {
    const checks = new ArgumentChecks();
    checks.expect(true, "a", "anything", 1);
    expect(() => checks.throwIfAny('CiIdentity "ci"')).not.toThrow();
    checks.expect(false, "b", "a thing", "x");
    checks.numericId("c", "abc", "organization");
    expect(checks.problems).toEqual([
      'b: expected a thing, found "x"',
      'c: expected the numeric organization id as a string, like "123456789" (names can be re-registered by someone else; ids cannot), found "abc"',
    ]);
    let thrown: unknown;
    try {
      checks.throwIfAny('CiIdentity "ci"');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(CiIdentityArgumentError);
    expect((thrown as Error).name).toBe("CiIdentityArgumentError");
    expect((thrown as Error).message).toBe(`CiIdentity "ci": ${checks.problems.join("; ")}`);
  });
});

describe("accountId", () => {
  const hash = (text: string) => `h${text.length}xxxxxxxxxx`;

  test("slugs the name: lower case, runs of other characters become one dash, no dash at either end", () => {
    expect(accountId("deploy", "--Payments__API!!", hash)).toBe("deploy-payments-api");
    expect(accountId("deploy", "a--b", hash)).toBe("deploy-a-b");
    expect(accountId("deploy", "-ab-", hash)).toBe("deploy-ab");
  });

  test("6 and 30 characters are kept as they are; 5 and 31 are not", () => {
    expect(accountId("abc", "de", hash)).toBe("abc-de"); // 6
    expect(accountId("deploy", "x".repeat(23), hash)).toBe(`deploy-${"x".repeat(23)}`); // 30
    // 5 characters: too short for a service account id, so the hash pads it.
    expect(accountId("ab", "cd", hash)).toBe("ab-cd-h2xxxx");
    // 31 characters: shortened to 30 (room for the slug: 30 - 6 - 6 - 2 = 16) with six characters of the hash.
    expect(accountId("deploy", "x".repeat(24), hash)).toBe(`deploy-${"x".repeat(16)}-h24xxx`);
  });

  test("a shortened slug never ends with a dash before the suffix", () => {
    // room = 30 - 6 - 6 - 2 = 16: the cut falls right after "-" in "aaaaaaaaaaaaaaa-b..."
    expect(accountId("deploy", `${"a".repeat(15)}-${"b".repeat(20)}`, hash)).toBe(
      `deploy-${"a".repeat(15)}-h36xxx`,
    );
  });
});
