/**
 * The access simulator on a hand-built plan: two pools, bindings with and without the
 * workloadIdentityUser role, every member kind, and each stage that can refuse a token. Every
 * expected decision is written out here, not taken from a run of the simulator.
 */
import { describe, expect, it } from "vitest";
import {
  conditionClauses,
  evaluateProvider,
  parseMember,
  simulateAccess,
  type TokenClaims,
} from "../../tools/access/simulate";
import type { PlannedResource } from "../../tools/plan/model";
import { plannedResource } from "../helpers/planned-resource";

const ISSUER = "https://token.actions.githubusercontent.com";
const POOL_PATH = (pool: string) =>
  `iam.googleapis.com/projects/123/locations/global/workloadIdentityPools/${pool}`;
const set = (pool: string, rest: string) => `principalSet://${POOL_PATH(pool)}/${rest}`;

const resource = plannedResource;

const PROVIDER = "gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider";
const MEMBER = "gcp:serviceaccount/iAMMember:IAMMember";
const ACCOUNT = "gcp:serviceaccount/account:Account";
const GITHUB_URN = `urn:pulumi:prod::platform::${PROVIDER}::github`;
const PARTNER_URN = `urn:pulumi:prod::platform::${PROVIDER}::partner`;
const DEPLOY_URN = `urn:pulumi:prod::platform::${ACCOUNT}::deploy`;

const provider = (name: string, inputs: Record<string, unknown>) => resource(PROVIDER, name, inputs);
const grant = (name: string, account: string, member: string, role = "roles/iam.workloadIdentityUser") =>
  resource(MEMBER, name, { serviceAccountId: `projects/p/serviceAccounts/${account}`, role, member });

const githubProvider = provider("github", {
  workloadIdentityPoolId: "github",
  oidc: { issuerUri: ISSUER },
  attributeMapping: {
    "google.subject": 'assertion.repository_id + "/" + assertion.run_id',
    "attribute.repository_id": "assertion.repository_id",
    "attribute.event": "assertion.event_name",
  },
  attributeCondition:
    'assertion.repository_owner_id == "1" && assertion.event_name in ["push", "pull_request"]',
});
const partnerProvider = provider("partner", {
  workloadIdentityPoolId: "partner",
  oidc: { issuerUri: ISSUER },
  attributeMapping: { "google.subject": "assertion.sub" },
});

const M42 = set("github", "attribute.repository_id/42");
const M_PR = set("github", "attribute.event/pull_request");
const M99 = set("github", "attribute.repository_id/99");
const M_ALL = set("partner", "*");
const SUBJECT = `principal://${POOL_PATH("partner")}/subject/repo:acme/platform:ref:refs/heads/main`;

const plan: PlannedResource[] = [
  githubProvider,
  partnerProvider,
  resource(ACCOUNT, "deploy", { accountId: "deploy", project: "p" }),
  resource(ACCOUNT, "no-project", { accountId: "nobody" }),
  grant("deploy-42", "deploy@p.iam.gserviceaccount.com", M42),
  grant("deploy-pr", "deploy@p.iam.gserviceaccount.com", M_PR),
  // Other roles on the same principal set: Google checks the permission, not the role's name, so
  // Token Creator (getAccessToken...) impersonates too, and Service Account User (actAs) acts as it.
  grant("token-creator", "other@p.iam.gserviceaccount.com", M42, "roles/iam.serviceAccountTokenCreator"),
  grant("viewer", "other@p.iam.gserviceaccount.com", M42, "roles/iam.serviceAccountUser"),
  grant("nobody-99", "nobody@p.iam.gserviceaccount.com", M99),
  grant("partner-all", "partner@q.iam.gserviceaccount.com", M_ALL),
  // Bound by e-mail instead of resource name: the e-mail is the id's last segment.
  resource(MEMBER, "plain-id", {
    serviceAccountId: "plain@p.iam.gserviceaccount.com",
    role: "roles/iam.workloadIdentityUser",
    member: SUBJECT,
  }),
];

const claims: TokenClaims = {
  iss: ISSUER,
  repository_id: "42",
  repository_owner_id: "1",
  run_id: "7",
  event_name: "push",
  sub: "repo:acme/platform:ref:refs/heads/main",
};
const githubAttributes = {
  "google.subject": "42/7",
  "attribute.repository_id": "42",
  "attribute.event": "push",
};
const partnerAttributes = { "google.subject": "repo:acme/platform:ref:refs/heads/main" };

