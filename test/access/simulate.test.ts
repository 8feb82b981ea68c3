import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, test } from "vitest";
import { conditionClauses, parseMember, simulateAccess } from "../../tools/access/simulate";
import type { PlannedResource } from "../../tools/plan/model";
import { runExample, typeScriptBlocks } from "../helpers/readme-example";
import { allowedAccounts, loadClaims } from "./matrix";

let resources: PlannedResource[];

beforeAll(async () => {
  const [example] = typeScriptBlocks(readFileSync("components/ci-identity/README.md", "utf8"));
  resources = (await runExample(example, { stack: "prod" })).resources;
});

function decide(fixture: string, overrides: Record<string, unknown> = {}) {
  return simulateAccess(resources, { ...loadClaims(fixture), ...overrides });
}

/** Every identity the pool has a binding for, each refused at `stage`: the example's three accounts. */
function refusedEverywhereAt(stage: string): [string, string | undefined][] {
  return ["deploy-payments-api", "deploy-platform", "preview-platform"].map((account) => [account, stage]);
}

function refusals(decisions: ReturnType<typeof decide>): [string, string | undefined][] {
  return decisions.map((decision) => [decision.serviceAccount.split("@")[0], decision.refusedAt]);
}

describe("simulateAccess on the prod stack of the README example", () => {
  test("a pull request of the platform repository may preview, through the repository_event binding", () => {
    const decisions = decide("platform-pull-request");
    expect(allowedAccounts(decisions)).toEqual(["preview-platform"]);
    const preview = decisions.find((d) => d.allowed);
    expect(preview?.matchedMembers).toEqual([
      expect.stringMatching(/\/attribute\.repository_event\/612345678\/pull_request$/),
    ]);
    expect(preview?.serviceAccountUrn).toBe(
      "urn:pulumi:prod::platform::platform:ci:CiIdentity$gcp:serviceaccount/account:Account::ci-preview",
    );
    const deploy = decisions.find((d) => d.serviceAccount.startsWith("deploy-platform@"));
    expect(deploy).toMatchObject({ allowed: false, refusedAt: "binding" });
    expect(deploy?.reason).toBe(
      'no member matches: the token maps attribute.deploy_target="612345678//pull_request/refs/pull/42/merge:acme-corp/platform/.github/workflows/preview.yml@refs/pull/42/merge"; ' +
        'the bindings expect deploy_target="612345678/prod/push/refs/heads/main:acme-corp/platform/.github/workflows/deploy.yml@refs/heads/main"',
    );
  });

  test("a push to main may preview; the deploy job in prod may deploy and preview", () => {
    expect(allowedAccounts(decide("platform-push-main"))).toEqual(["preview-platform"]);
    expect(allowedAccounts(decide("platform-deploy-prod"))).toEqual(["deploy-platform", "preview-platform"]);
  });

  test("the deploy jobs of dev and staging do not reach the prod deploy identity", () => {
    expect(allowedAccounts(decide("platform-deploy-dev"))).toEqual(["preview-platform"]);
    expect(allowedAccounts(decide("platform-deploy-staging"))).toEqual(["preview-platform"]);
  });

  test("the drift check (schedule, workflow_dispatch) on main may preview only, through repository_ref", () => {
    for (const fixture of ["platform-schedule-drift", "platform-workflow-dispatch"]) {
      const decisions = decide(fixture);
      expect(allowedAccounts(decisions), fixture).toEqual(["preview-platform"]);
      expect(decisions.find((d) => d.allowed)?.matchedMembers).toEqual([
        expect.stringMatching(/\/attribute\.repository_ref\/612345678\/refs\/heads\/main$/),
      ]);
    }
  });

  test("only a push deploys: another allowed event in the prod environment on main gets preview only", () => {
    for (const event_name of ["workflow_dispatch", "schedule"]) {
      const decisions = decide("platform-deploy-prod", { event_name });
      expect(allowedAccounts(decisions), event_name).toEqual(["preview-platform"]);
      const deploy = decisions.find((d) => d.serviceAccount.startsWith("deploy-platform@"));
      expect(deploy?.reason).toBe(
        `no member matches: the token maps attribute.deploy_target="612345678/prod/${event_name}/refs/heads/main:acme-corp/platform/.github/workflows/deploy.yml@refs/heads/main"; ` +
          'the bindings expect deploy_target="612345678/prod/push/refs/heads/main:acme-corp/platform/.github/workflows/deploy.yml@refs/heads/main"',
      );
    }
    expect(allowedAccounts(decide("payments-api-deploy-prod", { event_name: "workflow_dispatch" }))).toEqual(
      [],
    );
  });

  test("every event outside the allow-list is refused by the condition, whatever the ref and environment", () => {
    for (const event_name of [
      "issue_comment",
      "issues",
      "discussion",
      "discussion_comment",
      "repository_dispatch",
      "check_run",
      "check_suite",
      "merge_group",
      "release",
      "workflow_call",
      "pull_request_target",
      "workflow_run",
      "",
    ]) {
      for (const fixture of ["platform-push-main", "platform-deploy-prod"]) {
        const decisions = decide(fixture, { event_name });
        expect(allowedAccounts(decisions), `${fixture} as ${event_name}`).toEqual([]);
        expect(refusals(decisions)).toEqual(refusedEverywhereAt("condition"));
      }
    }
    // No event_name claim at all: the mapping fails before the condition; nothing is granted.
    expect(allowedAccounts(decide("platform-deploy-prod", { event_name: undefined }))).toEqual([]);
  });

  test("a prod-environment job on another branch gets nothing", () => {
    const decisions = decide("platform-deploy-prod-feature-branch");
    expect(allowedAccounts(decisions)).toEqual([]);
    expect(refusals(decisions)).toEqual(refusedEverywhereAt("binding"));
  });

  test.each([
    [
      "platform-pull-request-target",
      'assertion.event_name in ["push", "pull_request", "workflow_dispatch", "schedule"]',
    ],
    [
      "platform-workflow-run",
      'assertion.event_name in ["push", "pull_request", "workflow_dispatch", "schedule"]',
    ],
    [
      "platform-issue-comment",
      'assertion.event_name in ["push", "pull_request", "workflow_dispatch", "schedule"]',
    ],
    [
      "platform-issue-comment-prod-environment",
      'assertion.event_name in ["push", "pull_request", "workflow_dispatch", "schedule"]',
    ],
    [
      "platform-repository-dispatch",
      'assertion.event_name in ["push", "pull_request", "workflow_dispatch", "schedule"]',
    ],
    ["fork-own-workflow", 'assertion.repository_owner_id == "81234567"'],
    ["other-organization-same-names", 'assertion.repository_owner_id == "81234567"'],
    ["other-repository-same-organization", 'assertion.repository_id in ["612345678", "623456789"]'],
    ["repository-recreated-same-name", 'assertion.repository_id in ["612345678", "623456789"]'],
  ])("%s is refused by the condition clause %s", (fixture, clause) => {
    const decisions = decide(fixture);
    expect(decisions.length).toBe(3);
    for (const decision of decisions) {
      expect(decision).toMatchObject({ allowed: false, refusedAt: "condition", refusedClause: clause });
      expect(decision.reason).toBe(`the attribute condition is false: clause \`${clause}\` does not hold`);
    }
  });

  test("a fork's pull request, if the organization sends it a token, carries the base repository's claims and may preview", () => {
    const claims = loadClaims("fork-pull-request-with-write-tokens");
    expect(claims).toMatchObject({
      repository: "acme-corp/platform",
      repository_id: "612345678",
      event_name: "pull_request",
    });
    expect(allowedAccounts(decide("fork-pull-request-with-write-tokens"))).toEqual(["preview-platform"]);
  });

  test("the immutable sub format changes nothing: no binding reads sub", () => {
    const immutable = loadClaims("platform-deploy-prod-immutable-sub");
    expect(immutable.sub).toBe("repo:acme-corp@81234567/platform@612345678:environment:prod");
    expect(allowedAccounts(decide("platform-deploy-prod-immutable-sub"))).toEqual(
      allowedAccounts(decide("platform-deploy-prod")),
    );
    expect(loadClaims("platform-push-main-immutable-sub").sub).toBe(
      "repo:acme-corp@81234567/platform@612345678:ref:refs/heads/main",
    );
    expect(allowedAccounts(decide("platform-push-main-immutable-sub"))).toEqual(["preview-platform"]);
  });

  test("a product repository deploys its own identity only, and only from its environment on main", () => {
    expect(allowedAccounts(decide("payments-api-deploy-prod"))).toEqual(["deploy-payments-api"]);
    expect(allowedAccounts(decide("payments-api-pull-request"))).toEqual([]);
    expect(allowedAccounts(decide("payments-api-deploy-prod", { ref: "refs/heads/release" }))).toEqual([]);
  });

  test("a token from another issuer, or a claim the mapping needs, is refused before the condition", () => {
    const issuer = decide("platform-deploy-prod", { iss: "https://gitlab.com" });
    expect(refusals(issuer)).toEqual(refusedEverywhereAt("issuer"));
    expect(issuer[0].reason).toBe(
      "the token's issuer \"https://gitlab.com\" is not the provider's https://token.actions.githubusercontent.com",
    );
    const missing = decide("platform-deploy-prod", { run_id: undefined });
    expect(missing[0].refusedAt).toBe("mapping");
    expect(missing[0].reason).toBe(
      'mapping google.subject = `assertion.repository_id + "/" + assertion.run_id + "/" + assertion.run_attempt` failed: field not found: run_id',
    );
  });

  test("an environment name with the separator cannot forge a deploy target", () => {
    // `prod/refs/heads/main` as an environment on a feature branch maps to a longer value, not the bound one.
    expect(
      allowedAccounts(decide("platform-deploy-prod-feature-branch", { environment: "prod/refs/heads/main" })),
    ).toEqual([]);
    // Nor can one smuggle the event in: `prod/push` as the environment of a workflow_dispatch on main.
    expect(
      allowedAccounts(
        decide("platform-deploy-prod", { environment: "prod/push", event_name: "workflow_dispatch" }),
      ),
    ).toEqual(["preview-platform"]);
  });
});

