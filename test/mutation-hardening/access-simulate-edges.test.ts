/**
 * The access simulator's edges, each decision written out by hand from what Google's STS and IAM
 * do: which roles impersonate and which do not, several pools side by side, the 127-byte limit of
 * google.subject counted in UTF-8 bytes, public members, impersonation chains, IAM conditions,
 * every kind of value a mapping can give, and conditions that are not text or do not parse.
 */
import { describe, expect, it } from "vitest";
import {
  type AccessDecision,
  evaluateProvider,
  PROVIDER_TYPE,
  parseMember,
  SERVICE_ACCOUNT_IAM_MEMBER_TYPE,
  SERVICE_ACCOUNT_TYPE,
  simulateAccess,
  type TokenClaims,
  WORKLOAD_IDENTITY_USER_ROLE,
} from "../../tools/access/simulate";
import { plannedResource, topLevelUrn } from "../helpers/planned-resource";

const ISSUER = "https://token.actions.githubusercontent.com";
const PROVIDER = "gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider";
const MEMBER = "gcp:serviceaccount/iAMMember:IAMMember";
const ACCOUNT = "gcp:serviceaccount/account:Account";
const WIU = "roles/iam.workloadIdentityUser";
const TOKEN_CREATOR = "roles/iam.serviceAccountTokenCreator";
const SA_USER = "roles/iam.serviceAccountUser";

const urn = (type: string, name: string) => topLevelUrn(type, name, "prod");
const providerUrn = (name: string) => urn(PROVIDER, name);
const pool = (id: string) => `iam.googleapis.com/projects/123/locations/global/workloadIdentityPools/${id}`;
const set = (poolId: string, rest: string) => `principalSet://${pool(poolId)}/${rest}`;
const subject = (poolId: string, value: string) => `principal://${pool(poolId)}/subject/${value}`;
const email = (id: string) => `${id}@p.iam.gserviceaccount.com`;

const resource = plannedResource;

const provider = (name: string, inputs: Record<string, unknown>) => resource(PROVIDER, name, inputs);
const grant = (
  name: string,
  account: string,
  member: string,
  role = WIU,
  extra: Record<string, unknown> = {},
) =>
  resource(MEMBER, name, {
    serviceAccountId: `projects/p/serviceAccounts/${account}`,
    role,
    member,
    ...extra,
  });

const githubProvider = provider("github", {
  workloadIdentityPoolId: "github",
  oidc: { issuerUri: ISSUER },
  attributeMapping: {
    "google.subject": "assertion.sub",
    "attribute.repository_id": "assertion.repository_id",
    "attribute.ref": "assertion.ref",
  },
});
const partnerProvider = provider("partner", {
  workloadIdentityPoolId: "partner",
  oidc: { issuerUri: ISSUER },
  attributeMapping: { "google.subject": "assertion.sub" },
});
const gitlabProvider = provider("gitlab", {
  workloadIdentityPoolId: "gitlab",
  oidc: { issuerUri: "https://gitlab.example.com" },
  attributeMapping: { "google.subject": "assertion.sub" },
});

const SUB = "repo:acme/app:ref:refs/heads/main";
const TOKEN: TokenClaims = { iss: ISSUER, sub: SUB, repository_id: "42", ref: "refs/heads/main" };
const GITHUB_ATTRIBUTES = {
  "google.subject": SUB,
  "attribute.repository_id": "42",
  "attribute.ref": "refs/heads/main",
};
const REPO_42 = set("github", "attribute.repository_id/42");
const REPO_99 = set("github", "attribute.repository_id/99");

const WIU_REASON = `${WIU} on the service account, holds iam.serviceAccounts.getAccessToken, iam.serviceAccounts.getOpenIdToken`;
const TOKEN_CREATOR_REASON = `${TOKEN_CREATOR} on the service account, holds iam.serviceAccounts.getAccessToken, iam.serviceAccounts.getOpenIdToken, iam.serviceAccounts.implicitDelegation, iam.serviceAccounts.signBlob, iam.serviceAccounts.signJwt`;
const SA_USER_REASON = `${SA_USER} on the service account, holds iam.serviceAccounts.actAs`;

