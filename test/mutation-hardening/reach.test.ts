/**
 * deploy-identity-bound-to-environment at its edges: which grants reach an account (each level,
 * each spelling of the account id, dependencies on the account resource), which grants are the
 * account's own powers, and the pinned deploy member's exact shape. Violations written by hand.
 */
import { describe, expect, it } from "vitest";
import { catalog } from "../../policies/profiles";
import { pinnedDeployRepository } from "../../policies/rules/reach";
import { type FakeResource, ruleNamed, runStack, urnOf } from "../policies/harness";

const bound = ruleNamed(catalog(), "deploy-identity-bound-to-environment");
const POOL = "principalSet://iam.googleapis.com/projects/123/locations/global/workloadIdentityPools/github";
const DEVS = "group:devs@example.com";
const ACCOUNT = "gcp:serviceaccount/account:Account";
const SA_MEMBER = "gcp:serviceaccount/iAMMember:IAMMember";
const SA_USER = "roles/iam.serviceAccountUser";

const account = (
  id: string,
  props: Record<string, unknown> = { accountId: id, project: "acme-p" },
): FakeResource => ({
  type: ACCOUNT,
  name: id,
  props,
});
const power = (
  name: string,
  role: string,
  member: string,
  extra: Partial<FakeResource> = {},
): FakeResource => ({
  type: "gcp:projects/iAMMember:IAMMember",
  name,
  props: { project: "acme-p", role, member },
  ...extra,
});
const onAccount = (
  name: string,
  serviceAccountId: string,
  extra: Partial<FakeResource> = {},
): FakeResource => ({
  type: SA_MEMBER,
  name,
  props: { serviceAccountId, role: SA_USER, member: DEVS },
  ...extra,
});
const violation = (type: string, name: string, label: string, level: string, roles = "roles/run.admin") => ({
  message: `${name} lets ${DEVS} act as service account ${label} (${SA_USER} at ${level} level), which can change resources (${roles}); only a principal pinned to one repository, environment and branch may.`,
  urn: urnOf(type, name),
});
const SVC_RUN = power("svc-run", "roles/run.admin", "serviceAccount:svc@acme-p.iam.gserviceaccount.com");

describe("pinnedDeployRepository", () => {
  it.each([
    [`${POOL}/attribute.deploy_target/12/prod/refs/heads/main`, "12"],
    [`${POOL}/attribute.deploy_target/12/prod/push/refs/heads/release/2026`, "12"],
    [`${POOL}/attribute.deploy_target/12/prod/pull_request/refs/heads/main`, undefined],
    [`${POOL}/attribute.deploy_target/12/prod/pull_request_target/refs/heads/main`, undefined],
    [`${POOL}/attribute.deploy_target/12/prod/pull_request_review/refs/heads/main`, undefined],
    [`${POOL}/attribute.deploy_target/12/prod/pull_request_review_comment/refs/heads/main`, undefined],
    [`x${POOL}/attribute.deploy_target/12/prod/refs/heads/main`, undefined],
    [`${POOL}/attribute.deploy_target/12/prod/refs/heads/main//x`, undefined],
    [`${POOL}/attribute.deploy_target/12/prod/refs/heads/`, undefined],
    [`${POOL}/attribute.deploy_target/x12/prod/refs/heads/main`, undefined],
    [`${POOL}/attribute.deploy_target/12/prod/Push/refs/heads/main`, undefined],
  ])("%s → %s", (member, repository) => {
    expect(pinnedDeployRepository(member)).toBe(repository);
  });
});

