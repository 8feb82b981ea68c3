/**
 * google.groups and custom attributes mapped to lists: CEL returns a list object, not a JS array,
 * and Google matches `principalSet://…/group/<g>` (and `…/attribute.<a>/<v>` of a list attribute)
 * when the mapped list holds the value. Expected decisions are written out by hand.
 */
import { describe, expect, it } from "vitest";
import { evaluateProvider, simulateAccess } from "../../tools/access/simulate";
import { plannedResource } from "../helpers/planned-resource";

const ISSUER = "https://token.example.com";
const POOL = "iam.googleapis.com/projects/123/locations/global/workloadIdentityPools/corp";
const PROVIDER_TYPE = "gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider";
const MEMBER_TYPE = "gcp:serviceaccount/iAMMember:IAMMember";
const PROVIDER_URN = `urn:pulumi:prod::platform::${PROVIDER_TYPE}::corp`;

const resource = plannedResource;

const provider = (mapping: Record<string, string>, condition?: string) =>
  resource(PROVIDER_TYPE, "corp", {
    workloadIdentityPoolId: "corp",
    oidc: { issuerUri: ISSUER },
    attributeMapping: mapping,
    ...(condition ? { attributeCondition: condition } : {}),
  });
const grant = (name: string, account: string, member: string) =>
  resource(MEMBER_TYPE, name, {
    serviceAccountId: `projects/p/serviceAccounts/${account}`,
    role: "roles/iam.workloadIdentityUser",
    member,
  });

const ADMINS = `principalSet://${POOL}/group/admins`;
const AUDITORS = `principalSet://${POOL}/group/auditors`;
const TEAM_PAYMENTS = `principalSet://${POOL}/attribute.teams/payments`;
const GROUPS_MAPPING = { "google.subject": "assertion.sub", "google.groups": "assertion.groups" };
const WIU =
  "roles/iam.workloadIdentityUser on the service account, holds iam.serviceAccounts.getAccessToken, iam.serviceAccounts.getOpenIdToken";

describe("google.groups", () => {
  const plan = [
    provider(GROUPS_MAPPING),
    grant("admin", "admin@p.iam.gserviceaccount.com", ADMINS),
    grant("audit", "audit@p.iam.gserviceaccount.com", AUDITORS),
  ];

  it("a group member matches when the mapped groups hold the group, and only then", () => {
    const decisions = simulateAccess(plan, { iss: ISSUER, sub: "alice", groups: ["devs", "admins"] });
    expect(decisions.map((d) => [d.serviceAccount, d.allowed, d.matchedMembers, d.reason])).toEqual([
      ["admin@p.iam.gserviceaccount.com", true, [ADMINS], `granted by ${ADMINS} (${WIU})`],
      [
        "audit@p.iam.gserviceaccount.com",
        false,
        [],
        `no member matches: the token maps no bound attribute; the bindings expect ${AUDITORS}`,
      ],
    ]);
  });

  it("group names are compared exactly; an empty list matches no group", () => {
    expect(
      simulateAccess(plan, { iss: ISSUER, sub: "bob", groups: ["Admins", "admins2", " admins"] }).map(
        (d) => d.allowed,
      ),
    ).toEqual([false, false]);
    expect(simulateAccess(plan, { iss: ISSUER, sub: "bob", groups: [] }).map((d) => d.allowed)).toEqual([
      false,
      false,
    ]);
  });

  it("groups computed by CEL (a concatenated list) are read too", () => {
    const concatenated = [
      provider({ "google.subject": "assertion.sub", "google.groups": 'assertion.groups + ["auditors"]' }),
      ...plan.slice(1),
    ];
    expect(
      simulateAccess(concatenated, { iss: ISSUER, sub: "carol", groups: ["admins"] }).map((d) => d.allowed),
    ).toEqual([true, true]);
  });

  it("the condition sees the groups as a list", () => {
    const model = {
      urn: PROVIDER_URN,
      poolId: "corp",
      issuer: ISSUER,
      mapping: GROUPS_MAPPING,
      condition: '"admins" in google.groups',
    };
    expect(evaluateProvider(model, { iss: ISSUER, sub: "alice", groups: ["admins"] })).toEqual({
      ok: true,
      attributes: { "google.subject": "alice" },
      groups: ["admins"],
    });
    expect(evaluateProvider(model, { iss: ISSUER, sub: "dave", groups: ["devs"] })).toEqual({
      ok: false,
      stage: "condition",
      reason: 'the attribute condition is false: clause `"admins" in google.groups` does not hold',
      clause: '"admins" in google.groups',
    });
  });

  it("groups that are not a list of strings refuse the mapping instead of silently matching nothing", () => {
    const model = { urn: PROVIDER_URN, poolId: "corp", issuer: ISSUER, mapping: GROUPS_MAPPING };
    expect(evaluateProvider(model, { iss: ISSUER, sub: "eve", groups: "admins" })).toEqual({
      ok: false,
      stage: "mapping",
      reason: "mapping google.groups = `assertion.groups` gave a string, not a list of strings",
    });
    expect(evaluateProvider(model, { iss: ISSUER, sub: "eve", groups: ["admins", 7] })).toEqual({
      ok: false,
      stage: "mapping",
      reason:
        "mapping google.groups = `assertion.groups` gave a list holding a number, not a list of strings",
    });
  });
});