// The impersonation permissions each predefined role holds (Google's role data, policies/data/gcp-iam).
const WORKLOAD_IDENTITY_USER =
  "roles/iam.workloadIdentityUser on the service account, holds iam.serviceAccounts.getAccessToken, iam.serviceAccounts.getOpenIdToken";
const TOKEN_CREATOR =
  "roles/iam.serviceAccountTokenCreator on the service account, holds iam.serviceAccounts.getAccessToken, iam.serviceAccounts.getOpenIdToken, iam.serviceAccounts.implicitDelegation, iam.serviceAccounts.signBlob, iam.serviceAccounts.signJwt";
const SERVICE_ACCOUNT_USER =
  "roles/iam.serviceAccountUser on the service account, holds iam.serviceAccounts.actAs";

describe("simulateAccess over two pools", () => {
  it("decides per service account and provider; every role holding an impersonation permission counts", () => {
    expect(simulateAccess(plan, claims)).toEqual([
      {
        serviceAccount: "deploy@p.iam.gserviceaccount.com",
        serviceAccountUrn: DEPLOY_URN,
        provider: GITHUB_URN,
        members: [M42, M_PR],
        allowed: true,
        reason: `granted by ${M42} (${WORKLOAD_IDENTITY_USER})`,
        matchedMembers: [M42],
        attributes: githubAttributes,
      },
      {
        serviceAccount: "nobody@p.iam.gserviceaccount.com",
        serviceAccountUrn: undefined,
        provider: GITHUB_URN,
        members: [M99],
        allowed: false,
        reason:
          'no member matches: the token maps attribute.repository_id="42"; the bindings expect repository_id="99"',
        refusedAt: "binding",
        matchedMembers: [],
        attributes: githubAttributes,
      },
      {
        serviceAccount: "other@p.iam.gserviceaccount.com",
        serviceAccountUrn: undefined,
        provider: GITHUB_URN,
        members: [M42],
        allowed: true,
        reason: `granted by ${M42} (${TOKEN_CREATOR}); ${M42} (${SERVICE_ACCOUNT_USER})`,
        matchedMembers: [M42],
        attributes: githubAttributes,
      },
      {
        serviceAccount: "partner@q.iam.gserviceaccount.com",
        serviceAccountUrn: undefined,
        provider: PARTNER_URN,
        members: [M_ALL],
        allowed: true,
        reason: `granted by ${M_ALL} (roles/iam.workloadIdentityUser on the service account, holds iam.serviceAccounts.getAccessToken, iam.serviceAccounts.getOpenIdToken)`,
        matchedMembers: [M_ALL],
        attributes: partnerAttributes,
      },
      {
        serviceAccount: "plain@p.iam.gserviceaccount.com",
        serviceAccountUrn: undefined,
        provider: PARTNER_URN,
        members: [SUBJECT],
        allowed: true,
        reason: `granted by ${SUBJECT} (${WORKLOAD_IDENTITY_USER})`,
        matchedMembers: [SUBJECT],
        attributes: partnerAttributes,
      },
    ]);
  });

  it("a pull request matches the event member; the subject member needs the exact subject", () => {
    const decisions = simulateAccess(plan, {
      ...claims,
      event_name: "pull_request",
      sub: "repo:acme/platform:pull_request",
    });
    expect(decisions.map((d) => [d.serviceAccount, d.allowed, d.matchedMembers])).toEqual([
      ["deploy@p.iam.gserviceaccount.com", true, [M42, M_PR]],
      ["nobody@p.iam.gserviceaccount.com", false, []],
      ["other@p.iam.gserviceaccount.com", true, [M42]],
      ["partner@q.iam.gserviceaccount.com", true, [M_ALL]],
      ["plain@p.iam.gserviceaccount.com", false, []],
    ]);
    expect(decisions[4].reason).toBe(
      `no member matches: the token maps no bound attribute; the bindings expect ${SUBJECT}`,
    );
  });

  it("one account bound in two pools gets one decision per provider, sorted by provider", () => {
    const both = [...plan, grant("deploy-partner", "deploy@p.iam.gserviceaccount.com", M_ALL)];
    expect(
      simulateAccess(both, claims)
        .filter((d) => d.serviceAccount.startsWith("deploy@"))
        .map((d) => [d.provider, d.allowed]),
    ).toEqual([
      [GITHUB_URN, true],
      [PARTNER_URN, true],
    ]);
  });

  it("a provider without bindings in its pool decides nothing; no provider, no decision", () => {
    expect(
      simulateAccess([githubProvider, grant("x", "x@p.iam.gserviceaccount.com", M_ALL)], claims),
    ).toEqual([]);
    expect(simulateAccess(plan.slice(2), claims)).toEqual([]);
  });

  it("a project-level grant of the role reaches every service account of that project, as IAM inheritance does", () => {
    const projectGrant = resource("gcp:projects/iAMMember:IAMMember", "project-wiu", {
      project: "p",
      role: "roles/iam.workloadIdentityUser",
      member: M42,
    });
    const decisions = simulateAccess([...plan, projectGrant], claims);
    // Accounts of project p: deploy, nobody, other and plain (named by their bindings or declared);
    // partner@q is in another project and keeps only its own grant.
    expect(decisions.map((d) => [d.serviceAccount, d.provider, d.allowed])).toEqual([
      ["deploy@p.iam.gserviceaccount.com", GITHUB_URN, true],
      ["nobody@p.iam.gserviceaccount.com", GITHUB_URN, true],
      ["other@p.iam.gserviceaccount.com", GITHUB_URN, true],
      ["partner@q.iam.gserviceaccount.com", PARTNER_URN, true],
      ["plain@p.iam.gserviceaccount.com", GITHUB_URN, true],
      ["plain@p.iam.gserviceaccount.com", PARTNER_URN, true],
    ]);
    expect(decisions[1]).toMatchObject({
      members: [M99, M42],
      matchedMembers: [M42],
      reason: `granted by ${M42} (roles/iam.workloadIdentityUser on project p, holds iam.serviceAccounts.getAccessToken, iam.serviceAccounts.getOpenIdToken)`,
    });
  });

  it("a project-level grant in another project reaches none of these accounts", () => {
    const elsewhere = resource("gcp:projects/iAMMember:IAMMember", "elsewhere-wiu", {
      project: "elsewhere",
      role: "roles/iam.workloadIdentityUser",
      member: M99,
    });
    expect(simulateAccess([...plan, elsewhere], claims)).toEqual(simulateAccess(plan, claims));
  });

  it("a provider without an OIDC issuer accepts no token", () => {
    const noIssuer = provider("github", {
      workloadIdentityPoolId: "github",
      attributeMapping: { "google.subject": "assertion.sub" },
    });
    const [decision] = simulateAccess(
      [noIssuer, grant("deploy-42", "deploy@p.iam.gserviceaccount.com", M42)],
      claims,
    );
    expect(decision).toMatchObject({
      allowed: false,
      refusedAt: "issuer",
      reason: `the token's issuer "${ISSUER}" is not the provider's `,
    });
  });

  it("the issuer is checked first", () => {
    const decisions = simulateAccess(plan, { ...claims, iss: "https://evil.example" });
    expect(decisions.map((d) => [d.allowed, d.refusedAt, d.reason, d.matchedMembers])).toEqual(
      Array.from({ length: 5 }, () => [
        false,
        "issuer",
        `the token's issuer "https://evil.example" is not the provider's ${ISSUER}`,
        [],
      ]),
    );
    expect(decisions[0].refusedClause).toBeUndefined();
    expect(decisions[0].attributes).toBeUndefined();
  });

  it("a false clause of the condition is named", () => {
    const [deploy] = simulateAccess(plan, { ...claims, repository_owner_id: "2" });
    expect(deploy).toEqual({
      serviceAccount: "deploy@p.iam.gserviceaccount.com",
      serviceAccountUrn: DEPLOY_URN,
      provider: GITHUB_URN,
      members: [M42, M_PR],
      allowed: false,
      reason: 'the attribute condition is false: clause `assertion.repository_owner_id == "1"` does not hold',
      refusedAt: "condition",
      refusedClause: 'assertion.repository_owner_id == "1"',
      matchedMembers: [],
    });
    const [workflowRun] = simulateAccess(plan, { ...claims, event_name: "workflow_run" });
    expect(workflowRun.refusedClause).toBe('assertion.event_name in ["push", "pull_request"]');
  });
});

