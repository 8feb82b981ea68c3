/**
 * The impersonation-grant reader on hand-built plans: every grant resource type at its level, the
 * roles that count (predefined, custom from the project or the organization, unknown), which
 * accounts a project, folder or organization grant reaches, IAM conditions, and IAM policy
 * documents decoded as the provider decodes them. Expected grants are written out by hand.
 */
import { describe, expect, it } from "vitest";
import {
  emailOf,
  type ImpersonationGrant,
  impersonationGrants,
  impersonationReason,
  policyBindings,
} from "../../tools/access/grants";
import type { PlannedResource } from "../../tools/plan/model";
import { plannedResource, topLevelUrn } from "../helpers/planned-resource";

const urn = (type: string, name: string) => topLevelUrn(type, name, "prod");
const resource = plannedResource;

const ACCOUNT = "gcp:serviceaccount/account:Account";
const M = "principalSet://iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/p/*";
const WIU = "roles/iam.workloadIdentityUser";
const WIU_HOLDS = "holds iam.serviceAccounts.getAccessToken, iam.serviceAccounts.getOpenIdToken";
const SA_USER_HOLDS = "holds iam.serviceAccounts.actAs";
const DEPLOY = "deploy@p.iam.gserviceaccount.com";
const OTHER = "other@q.iam.gserviceaccount.com";

/** Two declared accounts in two projects, the grant resources after them. */
const accounts = [
  resource(ACCOUNT, "deploy", { accountId: "deploy", project: "p" }),
  resource(ACCOUNT, "other", { accountId: "other", project: "q" }),
];

const grant = (
  serviceAccount: string,
  type: string,
  name: string,
  scope: string,
  extra: Partial<ImpersonationGrant> = {},
): ImpersonationGrant => ({
  serviceAccount,
  member: M,
  role: WIU,
  because: WIU_HOLDS,
  scope,
  urn: urn(type, name),
  conditional: false,
  ...extra,
});

describe("each grant resource type at its level", () => {
  const policyData = JSON.stringify({ bindings: [{ role: WIU, members: [M] }] });
  it.each([
    [
      "gcp:serviceaccount/iAMMember:IAMMember",
      { serviceAccountId: `projects/p/serviceAccounts/${DEPLOY}`, role: WIU, member: M },
    ],
    [
      "gcp:serviceaccount/iAMBinding:IAMBinding",
      { serviceAccountId: `projects/p/serviceAccounts/${DEPLOY}`, role: WIU, members: [M] },
    ],
    [
      "gcp:serviceaccount/iAMPolicy:IAMPolicy",
      { serviceAccountId: `projects/p/serviceAccounts/${DEPLOY}`, policyData },
    ],
  ])("%s reaches the account it names", (type, inputs) => {
    expect(impersonationGrants([...accounts, resource(type, "g", inputs)])).toEqual([
      grant(DEPLOY, type, "g", "the service account"),
    ]);
  });

  it.each([
    ["gcp:projects/iAMMember:IAMMember", { project: "p", role: WIU, member: M }],
    ["gcp:projects/iAMBinding:IAMBinding", { project: "p", role: WIU, members: [M] }],
    ["gcp:projects/iAMPolicy:IAMPolicy", { project: "p", policyData }],
  ])("%s reaches the accounts of its project only", (type, inputs) => {
    expect(impersonationGrants([...accounts, resource(type, "g", inputs)])).toEqual([
      grant(DEPLOY, type, "g", "project p"),
    ]);
  });

  it.each([
    ["gcp:folder/iAMMember:IAMMember", { folder: "folders/7", role: WIU, member: M }, "folder folders/7"],
    [
      "gcp:folder/iAMBinding:IAMBinding",
      { folder: "folders/7", role: WIU, members: [M] },
      "folder folders/7",
    ],
    ["gcp:folder/iAMPolicy:IAMPolicy", { folder: "folders/7", policyData }, "folder folders/7"],
    ["gcp:organizations/iAMMember:IAMMember", { orgId: "81", role: WIU, member: M }, "organization 81"],
    ["gcp:organizations/iAMBinding:IAMBinding", { orgId: "81", role: WIU, members: [M] }, "organization 81"],
    ["gcp:organizations/iAMPolicy:IAMPolicy", { orgId: "81", policyData }, "organization 81"],
  ])("%s reaches every account of the stack", (type, inputs, scope) => {
    expect(impersonationGrants([...accounts, resource(type, "g", inputs)])).toEqual([
      grant(DEPLOY, type, "g", scope),
      grant(OTHER, type, "g", scope),
    ]);
  });

  it("a folder or organization without its id is still a grant, named with an empty id", () => {
    const type = "gcp:folder/iAMMember:IAMMember";
    expect(impersonationGrants([accounts[0], resource(type, "g", { role: WIU, member: M })])).toEqual([
      grant(DEPLOY, type, "g", "folder "),
    ]);
    const org = "gcp:organizations/iAMMember:IAMMember";
    expect(impersonationGrants([accounts[0], resource(org, "g", { role: WIU, member: M })])).toEqual([
      grant(DEPLOY, org, "g", "organization "),
    ]);
  });

  it("other IAM resource types grant nothing here", () => {
    for (const type of [
      "gcp:storage/bucketIAMMember:BucketIAMMember",
      "gcp:serviceaccount/key:Key",
      ACCOUNT,
    ]) {
      expect(
        impersonationGrants([
          ...accounts,
          resource(type, "g", { serviceAccountId: DEPLOY, project: "p", role: WIU, member: M }),
        ]),
        type,
      ).toEqual([]);
    }
  });
});