/** The part of a decision these tests compare in bulk: account, provider name, verdict, matches. */
const summary = (d: AccessDecision) => [
  d.serviceAccount,
  d.provider.slice(d.provider.lastIndexOf("::") + 2),
  d.allowed,
  d.refusedAt ?? null,
  d.matchedMembers,
];

describe("which roles let a principal set impersonate", () => {
  it("roles without an impersonation permission grant nothing, on the account or on its project", () => {
    const plan = [
      githubProvider,
      resource(ACCOUNT, "viewer", { accountId: "viewer", project: "p" }),
      grant("sa-viewer", email("viewer"), REPO_42, "roles/iam.serviceAccountViewer"),
      grant("viewer", email("viewer"), REPO_42, "roles/viewer"),
      grant("log-writer", email("viewer"), REPO_42, "roles/logging.logWriter"),
      grant("key-admin", email("viewer"), REPO_42, "roles/iam.serviceAccountKeyAdmin"),
      resource("gcp:projects/iAMMember:IAMMember", "project-viewer", {
        project: "p",
        role: "roles/viewer",
        member: REPO_42,
      }),
      grant("deploy", email("deploy"), REPO_42),
    ];
    expect(simulateAccess(plan, TOKEN).map(summary)).toEqual([
      [email("deploy"), "github", true, null, [REPO_42]],
    ]);
  });

  it("the same principal set with Token Creator or Service Account User does count", () => {
    const plan = [
      githubProvider,
      grant("creator", email("creator"), REPO_42, TOKEN_CREATOR),
      grant("user", email("user"), REPO_42, SA_USER),
      grant("viewer", email("user"), REPO_42, "roles/viewer"),
    ];
    expect(simulateAccess(plan, TOKEN).map((d) => [d.serviceAccount, d.allowed, d.reason])).toEqual([
      [email("creator"), true, `granted by ${REPO_42} (${TOKEN_CREATOR_REASON})`],
      [email("user"), true, `granted by ${REPO_42} (${SA_USER_REASON})`],
    ]);
  });

  it("a grant under an IAM condition says that the condition is assumed to hold", () => {
    const plan = [
      githubProvider,
      grant("conditional", email("deploy"), REPO_42, WIU, {
        condition: { title: "business hours", expression: "request.time.getHours() < 18" },
      }),
    ];
    expect(simulateAccess(plan, TOKEN).map((d) => d.reason)).toEqual([
      `granted by ${REPO_42} (${WIU_REASON}; its IAM condition is assumed to hold)`,
    ]);
  });
});

describe("several pools", () => {
  const plan = [
    githubProvider,
    partnerProvider,
    gitlabProvider,
    grant("a", email("a"), REPO_42),
    grant("b", email("b"), subject("partner", SUB)),
    // A pool no provider of the stack belongs to: nothing exchanges a token into it.
    grant("c", email("c"), set("orphan", "attribute.repository_id/42")),
    grant("d", email("d"), subject("gitlab", SUB)),
    grant("e-github", email("e"), REPO_42),
    grant("e-partner", email("e"), set("partner", "*")),
  ];

  it("each provider decides only the members of its own pool", () => {
    expect(simulateAccess(plan, TOKEN).map(summary)).toEqual([
      [email("a"), "github", true, null, [REPO_42]],
      [email("b"), "partner", true, null, [subject("partner", SUB)]],
      [email("d"), "gitlab", false, "issuer", []],
      [email("e"), "github", true, null, [REPO_42]],
      [email("e"), "partner", true, null, [set("partner", "*")]],
    ]);
  });

  it("a token of another issuer is refused by the provider of that pool only", () => {
    const decisions = simulateAccess(plan, { ...TOKEN, iss: "https://gitlab.example.com" });
    expect(decisions.map(summary)).toEqual([
      [email("a"), "github", false, "issuer", []],
      [email("b"), "partner", false, "issuer", []],
      [email("d"), "gitlab", true, null, [subject("gitlab", SUB)]],
      [email("e"), "github", false, "issuer", []],
      [email("e"), "partner", false, "issuer", []],
    ]);
    expect(decisions[2].reason).toBe(`granted by ${subject("gitlab", SUB)} (${WIU_REASON})`);
    expect(decisions[0].reason).toBe(
      `the token's issuer "https://gitlab.example.com" is not the provider's ${ISSUER}`,
    );
  });
});