describe("which grants let a principal act as the account", () => {
  it("its project, any folder and any organization; not another project, account or resource", () => {
    const grants: FakeResource[] = [
      {
        type: "gcp:projects/iAMMember:IAMMember",
        name: "project",
        props: { project: "acme-p", role: SA_USER, member: DEVS },
      },
      {
        type: "gcp:projects/iAMMember:IAMMember",
        name: "elsewhere",
        props: { project: "acme-q", role: SA_USER, member: DEVS },
      },
      {
        type: "gcp:folder/iAMMember:IAMMember",
        name: "folder",
        props: { folder: "folders/1", role: SA_USER, member: DEVS },
      },
      {
        type: "gcp:organizations/iAMMember:IAMMember",
        name: "org",
        props: { orgId: "9", role: SA_USER, member: DEVS },
      },
      onAccount("other", "projects/acme-p/serviceAccounts/other@acme-p.iam.gserviceaccount.com"),
      {
        type: "gcp:storage/bucketIAMMember:BucketIAMMember",
        name: "bucket",
        props: { bucket: "b", role: SA_USER, member: DEVS },
      },
      // A role that cannot act as an account.
      {
        type: "gcp:projects/iAMMember:IAMMember",
        name: "viewer",
        props: { project: "acme-p", role: "roles/viewer", member: DEVS },
      },
    ];
    expect(runStack(bound, [account("svc"), SVC_RUN, ...grants]).violations).toEqual([
      violation("gcp:projects/iAMMember:IAMMember", "project", "svc", "project"),
      violation("gcp:folder/iAMMember:IAMMember", "folder", "svc", "folder"),
      violation("gcp:organizations/iAMMember:IAMMember", "org", "svc", "organization"),
    ]);
  });

  it("a project grant whose project, or an account whose project, is not known reaches it", () => {
    const unknownProject = {
      type: "gcp:projects/iAMMember:IAMMember",
      name: "no-project",
      props: { role: SA_USER, member: DEVS },
    };
    expect(runStack(bound, [account("svc"), SVC_RUN, unknownProject]).violations).toEqual([
      violation("gcp:projects/iAMMember:IAMMember", "no-project", "svc", "project"),
    ]);
    const inQ = {
      type: "gcp:projects/iAMMember:IAMMember",
      name: "in-q",
      props: { project: "acme-q", role: SA_USER, member: DEVS },
    };
    const lost = account("lost", { accountId: "lost" });
    const lostPower = power(
      "lost-run",
      "roles/run.admin",
      "serviceAccount:lost@acme-x.iam.gserviceaccount.com",
    );
    expect(runStack(bound, [lost, lostPower, inQ]).violations).toEqual([
      violation("gcp:projects/iAMMember:IAMMember", "in-q", "lost", "project"),
    ]);
  });

  it("the account named by e-mail, by resource path in any case, with any project, or by depending on it", () => {
    const grants: FakeResource[] = [
      onAccount("bare", "svc@acme-p.iam.gserviceaccount.com"),
      onAccount("path", "projects/acme-p/serviceAccounts/SVC@acme-p.iam.gserviceaccount.com"),
      onAccount("dash", "projects/-/serviceAccounts/svc@acme-p.iam.gserviceaccount.com"),
      onAccount("depends", "computed", {
        propertyDependencies: { serviceAccountId: [urnOf(ACCOUNT, "svc")] },
      }),
      onAccount("depends-else", "computed", { propertyDependencies: { role: [urnOf(ACCOUNT, "svc")] } }),
      onAccount("prefix", "svc@acme-p.iam.gserviceaccount.com.example"),
      onAccount("longer", "projects/acme-p/serviceAccounts/xsvc@acme-p.iam.gserviceaccount.com"),
    ];
    expect(runStack(bound, [account("svc"), SVC_RUN, ...grants]).violations).toEqual([
      violation(SA_MEMBER, "bare", "svc", "account"),
      violation(SA_MEMBER, "path", "svc", "account"),
      violation(SA_MEMBER, "dash", "svc", "account"),
      violation(SA_MEMBER, "depends", "svc", "account"),
    ]);
  });

  it("an account known by its id only is reached through a path holding that id in any project", () => {
    const lost = account("Lost", { accountId: "Lost" });
    const lostPower = power(
      "lost-run",
      "roles/run.admin",
      "serviceAccount:lost@acme-x.iam.gserviceaccount.com",
    );
    expect(
      runStack(bound, [
        lost,
        lostPower,
        onAccount("by-id", "projects/acme-x/serviceAccounts/lost@acme-x.iam.gserviceaccount.com"),
        onAccount("bare-id", "lost@acme-x.iam.gserviceaccount.com"),
      ]).violations,
    ).toEqual([violation(SA_MEMBER, "by-id", "Lost", "account")]);
  });
});

