import * as gcp from "@pulumi/gcp";
import { describe, expect, test } from "vitest";
import {
  GITHUB_ISSUER,
  githubAttributeCondition,
  githubAttributeMapping,
} from "../../components/ci-identity/claims";
import { type AccessDecision, simulateAccess } from "../../tools/access/simulate";
import { runUnderMocks } from "../../tools/plan/mock-runtime";
import type { PlannedResource } from "../../tools/plan/model";
import { loadClaims } from "./matrix";

/**
 * `npm run access` must see every grant that lets a token impersonate an account, whatever resource
 * type or role carries it. Each stack is built here with the real @pulumi/gcp resources under
 * Pulumi's mocks (so the inputs are spelled as the provider spells them), with two pools.
 */

const ORG_ID = "81234567";
const REPO_ID = "612345678";
/** The token: a pull request of the platform repository (no environment). */
const TOKEN = loadClaims("platform-pull-request");
const MATCHING = `attribute.repository_event/${REPO_ID}/pull_request`;
/** How a reason names the matching grant's member. */
const GRANTED = `granted by principalSet://iam.googleapis.com/projects/111/locations/global/workloadIdentityPools/github-actions/${MATCHING}`;

type Grant = (ctx: {
  target: gcp.serviceaccount.Account;
  member: (value: string) => string;
  other: gcp.serviceaccount.Account;
}) => void;

/** Two pools (`github-actions` in acme-ci, `other` in acme-other), a target account in acme-app. */
async function stackWith(grant: Grant): Promise<PlannedResource[]> {
  const { resources } = await runUnderMocks({
    project: "platform",
    stack: "test",
    program: () => {
      for (const [project, poolId] of [
        ["acme-ci", "github-actions"],
        ["acme-other", "other"],
      ] as const) {
        const pool = new gcp.iam.WorkloadIdentityPool(`${poolId}-pool`, {
          project,
          workloadIdentityPoolId: poolId,
        });
        new gcp.iam.WorkloadIdentityPoolProvider(`${poolId}-provider`, {
          project,
          workloadIdentityPoolId: pool.workloadIdentityPoolId,
          workloadIdentityPoolProviderId: "github",
          attributeMapping: githubAttributeMapping(),
          attributeCondition: githubAttributeCondition({ organizationId: ORG_ID, repositoryIds: [REPO_ID] }),
          oidc: { issuerUri: GITHUB_ISSUER },
        });
      }
      const target = new gcp.serviceaccount.Account("target", {
        project: "acme-app",
        accountId: "target-app",
      });
      const other = new gcp.serviceaccount.Account("other", { project: "acme-app", accountId: "other-app" });
      const member = (value: string) =>
        `principalSet://iam.googleapis.com/projects/111/locations/global/workloadIdentityPools/github-actions/${value}`;
      grant({ target, member, other });
    },
  });
  return resources;
}

const TARGET = "target-app@acme-app.iam.gserviceaccount.com";

function decisionFor(decisions: AccessDecision[], account = TARGET): AccessDecision | undefined {
  return decisions.find((decision) => decision.allowed && decision.serviceAccount === account);
}