describe("which accounts the stack knows", () => {
  const projectGrant = resource("gcp:projects/iAMMember:IAMMember", "g", {
    project: "p",
    role: WIU,
    member: M,
  });

  it("declared accounts with a known id and project, and accounts named by account-level grants", () => {
    const plan = [
      resource(ACCOUNT, "no-project", { accountId: "lost" }),
      resource(ACCOUNT, "computed", { accountId: { unknown: true }, project: "p" }),
      resource(ACCOUNT, "declared", { accountId: "declared", project: "p" }),
      resource("gcp:serviceaccount/iAMMember:IAMMember", "named", {
        serviceAccountId: "projects/p/serviceAccounts/named@p.iam.gserviceaccount.com",
        role: "roles/viewer",
        member: "user:a@example.com",
      }),
      // Not an account-level grant type: names no account.
      resource("gcp:storage/bucketIAMMember:BucketIAMMember", "bucket", {
        serviceAccountId: "bucket@p.iam.gserviceaccount.com",
      }),
      // Not an account e-mail: names no account of a project.
      resource("gcp:serviceaccount/iAMMember:IAMMember", "odd", {
        serviceAccountId: "projects/p/serviceAccounts/odd@p.example.com",
        role: "roles/viewer",
        member: "user:a@example.com",
      }),
      resource("gcp:serviceaccount/iAMMember:IAMMember", "prefixed", {
        serviceAccountId: "x y@p.iam.gserviceaccount.com.evil",
        role: "roles/viewer",
        member: "user:a@example.com",
      }),
      resource("gcp:serviceaccount/iAMMember:IAMMember", "at-first", {
        serviceAccountId: "@x@p.iam.gserviceaccount.com",
        role: "roles/viewer",
        member: "user:a@example.com",
      }),
      resource(ACCOUNT, "computed-project", { accountId: "cp", project: { unknown: true } }),
      projectGrant,
      resource("gcp:folder/iAMMember:IAMMember", "f", { folder: "folders/7", role: WIU, member: M }),
    ];
    expect(impersonationGrants(plan).map((g) => [g.serviceAccount, g.scope])).toEqual([
      ["declared@p.iam.gserviceaccount.com", "project p"],
      ["named@p.iam.gserviceaccount.com", "project p"],
      ["declared@p.iam.gserviceaccount.com", "folder folders/7"],
      ["named@p.iam.gserviceaccount.com", "folder folders/7"],
    ]);
  });

  it("an account id holding a dot is not read as a project", () => {
    const plan = [
      resource("gcp:serviceaccount/iAMMember:IAMMember", "named", {
        serviceAccountId: "a@my-project.iam.gserviceaccount.com",
        role: "roles/viewer",
        member: "user:a@example.com",
      }),
      resource("gcp:serviceaccount/iAMMember:IAMMember", "dotted", {
        serviceAccountId: "b@p.q.iam.gserviceaccount.com",
        role: "roles/viewer",
        member: "user:a@example.com",
      }),
      resource("gcp:projects/iAMMember:IAMMember", "g", { project: "my-project", role: WIU, member: M }),
      resource("gcp:projects/iAMMember:IAMMember", "h", { project: "p", role: WIU, member: M }),
    ];
    expect(impersonationGrants(plan).map((g) => [g.serviceAccount, g.scope])).toEqual([
      ["a@my-project.iam.gserviceaccount.com", "project my-project"],
    ]);
  });
});