describe("the 127-byte limit of google.subject, through the whole simulation", () => {
  const plan = [partnerProvider, grant("p", email("p"), set("partner", "*"))];
  const decide = (sub: string) => simulateAccess(plan, { iss: ISSUER, sub });

  it.each([
    ["127 ASCII bytes", "a".repeat(127)],
    ["63 two-byte characters and one byte", `${"é".repeat(63)}a`],
    ["31 four-byte characters and three bytes", `${"😀".repeat(31)}abc`],
  ])("%s is accepted", (_, sub) => {
    expect(decide(sub).map(summary)).toEqual([[email("p"), "partner", true, null, [set("partner", "*")]]]);
  });

  it.each([
    ["128 ASCII bytes", "a".repeat(128)],
    ["63 two-byte characters and two bytes", `${"é".repeat(63)}ab`],
    ["32 four-byte characters (64 UTF-16 units)", "😀".repeat(32)],
  ])("%s is refused at the mapping", (_, sub) => {
    expect(decide(sub)).toStrictEqual([
      {
        serviceAccount: email("p"),
        serviceAccountUrn: undefined,
        provider: providerUrn("partner"),
        members: [set("partner", "*")],
        allowed: false,
        reason: "google.subject is 128 bytes, over Google's 127",
        refusedAt: "mapping",
        matchedMembers: [],
      },
    ]);
  });
});

describe("public members need no token exchange", () => {
  it.each(["allUsers", "allAuthenticatedUsers"])("%s is matched with a valid token", (publicMember) => {
    const plan = [githubProvider, grant("public", email("x"), publicMember)];
    expect(simulateAccess(plan, TOKEN)).toStrictEqual([
      {
        serviceAccount: email("x"),
        serviceAccountUrn: undefined,
        provider: providerUrn("github"),
        members: [publicMember],
        allowed: true,
        reason: `granted by ${publicMember} (${WIU_REASON})`,
        matchedMembers: [publicMember],
        attributes: GITHUB_ATTRIBUTES,
      },
    ]);
  });

  it.each(["allUsers", "allAuthenticatedUsers"])(
    "%s is matched even when the token is refused",
    (publicMember) => {
      const plan = [
        githubProvider,
        grant("pool", email("x"), REPO_99),
        grant("public", email("x"), publicMember),
      ];
      expect(simulateAccess(plan, { ...TOKEN, iss: "https://evil.example" })).toStrictEqual([
        {
          serviceAccount: email("x"),
          serviceAccountUrn: undefined,
          provider: providerUrn("github"),
          members: [REPO_99, publicMember],
          allowed: true,
          reason: `granted by ${publicMember} (${WIU_REASON})`,
          matchedMembers: [publicMember],
        },
      ]);
    },
  );

  it("a public grant is decided once per provider, and only providers decide", () => {
    const plan = [
      githubProvider,
      partnerProvider,
      resource(ACCOUNT, "x", { accountId: "x", project: "p" }),
      grant("public", email("x"), "allUsers"),
    ];
    expect(simulateAccess(plan, TOKEN).map(summary)).toEqual([
      [email("x"), "github", true, null, ["allUsers"]],
      [email("x"), "partner", true, null, ["allUsers"]],
    ]);
  });

  it("other non-pool members (users, groups, domains) are not reachable with a token", () => {
    const plan = [
      githubProvider,
      grant("user", email("x"), "user:alice@example.com"),
      grant("group", email("x"), "group:admins@example.com"),
      grant("domain", email("x"), "domain:example.com"),
    ];
    expect(simulateAccess(plan, TOKEN)).toEqual([]);
  });
});