describe("what the account can do", () => {
  it("every changing role granted to it, sorted and once each", () => {
    const outcome = runStack(bound, [
      account("svc"),
      power("svc-storage", "roles/storage.admin", "serviceAccount:svc@acme-p.iam.gserviceaccount.com"),
      SVC_RUN,
      power("svc-run-again", "roles/run.admin", "serviceAccount:SVC@acme-p.iam.gserviceaccount.com"),
      power("svc-browse", "roles/browser", "serviceAccount:svc@acme-p.iam.gserviceaccount.com"),
      onAccount("wif", "svc@acme-p.iam.gserviceaccount.com"),
    ]);
    expect(outcome.violations).toEqual([
      violation(SA_MEMBER, "wif", "svc", "account", "roles/run.admin, roles/storage.admin"),
    ]);
  });

  it("grants to its declared e-mail, or whose member depends on the account resource", () => {
    const viaEmail = [
      account("svc", {
        accountId: "svc",
        project: "acme-p",
        email: "renamed@acme-p.iam.gserviceaccount.com",
      }),
      power("run", "roles/run.admin", "serviceAccount:renamed@acme-p.iam.gserviceaccount.com"),
      onAccount("wif", "renamed@acme-p.iam.gserviceaccount.com"),
    ];
    expect(runStack(bound, viaEmail).violations).toEqual([violation(SA_MEMBER, "wif", "svc", "account")]);
    const viaDependency = [
      account("svc"),
      power("run", "roles/run.admin", "serviceAccount:computed", {
        propertyDependencies: { member: [urnOf(ACCOUNT, "svc")] },
      }),
      onAccount("wif", "svc@acme-p.iam.gserviceaccount.com"),
    ];
    expect(runStack(bound, viaDependency).violations).toEqual([
      violation(SA_MEMBER, "wif", "svc", "account"),
    ]);
    const dependsOnOther = [
      account("svc"),
      account("other"),
      power("run", "roles/run.admin", "serviceAccount:computed", {
        propertyDependencies: { member: [urnOf(ACCOUNT, "other")] },
      }),
      onAccount("wif", "svc@acme-p.iam.gserviceaccount.com"),
    ];
    expect(runStack(bound, dependsOnOther).violations).toEqual([]);
  });

  it("an account without a changing role may be acted as by anyone; a service account may act as any", () => {
    expect(
      runStack(bound, [
        account("svc"),
        power("browse", "roles/browser", "serviceAccount:svc@acme-p.iam.gserviceaccount.com"),
        onAccount("wif", "svc@acme-p.iam.gserviceaccount.com"),
      ]).violations,
    ).toEqual([]);
    expect(
      runStack(bound, [
        account("svc"),
        SVC_RUN,
        {
          ...onAccount("sa", "svc@acme-p.iam.gserviceaccount.com"),
          props: {
            serviceAccountId: "svc@acme-p.iam.gserviceaccount.com",
            role: SA_USER,
            member: "serviceAccount:ci@acme-p.iam.gserviceaccount.com",
          },
        },
        {
          ...onAccount("pinned", "svc@acme-p.iam.gserviceaccount.com"),
          props: {
            serviceAccountId: "svc@acme-p.iam.gserviceaccount.com",
            role: SA_USER,
            member: `${POOL}/attribute.deploy_target/12/prod/refs/heads/main`,
          },
        },
      ]).violations,
    ).toEqual([]);
  });
});