describe("custom attributes mapped to a list", () => {
  const plan = [
    provider({ "google.subject": "assertion.sub", "attribute.teams": "assertion.teams" }),
    grant("payments", "payments@p.iam.gserviceaccount.com", TEAM_PAYMENTS),
  ];

  it("an attribute member matches when the list holds the value", () => {
    const [decision] = simulateAccess(plan, { iss: ISSUER, sub: "frank", teams: ["search", "payments"] });
    expect(decision).toEqual({
      serviceAccount: "payments@p.iam.gserviceaccount.com",
      serviceAccountUrn: undefined,
      provider: PROVIDER_URN,
      members: [TEAM_PAYMENTS],
      allowed: true,
      reason: `granted by ${TEAM_PAYMENTS} (${WIU})`,
      matchedMembers: [TEAM_PAYMENTS],
      attributes: { "google.subject": "frank", "attribute.teams": ["search", "payments"] },
    });
  });

  it("a list without the value is refused at the binding; a single string still matches as before", () => {
    const [refused] = simulateAccess(plan, { iss: ISSUER, sub: "grace", teams: ["search"] });
    expect(refused).toMatchObject({
      allowed: false,
      refusedAt: "binding",
      reason:
        'no member matches: the token maps attribute.teams=["search"]; the bindings expect teams="payments"',
    });
    const [single] = simulateAccess(plan, { iss: ISSUER, sub: "heidi", teams: "payments" });
    expect(single.allowed).toBe(true);
  });

  it("google.subject must stay a single string", () => {
    const model = {
      urn: PROVIDER_URN,
      poolId: "corp",
      issuer: ISSUER,
      mapping: { "google.subject": "assertion.subs" },
    };
    expect(evaluateProvider(model, { iss: ISSUER, subs: ["a", "b"] })).toEqual({
      ok: false,
      stage: "mapping",
      reason: "mapping google.subject = `assertion.subs` gave a list of strings, not a string",
    });
  });
});

describe("names from the stack that are Object.prototype members", () => {
  const TOKEN = { iss: ISSUER, sub: "ivan", groups: ["admins"] };

  it("a resource type named like one is not a grant and crashes nothing", () => {
    for (const type of ["constructor", "__proto__", "toString", "hasOwnProperty"]) {
      const plan = [
        provider(GROUPS_MAPPING),
        resource(type, "odd", {
          serviceAccountId: "projects/p/serviceAccounts/odd@p.iam.gserviceaccount.com",
          role: "roles/iam.workloadIdentityUser",
          member: ADMINS,
          project: "p",
        }),
      ];
      expect(simulateAccess(plan, TOKEN), type).toEqual([]);
    }
  });

  it("a role named like one is neither Google's nor the stack's: assumed to impersonate, as any unknown role", () => {
    const plan = [
      provider(GROUPS_MAPPING),
      resource(MEMBER_TYPE, "odd-role", {
        serviceAccountId: "projects/p/serviceAccounts/odd@p.iam.gserviceaccount.com",
        role: "constructor",
        member: ADMINS,
      }),
    ];
    expect(simulateAccess(plan, TOKEN).map((d) => [d.serviceAccount, d.allowed, d.reason])).toEqual([
      [
        "odd@p.iam.gserviceaccount.com",
        true,
        `granted by ${ADMINS} (constructor on the service account, a role not defined in the stack or by Google: assumed to allow impersonation)`,
      ],
    ]);
  });
});