describe("grants on the service account", () => {
  test("IAMMember with roles/iam.workloadIdentityUser", async () => {
    const resources = await stackWith(({ target, member }) => {
      new gcp.serviceaccount.IAMMember("wif", {
        serviceAccountId: target.name,
        role: "roles/iam.workloadIdentityUser",
        member: member(MATCHING),
      });
    });
    const decision = decisionFor(simulateAccess(resources, TOKEN));
    expect(decision?.matchedMembers).toEqual([
      `principalSet://iam.googleapis.com/projects/111/locations/global/workloadIdentityPools/github-actions/${MATCHING}`,
    ]);
    expect(decision?.provider).toBe(
      "urn:pulumi:test::platform::gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider::github-actions-provider",
    );
  });

  test("IAMBinding with roles/iam.serviceAccountTokenCreator (members list)", async () => {
    const resources = await stackWith(({ target, member }) => {
      new gcp.serviceaccount.IAMBinding("creator", {
        serviceAccountId: target.name,
        role: "roles/iam.serviceAccountTokenCreator",
        members: ["group:nobody@example.com", member(MATCHING)],
      });
    });
    const decision = decisionFor(simulateAccess(resources, TOKEN));
    expect(decision?.reason).toBe(
      `granted by principalSet://iam.googleapis.com/projects/111/locations/global/workloadIdentityPools/github-actions/${MATCHING} (roles/iam.serviceAccountTokenCreator on the service account, holds iam.serviceAccounts.getAccessToken, iam.serviceAccounts.getOpenIdToken, iam.serviceAccounts.implicitDelegation, iam.serviceAccounts.signBlob, iam.serviceAccounts.signJwt)`,
    );
  });

  test("IAMPolicy, with the document's keys in any case (as the provider decodes it)", async () => {
    const resources = await stackWith(({ target, member }) => {
      new gcp.serviceaccount.IAMPolicy("policy", {
        serviceAccountId: target.name,
        policyData: JSON.stringify({
          Bindings: [{ ROLE: "roles/iam.serviceAccountUser", Members: [member(MATCHING)] }],
        }),
      });
    });
    expect(decisionFor(simulateAccess(resources, TOKEN))?.reason).toBe(
      `${GRANTED} (roles/iam.serviceAccountUser on the service account, holds iam.serviceAccounts.actAs)`,
    );
  });

  test("an IAMPolicy that does not decode is assumed to grant everything", async () => {
    const resources = await stackWith(({ target }) => {
      new gcp.serviceaccount.IAMPolicy("policy", { serviceAccountId: target.name, policyData: "{not json" });
    });
    expect(decisionFor(simulateAccess(resources, TOKEN))?.matchedMembers).toEqual(["allUsers"]);
  });

  test("a role holding only signJwt or getOpenIdToken, and owner", async () => {
    for (const role of ["roles/iam.serviceAccountOpenIdTokenCreator", "roles/owner", "roles/editor"]) {
      const resources = await stackWith(({ target, member }) => {
        new gcp.serviceaccount.IAMMember("grant", {
          serviceAccountId: target.name,
          role,
          member: member(MATCHING),
        });
      });
      expect(decisionFor(simulateAccess(resources, TOKEN))?.matchedMembers, role).toEqual([
        `principalSet://iam.googleapis.com/projects/111/locations/global/workloadIdentityPools/github-actions/${MATCHING}`,
      ]);
    }
  });

  test("a role without any impersonation permission grants nothing", async () => {
    const resources = await stackWith(({ target, member }) => {
      new gcp.serviceaccount.IAMMember("viewer", {
        serviceAccountId: target.name,
        role: "roles/iam.serviceAccountViewer",
        member: member(MATCHING),
      });
    });
    expect(simulateAccess(resources, TOKEN)).toEqual([]);
  });

  test("an IAM condition is assumed to hold", async () => {
    const resources = await stackWith(({ target, member }) => {
      new gcp.serviceaccount.IAMMember("conditional", {
        serviceAccountId: target.name,
        role: "roles/iam.workloadIdentityUser",
        member: member(MATCHING),
        condition: { title: "until", expression: 'request.time < timestamp("2000-01-01T00:00:00Z")' },
      });
    });
    expect(decisionFor(simulateAccess(resources, TOKEN))?.reason).toBe(
      `${GRANTED} (roles/iam.workloadIdentityUser on the service account, holds iam.serviceAccounts.getAccessToken, iam.serviceAccounts.getOpenIdToken; its IAM condition is assumed to hold)`,
    );
  });
});

describe("grants above the account", () => {
  test("project IAMMember of serviceAccountTokenCreator reaches every account of that project only", async () => {
    const resources = await stackWith(({ member }) => {
      new gcp.projects.IAMMember("project-creator", {
        project: "acme-app",
        role: "roles/iam.serviceAccountTokenCreator",
        member: member(MATCHING),
      });
      new gcp.serviceaccount.Account("elsewhere", { project: "acme-elsewhere", accountId: "elsewhere-sa" });
    });
    const allowed = simulateAccess(resources, TOKEN)
      .filter((decision) => decision.allowed)
      .map((decision) => decision.serviceAccount);
    expect(allowed).toEqual([
      "other-app@acme-app.iam.gserviceaccount.com",
      "target-app@acme-app.iam.gserviceaccount.com",
    ]);
  });

  test("project IAMBinding and IAMPolicy (authoritative) with serviceAccountUser", async () => {
    const binding = await stackWith(({ member }) => {
      new gcp.projects.IAMBinding("users", {
        project: "acme-app",
        role: "roles/iam.serviceAccountUser",
        members: [member(MATCHING)],
      });
    });
    expect(decisionFor(simulateAccess(binding, TOKEN))?.reason).toBe(
      `${GRANTED} (roles/iam.serviceAccountUser on project acme-app, holds iam.serviceAccounts.actAs)`,
    );
    const policy = await stackWith(({ member }) => {
      new gcp.projects.IAMPolicy("policy", {
        project: "acme-app",
        policyData: JSON.stringify({
          bindings: [{ role: "roles/iam.workloadIdentityUser", members: [member(MATCHING)] }],
        }),
      });
    });
    expect(decisionFor(simulateAccess(policy, TOKEN))?.reason).toBe(
      `${GRANTED} (roles/iam.workloadIdentityUser on project acme-app, holds iam.serviceAccounts.getAccessToken, iam.serviceAccounts.getOpenIdToken)`,
    );
  });

  test("folder and organization grants are assumed to reach every account of the stack", async () => {
    for (const declare of [
      (member: string) =>
        new gcp.folder.IAMMember("folder", {
          folder: "folders/123",
          role: "roles/iam.serviceAccountTokenCreator",
          member,
        }),
      (member: string) =>
        new gcp.organizations.IAMBinding("org", {
          orgId: "456",
          role: "roles/iam.serviceAccountTokenCreator",
          members: [member],
        }),
    ]) {
      const resources = await stackWith(({ member }) => {
        declare(member(MATCHING));
      });
      expect(
        simulateAccess(resources, TOKEN)
          .filter((d) => d.allowed)
          .map((d) => d.serviceAccount.split("@")[0]),
      ).toEqual(["other-app", "target-app"]);
    }
  });

  test("a custom role declared in the stack counts by its permissions", async () => {
    const holds = await stackWith(({ member }) => {
      new gcp.projects.IAMCustomRole("minter", {
        project: "acme-app",
        roleId: "tokenMinter",
        title: "Token minter",
        permissions: ["iam.serviceAccounts.getAccessToken"],
      });
      new gcp.projects.IAMMember("custom", {
        project: "acme-app",
        role: "projects/acme-app/roles/tokenMinter",
        member: member(MATCHING),
      });
    });
    expect(decisionFor(simulateAccess(holds, TOKEN))?.reason).toBe(
      `${GRANTED} (projects/acme-app/roles/tokenMinter on project acme-app, custom role holding iam.serviceAccounts.getAccessToken)`,
    );
    const harmless = await stackWith(({ member }) => {
      new gcp.projects.IAMCustomRole("reader", {
        project: "acme-app",
        roleId: "reader",
        title: "Reader",
        permissions: ["iam.serviceAccounts.get"],
      });
      new gcp.projects.IAMMember("custom", {
        project: "acme-app",
        role: "projects/acme-app/roles/reader",
        member: member(MATCHING),
      });
    });
    expect(simulateAccess(harmless, TOKEN)).toEqual([]);
  });

  test("a custom role the stack does not define is assumed to allow impersonation", async () => {
    const resources = await stackWith(({ target, member }) => {
      new gcp.serviceaccount.IAMMember("unknown", {
        serviceAccountId: target.name,
        role: "organizations/456/roles/somethingElse",
        member: member(MATCHING),
      });
    });
    expect(decisionFor(simulateAccess(resources, TOKEN))?.reason).toBe(
      `${GRANTED} (organizations/456/roles/somethingElse on the service account, a role not defined in the stack or by Google: assumed to allow impersonation)`,
    );
  });
});