describe("roles", () => {
  const on = (role: string, extra: PlannedResource[] = []) =>
    impersonationGrants([
      ...accounts,
      ...extra,
      resource("gcp:serviceaccount/iAMMember:IAMMember", "g", { serviceAccountId: DEPLOY, role, member: M }),
    ]).map((g) => g.because);

  it("predefined roles by their permissions", () => {
    expect(on("roles/iam.serviceAccountUser")).toEqual([SA_USER_HOLDS]);
    expect(on("roles/viewer")).toEqual([]);
    expect(on("roles/iam.serviceAccountKeyAdmin")).toEqual([]);
  });

  it("custom roles of the project or the organization, by their permissions in any spelling", () => {
    const projectRole = resource("gcp:projects/iAMCustomRole:IAMCustomRole", "r1", {
      project: "p",
      roleId: "impersonator",
      permissions: ["iam.serviceAccounts.signJwt", "storage.buckets.get", "iam.serviceAccounts.actAs"],
    });
    const orgRole = resource("gcp:organizations/iAMCustomRole:IAMCustomRole", "r2", {
      orgId: "81",
      roleId: "reader",
      permissions: ["storage.buckets.get"],
    });
    const orgImpersonator = resource("gcp:organizations/iAMCustomRole:IAMCustomRole", "r3", {
      orgId: "81",
      roleId: "signer",
      permissions: ["iam.serviceAccounts.signBlob"],
    });
    const extra = [projectRole, orgRole, orgImpersonator];
    expect(on("projects/p/roles/impersonator", extra)).toEqual([
      "custom role holding iam.serviceAccounts.actAs, iam.serviceAccounts.signJwt",
    ]);
    expect(on("organizations/81/roles/reader", extra)).toEqual([]);
    expect(on("organizations/81/roles/signer", extra)).toEqual([
      "custom role holding iam.serviceAccounts.signBlob",
    ]);
    // The same role id in another project or organization is another role: not defined in the stack.
    expect(on("projects/q/roles/impersonator", extra)).toEqual([
      "a role not defined in the stack or by Google: assumed to allow impersonation",
    ]);
  });

  it("a custom role without a permission list holds nothing", () => {
    const role = resource("gcp:projects/iAMCustomRole:IAMCustomRole", "r", { project: "p", roleId: "empty" });
    expect(on("projects/p/roles/empty", [role])).toEqual([]);
  });

  it("impersonationReason on its own", () => {
    const custom = new Map([["projects/p/roles/x", ["iam.serviceAccounts.getOpenIdToken"]]]);
    expect(impersonationReason(WIU, custom)).toBe(WIU_HOLDS);
    expect(impersonationReason("projects/p/roles/x", custom)).toBe(
      "custom role holding iam.serviceAccounts.getOpenIdToken",
    );
    expect(impersonationReason("projects/p/roles/y", custom)).toBe(
      "a role not defined in the stack or by Google: assumed to allow impersonation",
    );
  });
});

describe("grants the plan does not spell out", () => {
  it("a grant without its role or member (not known yet) counts, as an unknown role does", () => {
    const unknownRole = "a role not defined in the stack or by Google: assumed to allow impersonation";
    expect(
      impersonationGrants([
        accounts[0],
        resource("gcp:serviceaccount/iAMMember:IAMMember", "m", { serviceAccountId: DEPLOY }),
        resource("gcp:serviceaccount/iAMBinding:IAMBinding", "b", { serviceAccountId: DEPLOY, members: [M] }),
      ]),
    ).toEqual([
      grant(DEPLOY, "gcp:serviceaccount/iAMMember:IAMMember", "m", "the service account", {
        member: "",
        role: "",
        because: unknownRole,
      }),
      grant(DEPLOY, "gcp:serviceaccount/iAMBinding:IAMBinding", "b", "the service account", {
        role: "",
        because: unknownRole,
      }),
    ]);
  });
});