describe("impersonation chains", () => {
  const ACCOUNT_B_URN = urn(ACCOUNT, "b");
  const viaA = `serviceAccount:${email("a")}`;
  const viaB = `serviceAccount:${email("b")}`;
  const viaC = `serviceAccount:${email("c")}`;
  const viaR = `serviceAccount:${email("r")}`;

  it("follows grants to serviceAccount members to any depth, replacing the refusal of the same account", () => {
    const plan = [
      githubProvider,
      resource(ACCOUNT, "b", { accountId: "b", project: "p" }),
      // b is bound to another repository: refused directly (the first decision the provider makes).
      grant("b-99", email("b"), REPO_99),
      grant("a-42", email("a"), REPO_42),
      grant("r-99", email("r"), set("github", "attribute.repository_id/7")),
      grant("a-on-b", email("b"), viaA, TOKEN_CREATOR),
      grant("b-on-c", email("c"), viaB, SA_USER),
      // Back to a, which the token already reaches directly: its own decision stays.
      grant("c-on-a", email("a"), viaC, TOKEN_CREATOR),
      // r is refused: what r may impersonate is not reached.
      grant("r-on-s", email("s"), viaR, TOKEN_CREATOR),
    ];
    expect(simulateAccess(plan, TOKEN)).toStrictEqual([
      {
        serviceAccount: email("a"),
        serviceAccountUrn: undefined,
        provider: providerUrn("github"),
        members: [REPO_42],
        allowed: true,
        reason: `granted by ${REPO_42} (${WIU_REASON})`,
        matchedMembers: [REPO_42],
        attributes: GITHUB_ATTRIBUTES,
      },
      {
        serviceAccount: email("b"),
        serviceAccountUrn: ACCOUNT_B_URN,
        provider: providerUrn("github"),
        allowed: true,
        reason: `through ${email("a")}, granted by ${viaA} (${TOKEN_CREATOR_REASON})`,
        matchedMembers: [viaA],
        members: [viaA],
        attributes: GITHUB_ATTRIBUTES,
      },
      {
        serviceAccount: email("c"),
        serviceAccountUrn: undefined,
        provider: providerUrn("github"),
        allowed: true,
        reason: `through ${email("b")}, granted by ${viaB} (${SA_USER_REASON})`,
        matchedMembers: [viaB],
        members: [viaB],
        attributes: GITHUB_ATTRIBUTES,
      },
      {
        serviceAccount: email("r"),
        serviceAccountUrn: undefined,
        provider: providerUrn("github"),
        members: [set("github", "attribute.repository_id/7")],
        allowed: false,
        reason:
          'no member matches: the token maps attribute.repository_id="42"; the bindings expect repository_id="7"',
        refusedAt: "binding",
        matchedMembers: [],
        attributes: GITHUB_ATTRIBUTES,
      },
    ]);
  });

  it("a chain replaces the refusal through its own provider only", () => {
    const plan = [
      partnerProvider,
      githubProvider,
      grant("b-partner", email("b"), subject("partner", "someone-else")),
      grant("b-99", email("b"), REPO_99),
      grant("a-42", email("a"), REPO_42),
      grant("a-on-b", email("b"), viaA, TOKEN_CREATOR),
    ];
    expect(simulateAccess(plan, TOKEN).map(summary)).toEqual([
      [email("a"), "github", true, null, [REPO_42]],
      [email("b"), "github", true, null, [viaA]],
      [email("b"), "partner", false, "binding", []],
    ]);
  });

  it("a chain from an account reached through a public grant carries no mapped attributes", () => {
    const plan = [
      githubProvider,
      grant("public", email("a"), "allAuthenticatedUsers"),
      grant("a-on-b", email("b"), viaA, TOKEN_CREATOR),
    ];
    const [, chained] = simulateAccess(plan, { ...TOKEN, iss: "https://evil.example" });
    expect(chained).toStrictEqual({
      serviceAccount: email("b"),
      serviceAccountUrn: undefined,
      provider: providerUrn("github"),
      allowed: true,
      reason: `through ${email("a")}, granted by ${viaA} (${TOKEN_CREATOR_REASON})`,
      matchedMembers: [viaA],
      members: [viaA],
    });
  });
});