describe("members, pools and chains", () => {
  test("allUsers and allAuthenticatedUsers need no token exchange", async () => {
    for (const publicMember of ["allUsers", "allAuthenticatedUsers"]) {
      const resources = await stackWith(({ target }) => {
        new gcp.serviceaccount.IAMMember("public", {
          serviceAccountId: target.name,
          role: "roles/iam.serviceAccountTokenCreator",
          member: publicMember,
        });
      });
      const outsider = { ...TOKEN, repository_owner_id: "99999999" };
      expect(decisionFor(simulateAccess(resources, outsider))?.matchedMembers, publicMember).toEqual([
        publicMember,
      ]);
    }
  });

  test("a grant to another pool's principals is judged by that pool's provider", async () => {
    const resources = await stackWith(({ target }) => {
      new gcp.serviceaccount.IAMMember("other-pool", {
        serviceAccountId: target.name,
        role: "roles/iam.workloadIdentityUser",
        member: `principalSet://iam.googleapis.com/projects/222/locations/global/workloadIdentityPools/other/${MATCHING}`,
      });
    });
    expect(decisionFor(simulateAccess(resources, TOKEN))?.provider).toBe(
      "urn:pulumi:test::platform::gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider::other-provider",
    );
  });

  test("a refusal names the binding the token did not match", async () => {
    const resources = await stackWith(({ target, member }) => {
      new gcp.serviceaccount.IAMMember("deploy-only", {
        serviceAccountId: target.name,
        role: "roles/iam.workloadIdentityUser",
        member: member(`attribute.repository_ref/${REPO_ID}/refs/heads/main`),
      });
    });
    const [decision] = simulateAccess(resources, TOKEN);
    expect(decision).toMatchObject({ allowed: false, refusedAt: "binding", serviceAccount: TARGET });
    // The pull request's merge ref against the one binding, on main.
    expect(decision.reason).toBe(
      'no member matches: the token maps attribute.repository_ref="612345678/refs/pull/42/merge"; the bindings expect repository_ref="612345678/refs/heads/main"',
    );
  });

  test("chains: an account the token reaches that may impersonate another gives that one too", async () => {
    const resources = await stackWith(({ target, member, other }) => {
      new gcp.serviceaccount.IAMMember("wif", {
        serviceAccountId: other.name,
        role: "roles/iam.workloadIdentityUser",
        member: member(MATCHING),
      });
      new gcp.serviceaccount.IAMMember("chain", {
        serviceAccountId: target.name,
        role: "roles/iam.serviceAccountTokenCreator",
        member: other.email.apply((email) => `serviceAccount:${email}`),
      });
    });
    const chained = decisionFor(simulateAccess(resources, TOKEN));
    expect(chained?.reason).toBe(
      "through other-app@acme-app.iam.gserviceaccount.com, granted by serviceAccount:other-app@acme-app.iam.gserviceaccount.com (roles/iam.serviceAccountTokenCreator on the service account, holds iam.serviceAccounts.getAccessToken, iam.serviceAccounts.getOpenIdToken, iam.serviceAccounts.implicitDelegation, iam.serviceAccounts.signBlob, iam.serviceAccounts.signJwt)",
    );
  });
});