describe("conditions and member lists", () => {
  const member = (extra: Record<string, unknown>) =>
    impersonationGrants([
      accounts[0],
      resource("gcp:serviceaccount/iAMMember:IAMMember", "g", {
        serviceAccountId: DEPLOY,
        role: WIU,
        member: M,
        ...extra,
      }),
    ]).map((g) => g.conditional);

  it("a grant is conditional when it carries a condition; null is none", () => {
    expect(member({ condition: { title: "t", expression: "true" } })).toEqual([true]);
    expect(member({ condition: null })).toEqual([false]);
    expect(member({})).toEqual([false]);
  });

  it("an IAMBinding's members, each a grant; a binding with no member list grants nothing", () => {
    const binding = (inputs: Record<string, unknown>) =>
      impersonationGrants([
        accounts[0],
        resource("gcp:serviceaccount/iAMBinding:IAMBinding", "b", {
          serviceAccountId: DEPLOY,
          role: WIU,
          ...inputs,
        }),
      ]).map((g) => [g.member, g.conditional]);
    expect(binding({ members: [M, "allUsers"], condition: { expression: "x" } })).toEqual([
      [M, true],
      ["allUsers", true],
    ]);
    expect(binding({ members: M })).toEqual([]);
    expect(binding({})).toEqual([]);
  });
});

describe("policyBindings: IAM policy documents as the provider decodes them", () => {
  const UNREADABLE = [{ role: "(unreadable policy document)", members: ["allUsers"], conditional: false }];

  it("bindings with their members and conditions; no bindings is none", () => {
    expect(
      policyBindings(
        JSON.stringify({
          bindings: [
            { role: WIU, members: [M, "allUsers"], condition: { title: "t", expression: "e" } },
            { role: "roles/viewer" },
            { role: "roles/iam.serviceAccountUser", members: [M], condition: null },
          ],
        }),
      ),
    ).toEqual([
      { role: WIU, members: [M, "allUsers"], conditional: true },
      { role: "roles/viewer", members: [], conditional: false },
      { role: "roles/iam.serviceAccountUser", members: [M], conditional: false },
    ]);
    expect(policyBindings("{}")).toEqual([]);
    expect(policyBindings('{"bindings":null}')).toEqual([]);
  });

  it("keys in any case, as Go's encoding/json matches them, the Kelvin sign and long s included", () => {
    expect(policyBindings(`{"BINDINGS":[{"Role":"${WIU}","MEMBERS":["${M}"]}]}`)).toEqual([
      { role: WIU, members: [M], conditional: false },
    ]);
    expect(policyBindings(`{"binding\u017f":[{"role":"${WIU}","members":["${M}"]}]}`)).toEqual([
      { role: WIU, members: [M], conditional: false },
    ]);
    // No field of the format holds a k: a key spelled with the Kelvin sign is outside the format.
    expect(
      policyBindings(`{"bindings":[{"role":"${WIU}","members":["${M}"],"\u212aonditio":null}]}`),
    ).toEqual(UNREADABLE);
  });

  it.each([
    ["not text", 42],
    ["no document", undefined],
    ["not JSON", "{not json"],
    ["bindings not a list", '{"bindings":{}}'],
    ["a role that is not text", '{"bindings":[{"role":7,"members":[]}]}'],
    ["members that are not a list", '{"bindings":[{"role":"r","members":"allUsers"}]}'],
    ["a binding that is not an object", '{"bindings":["roles/owner"]}'],
    // Go fills one field from both keys (the later one wins): a reader picking one could hide a grant.
    ["a key given twice", `{"bindings":[],"Bindings":[{"role":"${WIU}","members":["${M}"]}]}`],
    ["a key outside the format", '{"bindings":[],"policy":{}}'],
  ])("%s: assumed to grant every role to everyone", (_, policyData) => {
    expect(policyBindings(policyData)).toEqual(UNREADABLE);
  });
});

describe("emailOf", () => {
  it.each([
    ["projects/p/serviceAccounts/a@p.iam.gserviceaccount.com", "a@p.iam.gserviceaccount.com"],
    ["a@p.iam.gserviceaccount.com", "a@p.iam.gserviceaccount.com"],
    ["", ""],
  ])("%j", (id, email) => {
    expect(emailOf(id)).toBe(email);
  });
});