describe("helpers", () => {
  test("conditionClauses splits top-level && only", () => {
    expect(conditionClauses('a == "1" && (b || c) && !(d in ["x"])')).toEqual([
      'a == "1"',
      "b || c",
      '!(d in ["x"])',
    ]);
  });

  test("parseMember reads attribute, subject, group and wildcard members", () => {
    const pool = "iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/p";
    expect(parseMember(`principalSet://${pool}/attribute.deploy_target/1/prod/refs/heads/main`)).toEqual({
      poolId: "p",
      kind: "attribute",
      attribute: "deploy_target",
      value: "1/prod/refs/heads/main",
    });
    expect(parseMember(`principal://${pool}/subject/repo:a/b:ref:refs/heads/main`)).toEqual({
      poolId: "p",
      kind: "subject",
      value: "repo:a/b:ref:refs/heads/main",
    });
    expect(parseMember(`principalSet://${pool}/group/admins`)).toEqual({
      poolId: "p",
      kind: "group",
      value: "admins",
    });
    expect(parseMember(`principalSet://${pool}/*`)).toEqual({ poolId: "p", kind: "all" });
    expect(parseMember("serviceAccount:x@y.iam.gserviceaccount.com")).toBeUndefined();
  });

  test("a wildcard member, if a stack had one, lets every token through the condition in", () => {
    const member =
      "principalSet://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/github-actions/*";
    const widened = [
      ...resources,
      {
        urn: "urn:pulumi:prod::platform::gcp:serviceaccount/iAMMember:IAMMember::wide",
        type: "gcp:serviceaccount/iAMMember:IAMMember",
        name: "wide",
        parent: null,
        custom: true,
        protect: false,
        inputs: {
          role: "roles/iam.workloadIdentityUser",
          member,
          serviceAccountId: "projects/p/serviceAccounts/wide@p.iam.gserviceaccount.com",
        },
      },
    ];
    expect(
      allowedAccounts(simulateAccess(widened, loadClaims("platform-deploy-prod-feature-branch"))),
    ).toEqual(["wide"]);
  });
});