describe("what the stack leaves unsaid", () => {
  it("custom roles of the project or the organization are read: a reader role changes nothing", () => {
    const roles: FakeResource[] = [
      {
        type: "gcp:projects/iAMCustomRole:IAMCustomRole",
        name: "p-reader",
        props: { project: "acme-p", roleId: "reader", permissions: ["storage.objects.get"] },
      },
      {
        type: "gcp:organizations/iAMCustomRole:IAMCustomRole",
        name: "o-reader",
        props: { orgId: "9", roleId: "reader", permissions: ["storage.objects.get"] },
      },
    ];
    const grantedTo = (role: string) => [
      account("svc"),
      ...roles,
      power("custom", role, "serviceAccount:svc@acme-p.iam.gserviceaccount.com"),
      onAccount("wif", "svc@acme-p.iam.gserviceaccount.com"),
    ];
    expect(runStack(bound, grantedTo("projects/acme-p/roles/reader")).violations).toEqual([]);
    expect(runStack(bound, grantedTo("organizations/9/roles/reader")).violations).toEqual([]);
    // The same id elsewhere is a role the pack cannot read: it counts as changing.
    expect(runStack(bound, grantedTo("organizations/acme-p/roles/reader")).violations).toEqual([
      violation(SA_MEMBER, "wif", "svc", "account", "organizations/acme-p/roles/reader"),
    ]);
  });

  it("an account is named by its account id, else by its resource name (an empty or non-text id is none)", () => {
    const named = (props: Record<string, unknown>) =>
      runStack(bound, [
        { type: ACCOUNT, name: "svc-resource", props },
        power("run", "roles/run.admin", "serviceAccount:computed", {
          propertyDependencies: { member: [urnOf(ACCOUNT, "svc-resource")] },
        }),
        onAccount("wif", "computed", {
          propertyDependencies: { serviceAccountId: [urnOf(ACCOUNT, "svc-resource")] },
        }),
      ]);
    expect(named({ accountId: "svc", project: "acme-p" }).violations).toEqual([
      violation(SA_MEMBER, "wif", "svc", "account"),
    ]);
    for (const accountId of ["", 5]) {
      const outcome = named({ accountId, project: "acme-p" });
      expect(outcome.violations, String(accountId)).toEqual([
        violation(SA_MEMBER, "wif", "svc-resource", "account"),
      ]);
    }
  });

  it("an account without an id, and a grant without its account, are read without error", () => {
    const outcome = runStack(bound, [
      account("noid", { project: "acme-p" }),
      account("svc"),
      SVC_RUN,
      { type: SA_MEMBER, name: "no-target", props: { role: SA_USER, member: DEVS } },
      onAccount("other", "projects/acme-p/serviceAccounts/other@acme-p.iam.gserviceaccount.com"),
    ]);
    expect(outcome.error).toBeUndefined();
    expect(outcome.violations).toEqual([]);
  });

  it("a grant to the account's e-mail in capitals is a grant to it", () => {
    expect(
      runStack(bound, [
        account("svc"),
        power("run", "roles/run.admin", "serviceAccount:SVC@ACME-P.iam.gserviceaccount.com"),
        onAccount("wif", "svc@acme-p.iam.gserviceaccount.com"),
      ]).violations,
    ).toEqual([violation(SA_MEMBER, "wif", "svc", "account")]);
  });

  it("a policy document that cannot be read is reported on its resource", () => {
    const type = "gcp:serviceaccount/iAMPolicy:IAMPolicy";
    expect(
      runStack(bound, [
        account("svc"),
        {
          type,
          name: "bad",
          props: { serviceAccountId: "svc@acme-p.iam.gserviceaccount.com", policyData: "{bad" },
        },
      ]).violations,
    ).toEqual([
      {
        message:
          "bad: policyData is not valid JSON: expected a string at offset 1, so its grants cannot be checked.",
        urn: urnOf(type, "bad"),
      },
    ]);
  });
});