describe("what a refusal at the binding names", () => {
  it("every bound attribute with its mapped value (empty when unmapped), and every expectation", () => {
    const plan = [
      githubProvider,
      grant("repo", email("x"), REPO_99),
      grant("ref", email("x"), set("github", "attribute.ref/refs/heads/prod")),
      grant("env", email("x"), set("github", "attribute.environment/prod")),
      grant("repo-again", email("x"), set("github", "attribute.repository_id/100")),
    ];
    expect(simulateAccess(plan, TOKEN).map((d) => d.reason)).toEqual([
      "no member matches: the token maps " +
        'attribute.repository_id="42", attribute.ref="refs/heads/main", attribute.environment=""; ' +
        'the bindings expect repository_id="99" or ref="refs/heads/prod" or environment="prod" or repository_id="100"',
    ]);
  });
});

describe("mapping values", () => {
  const model = (mapping: Record<string, string>, condition?: string) => ({
    urn: providerUrn("corp"),
    poolId: "corp",
    issuer: ISSUER,
    mapping,
    condition,
  });
  const claims = { iss: ISSUER, sub: "s", teams: ["a", "b"], mixed: ["a", 1], groups: ["g1", "g2"] };
  const refusal = (reason: string) => ({ ok: false, stage: "mapping", reason });

  it("strings and lists of strings are kept, groups apart from the attributes", () => {
    expect(
      evaluateProvider(
        model({
          "google.subject": "assertion.sub",
          "google.groups": "assertion.groups",
          "attribute.teams": "assertion.teams",
          "attribute.repo": '"r"',
        }),
        claims,
      ),
    ).toEqual({
      ok: true,
      attributes: { "google.subject": "s", "attribute.teams": ["a", "b"], "attribute.repo": "r" },
      groups: ["g1", "g2"],
    });
  });

  it.each([
    [
      { "google.subject": "assertion.teams" },
      "google.subject = `assertion.teams` gave a list of strings, not a string",
    ],
    [{ "google.subject": "1" }, "google.subject = `1` gave a bigint, not a string"],
    [{ "google.subject": "true" }, "google.subject = `true` gave a boolean, not a string"],
    [{ "google.subject": '{"a": "b"}' }, 'google.subject = `{"a": "b"}` gave an object, not a string'],
    [
      { "google.subject": "assertion.sub", "google.groups": "assertion.sub" },
      "google.groups = `assertion.sub` gave a string, not a list of strings",
    ],
    [
      { "google.subject": "assertion.sub", "google.groups": '[{"a": 1}]' },
      'google.groups = `[{"a": 1}]` gave a list holding an object, not a list of strings',
    ],
    [
      { "google.subject": "assertion.sub", "attribute.mixed": "assertion.mixed" },
      "attribute.mixed = `assertion.mixed` gave a list holding a number, not a string or a list of strings",
    ],
    [
      { "google.subject": "assertion.sub", "attribute.ids": "[1, 2]" },
      "attribute.ids = `[1, 2]` gave a list holding a bigint, not a string or a list of strings",
    ],
    [
      { "google.subject": "assertion.sub", "attribute.map": '{"a": "b"}' },
      'attribute.map = `{"a": "b"}` gave an object, not a string or a list of strings',
    ],
  ])("%j is refused", (mapping, reason) => {
    expect(evaluateProvider(model(mapping), claims)).toEqual(refusal(`mapping ${reason}`));
  });

  it("the condition's `attribute` holds the custom attributes only, not google.*", () => {
    const mapping = { "google.subject": "assertion.sub", "attribute.repo": '"r"' };
    expect(evaluateProvider(model(mapping, 'size(attribute) == 1 && attribute.repo == "r"'), claims)).toEqual(
      {
        ok: true,
        attributes: { "google.subject": "s", "attribute.repo": "r" },
        groups: [],
      },
    );
  });

  it("a condition that does not parse refuses the token and names no clause", () => {
    const result = evaluateProvider(
      model({ "google.subject": "assertion.sub" }, 'assertion.sub == "s" &&'),
      claims,
    );
    expect(result).toEqual({
      ok: false,
      stage: "condition",
      reason: expect.stringMatching(/^the attribute condition failed \(<input>:1:\d+: [^)]+\)$/),
    });
    expect(Object.keys(result)).toEqual(["ok", "stage", "reason"]);
  });
});

