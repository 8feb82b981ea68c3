/**
 * Grant semantics: service accounts judged by their roles and by who can act as them, and
 * escalation reach, directly and through the real pack over the Analyzer protocol.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { canActAs, canChange, canEscalate } from "../../policies/lib/capability";
import { catalog } from "../../policies/profiles";
import { pinnedDeployRepository, pinsEnvironment } from "../../policies/rules/reach";
import { openPolicyPack, type PolicyPackSession } from "../../tools/analyzer";
import type { PlannedResource } from "../../tools/plan/model";
import { type FakeResource, ruleNamed, runStack, UNKNOWN, urnOf } from "./harness";

const rules = catalog();
const bound = ruleNamed(rules, "deploy-identity-bound-to-environment");
const escalation = ruleNamed(rules, "iam-no-escalation-grants");
const POOL = "principalSet://iam.googleapis.com/projects/123/locations/global/workloadIdentityPools/github";
const PULL_REQUEST = `${POOL}/attribute.repository_event/42/pull_request`;
const PLATFORM_DEPLOY = `${POOL}/attribute.deploy_target/42/prod/push/refs/heads/main`;
const PRODUCT_DEPLOY = `${POOL}/attribute.deploy_target/77/prod/push/refs/heads/main`;
const config = { stack: "prod", platformRepositoryIds: ["42"] };

function account(id: string, project = "acme-p"): FakeResource {
  return {
    type: "gcp:serviceaccount/account:Account",
    name: id,
    urn: urnOf("gcp:serviceaccount/account:Account", id),
    props: { accountId: id, project },
  };
}
const email = (id: string, project = "acme-p") => `serviceAccount:${id}@${project}.iam.gserviceaccount.com`;
function projectGrant(name: string, role: string, member: string, project = "acme-p"): FakeResource {
  return { type: "gcp:projects/iAMMember:IAMMember", name, props: { project, role, member } };
}
function accountGrant(name: string, id: string, role: string, member: string): FakeResource {
  return {
    type: "gcp:serviceaccount/iAMMember:IAMMember",
    name,
    props: {
      serviceAccountId: `projects/acme-p/serviceAccounts/${id}@acme-p.iam.gserviceaccount.com`,
      role,
      member,
    },
  };
}
const messages = (outcome: { messages: string[] }) => [...outcome.messages].sort();

describe("capabilities come from permissions, not names", () => {
  it("classifies predefined roles by what they hold", () => {
    expect(canActAs("roles/iam.workloadIdentityUser")).toBe(true);
    expect(canActAs("roles/iam.serviceAccountAdmin")).toBe(true); // iam.serviceAccounts.setIamPolicy
    expect(canActAs("roles/editor")).toBe(true);
    expect(canActAs("roles/logging.viewer")).toBe(false);
    expect(canEscalate("roles/resourcemanager.projectIamAdmin")).toBe(true);
    expect(canEscalate("roles/iam.serviceAccountKeyAdmin")).toBe(true);
    expect(canEscalate("roles/orgpolicy.policyAdmin")).toBe(true);
    expect(canEscalate("roles/iam.workloadIdentityPoolAdmin")).toBe(true);
    expect(canEscalate("roles/cloudkms.admin")).toBe(false);
    expect(canEscalate("roles/run.developer")).toBe(false);
    expect(canChange("roles/run.developer")).toBe(true);
    expect(canChange("roles/browser")).toBe(false);
    expect(canChange("roles/cloudkms.cryptoKeyDecrypter")).toBe(false);
  });
  it("treats a role it cannot read as able to do anything, and reads custom roles of the stack", () => {
    expect(canEscalate("projects/p/roles/mystery")).toBe(true);
    const custom = new Map([["projects/p/roles/reader", new Set(["storage.objects.get"])]]);
    expect(canEscalate("projects/p/roles/reader", custom)).toBe(false);
    expect(canChange("projects/p/roles/reader", custom)).toBe(false);
  });
  it("pins deploys to one repository, environment and branch, never a pull-request event", () => {
    expect(pinnedDeployRepository(PLATFORM_DEPLOY)).toBe("42");
    expect(pinsEnvironment(`${POOL}/attribute.deploy_target/12/prod/refs/heads/main`)).toBe(true);
    expect(
      pinsEnvironment(`${POOL}/attribute.deploy_target/12/prod/pull_request_target/refs/heads/main`),
    ).toBe(false);
    expect(pinsEnvironment(`${POOL}/attribute.environment/prod`)).toBe(false);
    expect(pinsEnvironment(`${POOL}/attribute.deploy_target/12/prod/refs/tags/v1`)).toBe(false);
    expect(pinsEnvironment(`${POOL}/attribute.deploy_target/12//refs/heads/main`)).toBe(false);
    expect(pinsEnvironment(`${POOL}/*`)).toBe(false);
  });
});

describe("deploy-identity-bound-to-environment: accounts that change things", () => {
  it("passes an account pinned to a deploy target, and a read-only account bound to pull requests", () => {
    const outcome = runStack(
      bound,
      [
        account("release-prod"),
        projectGrant("release-run", "roles/run.developer", email("release-prod")),
        accountGrant("release-wif", "release-prod", "roles/iam.workloadIdentityUser", PLATFORM_DEPLOY),
        account("preview"),
        projectGrant("preview-viewer", "roles/browser", email("preview")),
        accountGrant("preview-wif", "preview", "roles/iam.workloadIdentityUser", PULL_REQUEST),
      ],
      config,
    );
    expect(outcome.violations).toEqual([]);
  });
  it("fails release-prod, bound to the pull-request principal with projectIamAdmin, whatever its name", () => {
    const wif = accountGrant("release-wif", "release-prod", "roles/iam.workloadIdentityUser", PULL_REQUEST);
    const outcome = runStack(
      bound,
      [
        account("release-prod"),
        projectGrant("release-iam", "roles/resourcemanager.projectIamAdmin", email("release-prod")),
        wif,
      ],
      config,
    );
    expect(outcome.violations).toEqual([
      {
        message: `release-wif lets ${PULL_REQUEST} act as service account release-prod (roles/iam.workloadIdentityUser at account level), which can change resources (roles/resourcemanager.projectIamAdmin); only a principal pinned to one repository, environment and branch may.`,
        urn: urnOf(wif.type, "release-wif"),
      },
    ]);
  });
  it("finds who can act through IAMBinding, IAMPolicy (any key case) and project-level grants, for every act-as role", () => {
    const outcome = runStack(
      bound,
      [
        account("builder"),
        projectGrant("builder-run", "roles/run.admin", email("builder")),
        {
          type: "gcp:serviceaccount/iAMBinding:IAMBinding",
          name: "builder-binding",
          props: {
            serviceAccountId: "builder@acme-p.iam.gserviceaccount.com",
            role: "roles/iam.serviceAccountAdmin",
            members: ["group:devs@example.com"],
          },
        },
        {
          type: "gcp:serviceaccount/iAMPolicy:IAMPolicy",
          name: "builder-policy",
          props: {
            serviceAccountId: "projects/acme-p/serviceAccounts/builder@acme-p.iam.gserviceaccount.com",
            policyData: JSON.stringify({
              Bindings: [{ Role: "roles/editor", Members: [`${POOL}/attribute.environment/prod`] }],
            }),
          },
        },
        projectGrant("project-token", "roles/iam.serviceAccountTokenCreator", "user:alice@example.com"),
        projectGrant(
          "other-project-token",
          "roles/iam.serviceAccountTokenCreator",
          "user:bob@example.com",
          "acme-q",
        ),
      ],
      config,
    );
    const changes =
      "which can change resources (roles/run.admin); only a principal pinned to one repository, environment and branch may.";
    expect(messages(outcome)).toEqual(
      [
        `builder-binding lets group:devs@example.com act as service account builder (roles/iam.serviceAccountAdmin at account level), ${changes}`,
        `builder-policy lets ${POOL}/attribute.environment/prod act as service account builder (roles/editor at account level), ${changes}`,
        `project-token lets user:alice@example.com act as service account builder (roles/iam.serviceAccountTokenCreator at project level), ${changes}`,
      ].sort(),
    );
  });
  it("fails closed on an unknown member of a grant that no resource of the stack computes", () => {
    const outcome = runStack(
      bound,
      [
        account("app"),
        {
          type: "gcp:serviceaccount/iAMMember:IAMMember",
          name: "g",
          props: { serviceAccountId: "x", role: "roles/iam.serviceAccountUser", member: UNKNOWN },
        },
      ],
      config,
    );
    expect(outcome.messages).toEqual([
      ".member: value unknown at preview and computed by no resource of this stack (it has no property dependency); only a program hiding the value leaves it unknown, so it fails closed (failClosedOnUnknown is set for this stack).",
    ]);
  });

  it("an unknown member that a resource of the stack computes waits for up, where it is checked known", () => {
    const outcome = runStack(
      bound,
      [
        account("app"),
        {
          type: "gcp:serviceaccount/iAMMember:IAMMember",
          name: "g",
          props: { serviceAccountId: "x", role: "roles/iam.serviceAccountUser", member: UNKNOWN },
          propertyDependencies: { member: [urnOf("gcp:serviceaccount/account:Account", "app")] },
        },
      ],
      config,
    );
    expect(outcome.messages).toEqual([]);
  });
});

describe("iam-no-escalation-grants", () => {
  it("passes the platform's pinned deploy identity holding projectIamAdmin, and product deploys that cannot escalate", () => {
    const outcome = runStack(
      escalation,
      [
        account("deploy-platform"),
        projectGrant("platform-iam", "roles/resourcemanager.projectIamAdmin", email("deploy-platform")),
        accountGrant("platform-wif", "deploy-platform", "roles/iam.workloadIdentityUser", PLATFORM_DEPLOY),
        account("deploy-shop"),
        projectGrant("shop-run", "roles/run.developer", email("deploy-shop")),
        accountGrant("shop-wif", "deploy-shop", "roles/iam.workloadIdentityUser", PRODUCT_DEPLOY),
      ],
      config,
    );
    expect(outcome.violations).toEqual([]);
  });
  it("fails a product repository reaching serviceAccountAdmin through its account, and humans granted escalation roles", () => {
    const outcome = runStack(
      escalation,
      [
        account("deploy-shop"),
        projectGrant("shop-sa-admin", "roles/iam.serviceAccountAdmin", email("deploy-shop")),
        accountGrant("shop-wif", "deploy-shop", "roles/iam.workloadIdentityUser", PRODUCT_DEPLOY),
        projectGrant("pool-admin", "roles/iam.workloadIdentityPoolAdmin", PRODUCT_DEPLOY),
        projectGrant("keys", "roles/iam.serviceAccountKeyAdmin", "group:ops@example.com"),
        projectGrant("org-policy", "roles/orgpolicy.policyAdmin", "user:alice@example.com"),
      ],
      config,
    );
    expect(messages(outcome)).toEqual(
      [
        `${PRODUCT_DEPLOY} can raise its access by acting as deploy-shop: roles/iam.serviceAccountAdmin (shop-sa-admin, member) escalates because it holds iam.serviceAccounts.setIamPolicy.`,
        `${PRODUCT_DEPLOY} can raise its access: roles/iam.workloadIdentityPoolAdmin (pool-admin, member) escalates because it holds iam.googleapis.com/workloadIdentityPoolProviderKeys.create, iam.googleapis.com/workloadIdentityPoolProviders.create and 6 more.`,
        "group:ops@example.com can raise its access: roles/iam.serviceAccountKeyAdmin (keys, member) escalates because it holds iam.serviceAccountKeys.create.",
        "user:alice@example.com can raise its access: roles/orgpolicy.policyAdmin (org-policy, member) escalates because it holds orgpolicy.policies.create, orgpolicy.policies.delete and 2 more.",
        "group:ops@example.com can raise its access by acting as deploy-shop: roles/iam.serviceAccountAdmin (shop-sa-admin, member) escalates because it holds iam.serviceAccounts.setIamPolicy.",
      ].sort(),
    );
  });
  it("follows chains of accounts and judges custom roles of the stack by their permissions", () => {
    const outcome = runStack(
      escalation,
      [
        account("front"),
        account("back"),
        accountGrant("front-wif", "front", "roles/iam.workloadIdentityUser", PULL_REQUEST),
        accountGrant("front-acts-as-back", "back", "roles/iam.serviceAccountTokenCreator", email("front")),
        {
          type: "gcp:projects/iAMCustomRole:IAMCustomRole",
          name: "granter",
          props: {
            project: "acme-p",
            roleId: "granter",
            title: "t",
            permissions: ["resourcemanager.projects.setIamPolicy"],
          },
        },
        projectGrant("back-granter", "projects/acme-p/roles/granter", email("back")),
      ],
      config,
    );
    expect(outcome.messages).toEqual([
      `${PULL_REQUEST} can raise its access by acting as front → back: projects/acme-p/roles/granter (back-granter, member) escalates because it holds resourcemanager.projects.setIamPolicy.`,
    ]);
  });
});

describe("grant semantics through the Analyzer protocol", () => {
  const STACK = "prod";
  const scratch = mkdtempSync(join(tmpdir(), "policy-reach-"));
  let pack: PolicyPackSession;
  beforeAll(async () => {
    pack = await openPolicyPack({ packDir: "policies", stack: STACK, project: "platform", dryRun: true });
  });
  afterAll(async () => {
    await pack?.close();
  });
  const planned = (fixture: FakeResource): PlannedResource => ({
    urn: `urn:pulumi:${STACK}::platform::${fixture.type}::${fixture.name}`,
    type: fixture.type,
    name: fixture.name ?? "r",
    parent: null,
    custom: true,
    protect: false,
    inputs: fixture.props ?? {},
  });

  it("reports release-prod bound to the pull-request principal with projectIamAdmin, at mandatory level", async () => {
    const file = join(scratch, "config.json");
    writeFileSync(
      file,
      JSON.stringify({
        "deploy-identity-bound-to-environment": { enforcementLevel: "mandatory", stack: STACK },
        "iam-no-escalation-grants": {
          enforcementLevel: "mandatory",
          stack: STACK,
          platformRepositoryIds: ["42"],
        },
      }),
    );
    const iam = projectGrant("release-iam", "roles/resourcemanager.projectIamAdmin", email("release-prod"));
    const wif = accountGrant("release-wif", "release-prod", "roles/iam.workloadIdentityUser", PULL_REQUEST);
    const report = await pack.run({
      configFile: file,
      resources: [account("release-prod"), iam, wif].map(planned),
    });
    const found = report.violations
      .filter(
        (v) =>
          v.policyName === "deploy-identity-bound-to-environment" ||
          v.policyName === "iam-no-escalation-grants",
      )
      .map((v) => [v.policyName, v.enforcementLevel, v.urn, v.message.split("\n").at(-1)])
      .sort();
    expect(found).toEqual([
      [
        "deploy-identity-bound-to-environment",
        "mandatory",
        planned(wif).urn,
        `release-wif lets ${PULL_REQUEST} act as service account release-prod (roles/iam.workloadIdentityUser at account level), which can change resources (roles/resourcemanager.projectIamAdmin); only a principal pinned to one repository, environment and branch may.`,
      ],
      [
        "iam-no-escalation-grants",
        "mandatory",
        planned(iam).urn,
        `${PULL_REQUEST} can raise its access by acting as release-prod: roles/resourcemanager.projectIamAdmin (release-iam, member) escalates because it holds resourcemanager.projects.setIamPolicy.`,
      ],
    ]);
  });
});