describe("evaluateProvider", () => {
  const model = (mapping: Record<string, string>, condition?: string) => ({
    urn: "urn:p",
    poolId: "github",
    issuer: ISSUER,
    mapping,
    condition,
  });

  it("google.subject up to 127 bytes, counted in bytes", () => {
    const mapping = { "google.subject": "assertion.sub" };
    expect(evaluateProvider(model(mapping), { iss: ISSUER, sub: "a".repeat(127) })).toEqual({
      ok: true,
      attributes: { "google.subject": "a".repeat(127) },
      groups: [],
    });
    expect(evaluateProvider(model(mapping), { iss: ISSUER, sub: "a".repeat(128) })).toEqual({
      ok: false,
      stage: "mapping",
      reason: "google.subject is 128 bytes, over Google's 127",
    });
    // 64 two-byte characters: 64 characters but 128 bytes.
    expect(evaluateProvider(model(mapping), { iss: ISSUER, sub: "é".repeat(64) })).toEqual({
      ok: false,
      stage: "mapping",
      reason: "google.subject is 128 bytes, over Google's 127",
    });
  });

  it("a mapping without google.subject, or one that is not a string, or fails, is refused", () => {
    expect(evaluateProvider(model({ "attribute.a": "assertion.sub" }), { iss: ISSUER, sub: "s" })).toEqual({
      ok: false,
      stage: "mapping",
      reason: "the mapping has no google.subject",
    });
    expect(
      evaluateProvider(model({ "google.subject": "assertion.sub", "attribute.b": "1 == 1" }), {
        iss: ISSUER,
        sub: "s",
      }),
    ).toEqual({
      ok: false,
      stage: "mapping",
      reason: "mapping attribute.b = `1 == 1` gave a boolean, not a string or a list of strings",
    });
    const failed = evaluateProvider(model({ "google.subject": "assertion.missing" }), { iss: ISSUER });
    expect(failed).toMatchObject({ ok: false, stage: "mapping" });
    expect((failed as { reason: string }).reason).toMatch(
      /^mapping google\.subject = `assertion\.missing` failed: \S/,
    );
  });

  // google.groups and list-valued attributes: test/access/list-attributes.test.ts.
  it("the condition sees google.subject and attribute.*; an empty condition is none", () => {
    const mapping = { "google.subject": "assertion.sub", "attribute.repo": "assertion.repo" };
    const token = { iss: ISSUER, sub: "s1", repo: "r" };
    const allowed = { ok: true, attributes: { "google.subject": "s1", "attribute.repo": "r" }, groups: [] };
    expect(
      evaluateProvider(model(mapping, 'google.subject == "s1" && attribute.repo == "r"'), token),
    ).toEqual(allowed);
    expect(evaluateProvider(model(mapping, ""), token)).toEqual(allowed);
    expect(evaluateProvider(model(mapping, 'attribute.repo == "other"'), token)).toEqual({
      ok: false,
      stage: "condition",
      reason: 'the attribute condition is false: clause `attribute.repo == "other"` does not hold',
      clause: 'attribute.repo == "other"',
    });
  });

  it("a condition that fails to evaluate refuses the token and says so", () => {
    const result = evaluateProvider(model({ "google.subject": "assertion.sub" }, "assertion.missing == 1"), {
      iss: ISSUER,
      sub: "s",
    });
    expect(result).toMatchObject({ ok: false, stage: "condition", clause: "assertion.missing == 1" });
    expect((result as { reason: string }).reason).toMatch(
      /^the attribute condition failed \(.+\): clause `assertion\.missing == 1` does not hold$/,
    );
  });
});