describe("what the simulator reads from the plan", () => {
  it("a condition that is not text (a value the plan does not know) is not evaluated", () => {
    for (const attributeCondition of [42, { unknown: true }, ""]) {
      const plan = [
        provider("github", {
          workloadIdentityPoolId: "github",
          oidc: { issuerUri: ISSUER },
          attributeMapping: { "google.subject": "assertion.sub" },
          attributeCondition,
        }),
        grant("all", email("x"), set("github", "*")),
      ];
      expect(simulateAccess(plan, TOKEN).map(summary), JSON.stringify(attributeCondition)).toEqual([
        [email("x"), "github", true, null, [set("github", "*")]],
      ]);
    }
  });

  it("only a declared Account with both accountId and project names the account's URN", () => {
    const plan = [
      githubProvider,
      resource(ACCOUNT, "no-project", { accountId: "nobody" }),
      resource(ACCOUNT, "no-id", { project: "p" }),
      resource("gcp:serviceaccount/key:Key", "key", { accountId: "keyed", project: "p" }),
      resource(ACCOUNT, "declared", { accountId: "declared", project: "p" }),
      grant("nobody", "nobody@undefined.iam.gserviceaccount.com", REPO_42),
      grant("no-id", "undefined@p.iam.gserviceaccount.com", REPO_42),
      grant("keyed", email("keyed"), REPO_42),
      grant("declared", email("declared"), REPO_42),
    ];
    expect(simulateAccess(plan, TOKEN).map((d) => [d.serviceAccount, d.serviceAccountUrn])).toEqual([
      [email("declared"), urn(ACCOUNT, "declared")],
      [email("keyed"), undefined],
      ["nobody@undefined.iam.gserviceaccount.com", undefined],
      ["undefined@p.iam.gserviceaccount.com", undefined],
    ]);
  });

  it("the exported type tokens and role are the Google provider's", () => {
    expect([
      PROVIDER_TYPE,
      SERVICE_ACCOUNT_IAM_MEMBER_TYPE,
      SERVICE_ACCOUNT_TYPE,
      WORKLOAD_IDENTITY_USER_ROLE,
    ]).toEqual([PROVIDER, MEMBER, ACCOUNT, WIU]);
  });
});

describe("parseMember refuses what is not one whole member", () => {
  it.each([
    [`${set("p1", "attribute.repo/42")}\nprincipalSet://x`, "a second line"],
    [set("p1", "subject/attribute.repo/42"), "an attribute after another kind"],
    [set("p1", "xattribute.repo/42"), "a prefix before attribute."],
  ])("%j (%s)", (member) => {
    expect(parseMember(member)).toBeUndefined();
  });
});