describe("parseMember and conditionClauses", () => {
  it.each([
    [
      set("p1", "attribute.repo_id/42/x"),
      { poolId: "p1", kind: "attribute", attribute: "repo_id", value: "42/x" },
    ],
    [set("p1", "group/admins"), { poolId: "p1", kind: "group", value: "admins" }],
    [set("p1", "*"), { poolId: "p1", kind: "all" }],
    [`principal://${POOL_PATH("p2")}/subject/s/1`, { poolId: "p2", kind: "subject", value: "s/1" }],
    [`principal://${POOL_PATH("p2")}/group/admins`, undefined],
    [set("p1", "attribute.Repo/42"), undefined],
    [set("p1", "attribute.repo/"), undefined],
    [set("p1", "subject/x"), undefined],
    [`principalSet://iam.googleapis.com/projects/1/locations/eu/workloadIdentityPools/p/*`, undefined],
    [`principalSet://iam.googleapis.com/projects/1/2/locations/global/workloadIdentityPools/p/*`, undefined],
    [`principalSet://evil.example/projects/1/locations/global/workloadIdentityPools/p/*`, undefined],
    [`x${set("p1", "*")}`, undefined],
    ["serviceAccount:x@p.iam.gserviceaccount.com", undefined],
  ])("%s", (member, parsed) => {
    expect(parseMember(member)).toEqual(parsed);
  });

  it("conditionClauses of a single clause and of nested &&", () => {
    expect(conditionClauses('a == "1"')).toEqual(['a == "1"']);
    expect(conditionClauses('(a == "1" && b == "2") && c == "3"')).toEqual([
      'a == "1"',
      'b == "2"',
      'c == "3"',
    ]);
  });
});
