import type * as pulumi from "@pulumi/pulumi";
import { describe, expect, test } from "vitest";
import { CiIdentity, type CiIdentityArgs, ProductCiIdentity } from "../../components/ci-identity";
import { runUnderMocks } from "../../tools/plan/mock-runtime";
import type { PlannedResource } from "../../tools/plan/model";

const PROJECT_NUMBER_OF = (resources: PlannedResource[]) =>
  /projects\/([0-9]+)\//.exec(
    String(byName(resources, "ci-deploy-wif-deploy-target-612345678-prod-refs-heads-main").inputs.member),
  )?.[1];

const ARGS: CiIdentityArgs = {
  project: "acme-platform-prod",
  github: { name: "acme-corp", id: "81234567" },
  repository: { name: "platform", id: "612345678" },
  deployEnvironment: "prod",
  stateBackend: {
    bucket: "acme-pulumi-state",
    secretsKeyId: "projects/acme-state/locations/eu/keyRings/pulumi-state/cryptoKeys/pulumi-secrets",
  },
};

function byName(resources: PlannedResource[], name: string): PlannedResource {
  const found = resources.find((resource) => resource.name === name);
  if (!found) throw new Error(`no resource ${name}; have ${resources.map((r) => r.name).join(", ")}`);
  return found;
}

function resolved<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply(resolve));
}

async function plan(args: CiIdentityArgs = ARGS) {
  return runUnderMocks({
    project: "platform",
    stack: "prod",
    program: async () => {
      const ci = new CiIdentity("ci", args);
      return {
        principalSets: await resolved(ci.principalSets),
        provider: await resolved(ci.providerName),
        expectedClaims: ci.expectedClaims,
      };
    },
  });
}

describe("CiIdentity", () => {
  test("declares a protected pool and GitHub provider with the pinned condition", async () => {
    const { resources } = await plan();
    const pool = byName(resources, "ci-pool");
    expect(pool.urn).toBe(
      "urn:pulumi:prod::platform::platform:ci:CiIdentity$gcp:iam/workloadIdentityPool:WorkloadIdentityPool::ci-pool",
    );
    expect(pool.protect).toBe(true);
    expect(pool.inputs).toMatchObject({
      workloadIdentityPoolId: "github-actions",
      project: "acme-platform-prod",
      deletionPolicy: "PREVENT",
    });
    const provider = byName(resources, "ci-provider");
    expect(provider.type).toBe("gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider");
    expect(provider.protect).toBe(true);
    expect(provider.inputs).toMatchObject({
      workloadIdentityPoolId: "github-actions",
      workloadIdentityPoolProviderId: "github",
      oidc: { issuerUri: "https://token.actions.githubusercontent.com" },
      attributeCondition:
        'assertion.repository_owner_id == "81234567" && assertion.repository_id in ["612345678"] && ' +
        'assertion.event_name in ["push", "pull_request", "workflow_dispatch", "schedule"]',
    });
    expect((provider.inputs.attributeMapping as Record<string, string>)["attribute.environment"]).toBe(
      'has(assertion.environment) ? assertion.environment : ""',
    );
  });

  test("binds preview to pull requests and main, deploy to the stack's environment on main, on composite attributes only", async () => {
    const { resources, outputs } = await plan();
    const number = PROJECT_NUMBER_OF(resources);
    const pool = `principalSet://iam.googleapis.com/projects/${number}/locations/global/workloadIdentityPools/github-actions`;
    expect(outputs.principalSets).toEqual({
      preview: [
        `${pool}/attribute.repository_event/612345678/pull_request`,
        `${pool}/attribute.repository_ref/612345678/refs/heads/main`,
      ],
      deploy: [
        `${pool}/attribute.deploy_target/612345678/prod/push/refs/heads/main:acme-corp/platform/.github/workflows/deploy.yml@refs/heads/main`,
      ],
    });
    const wif = resources.filter((r) => r.type === "gcp:serviceaccount/iAMMember:IAMMember");
    expect(wif.map((r) => [r.name, r.inputs.role, r.inputs.serviceAccountId])).toEqual([
      [
        "ci-preview-wif-repository-event-612345678-pull-request",
        "roles/iam.workloadIdentityUser",
        "projects/acme-platform-prod/serviceAccounts/preview-platform@acme-platform-prod.iam.gserviceaccount.com",
      ],
      [
        "ci-preview-wif-repository-ref-612345678-refs-heads-main",
        "roles/iam.workloadIdentityUser",
        "projects/acme-platform-prod/serviceAccounts/preview-platform@acme-platform-prod.iam.gserviceaccount.com",
      ],
      [
        "ci-deploy-wif-deploy-target-612345678-prod-refs-heads-main",
        "roles/iam.workloadIdentityUser",
        "projects/acme-platform-prod/serviceAccounts/deploy-platform@acme-platform-prod.iam.gserviceaccount.com",
      ],
    ]);
    for (const binding of wif) {
      const member = String(binding.inputs.member);
      expect(member).not.toMatch(/\/\*$|\/subject\/|attribute\.(repository|repository_owner|actor|sub)\//);
    }
    expect(outputs.provider).toBe(
      `projects/${number}/locations/global/workloadIdentityPools/github-actions/providers/github`,
    );
  });

  test("deploy account id starts with deploy-; no keys; no primitive roles", async () => {
    const { resources } = await plan();
    const accounts = resources
      .filter((r) => r.type === "gcp:serviceaccount/account:Account")
      .map((r) => r.inputs.accountId);
    expect(accounts).toEqual(["preview-platform", "deploy-platform"]);
    expect(resources.some((r) => r.type === "gcp:serviceaccount/key:Key")).toBe(false);
    const roles = resources
      .filter((r) => r.type === "gcp:projects/iAMMember:IAMMember")
      .map((r) => String(r.inputs.role));
    // The read-only preview roles and the deploy roles, once each on the one project of the stack.
    expect(roles.sort()).toEqual([
      "roles/browser",
      "roles/cloudkms.admin",
      "roles/cloudkms.viewer",
      "roles/compute.networkAdmin",
      "roles/compute.securityAdmin",
      "roles/compute.viewer",
      "roles/iam.securityReviewer",
      "roles/iam.serviceAccountAdmin",
      "roles/iam.workloadIdentityPoolAdmin",
      "roles/iam.workloadIdentityPoolViewer",
      "roles/logging.configWriter",
      "roles/logging.viewer",
      "roles/monitoring.editor",
      "roles/monitoring.viewer",
      "roles/resourcemanager.projectIamAdmin",
      "roles/serviceusage.serviceUsageAdmin",
      "roles/serviceusage.serviceUsageViewer",
    ]);
    expect(roles.filter((role) => ["roles/owner", "roles/editor", "roles/viewer"].includes(role))).toEqual(
      [],
    );
  });

  test("preview reads the state and only decrypts; deploy writes and encrypts", async () => {
    const { resources } = await plan();
    const state = resources
      .filter(
        (r) =>
          r.type === "gcp:storage/bucketIAMMember:BucketIAMMember" ||
          r.type === "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember",
      )
      .map((r) => [String(r.inputs.member).split(":")[1].split("@")[0], r.inputs.role]);
    expect(state).toEqual([
      ["preview-platform", "roles/storage.objectViewer"],
      ["preview-platform", "roles/cloudkms.cryptoKeyDecrypter"],
      ["deploy-platform", "roles/storage.objectUser"],
      ["deploy-platform", "roles/cloudkms.cryptoKeyEncrypterDecrypter"],
    ]);
    const previewRoles = resources
      .filter(
        (r) =>
          r.type === "gcp:projects/iAMMember:IAMMember" &&
          String(r.inputs.member).includes("preview-platform"),
      )
      .map((r) => String(r.inputs.role));
    // Read-only roles, none that decrypts or reads secrets.
    expect(previewRoles.sort()).toEqual([
      "roles/browser",
      "roles/cloudkms.viewer",
      "roles/compute.viewer",
      "roles/iam.securityReviewer",
      "roles/iam.workloadIdentityPoolViewer",
      "roles/logging.viewer",
      "roles/monitoring.viewer",
      "roles/serviceusage.serviceUsageViewer",
    ]);
  });

  test("exports the claims a job must present", async () => {
    const { outputs } = await plan();
    expect(outputs.expectedClaims.deploy).toEqual({
      repository: "acme-corp/platform",
      repository_id: "612345678",
      repository_owner_id: "81234567",
      event_name: ["push"],
      ref: "refs/heads/main",
      environment: "prod",
      job_workflow_ref: "acme-corp/platform/.github/workflows/deploy.yml@refs/heads/main",
      allowedEvents: ["push", "pull_request", "workflow_dispatch", "schedule"],
    });
    expect(outputs.expectedClaims.preview.map((claims) => [claims.event_name, claims.ref])).toEqual([
      [["pull_request"], undefined],
      [["push", "pull_request", "workflow_dispatch", "schedule"], "refs/heads/main"],
    ]);
  });
});

describe("unsafe input is refused, naming the argument, the expectation and what was found", () => {
  const construct = (args: Partial<CiIdentityArgs>) => () =>
    new CiIdentity("ci", { ...ARGS, ...args } as CiIdentityArgs);

  test.each([
    [
      { github: { name: "acme-corp", id: "acme-corp" } },
      'github.id: expected the numeric organization id as a string, like "123456789" (names can be re-registered by someone else; ids cannot), found "acme-corp"',
    ],
    [
      { repository: { name: "platform", id: "acme-corp/platform" } },
      'repository.id: expected the numeric repository id as a string, like "123456789" (names can be re-registered by someone else; ids cannot), found "acme-corp/platform"',
    ],
    [
      { repository: { name: "*", id: "612345678" } },
      'repository.name: expected a repository name without its owner, like "platform" (no wildcard), found "*"',
    ],
    [
      { trustedRepositories: [{ name: "x", id: "*" }] },
      'trustedRepositories[0].id: expected the numeric repository id as a string, like "123456789" (names can be re-registered by someone else; ids cannot), found "*"',
    ],
    [
      { deployEnvironment: "" },
      'deployEnvironment: expected the GitHub environment of the deploy job (a deploy identity is never bound without one), found ""',
    ],
    [
      { deployEnvironment: undefined },
      "deployEnvironment: expected the GitHub environment of the deploy job (a deploy identity is never bound without one), found nothing",
    ],
    [
      { deployEnvironment: "prod*" },
      "deployEnvironment: expected a GitHub environment name of letters, digits, '.', '_' or '-' (no wildcard), found \"prod*\"",
    ],
    [
      { deployRef: "refs/heads/*" },
      'deployRef: expected a full branch ref, like "refs/heads/main" (no wildcard), found "refs/heads/*"',
    ],
    [
      { deployRoles: ["roles/editor"] },
      'deployRoles[0]: expected a predefined role like "roles/run.developer" (never roles/owner, roles/editor or roles/viewer), found "roles/editor"',
    ],
  ])("%j", (args, message) => {
    let thrown: unknown;
    try {
      construct(args)();
    } catch (error) {
      thrown = error;
    }
    expect((thrown as Error | undefined)?.message).toBe(`CiIdentity "ci": ${message}`);
  });

  test("a product repository the pool does not trust, an empty environment list, a wildcard environment", async () => {
    await runUnderMocks({
      project: "platform",
      stack: "prod",
      program: () => {
        const pool = new CiIdentity("ci", {
          ...ARGS,
          trustedRepositories: [{ name: "payments-api", id: "623456789" }],
        });
        const product = {
          pool,
          project: "acme-payments-prod",
          repository: { name: "payments-api", id: "623456789" },
          roles: ["roles/run.developer"],
        };
        expect(() => new ProductCiIdentity("a", { ...product, environments: [] })).toThrow(
          'ProductCiIdentity "a": environments: expected at least one GitHub environment (a deploy identity is never bound without one), found an empty list',
        );
        expect(() => new ProductCiIdentity("b", { ...product, environments: ["*"] })).toThrow(
          "environments[0]: expected a GitHub environment name",
        );
        expect(
          () =>
            new ProductCiIdentity("c", {
              ...product,
              repository: { name: "api", id: "634567890" },
              environments: ["prod"],
            }),
        ).toThrow(
          'repository.id: expected a repository the pool trusts (612345678, 623456789); add it to the CiIdentity\'s trustedRepositories, found "634567890"',
        );
        expect(() => new ProductCiIdentity("d", { ...product, environments: ["prod"], roles: [] })).toThrow(
          "roles: expected at least one predefined role, found an empty list",
        );
      },
    });
  });
});

describe("ProductCiIdentity", () => {
  test("a deploy identity in the team's project per environment, and an optional preview identity", async () => {
    const { resources } = await runUnderMocks({
      project: "platform",
      stack: "prod",
      program: () => {
        const pool = new CiIdentity("ci", {
          ...ARGS,
          trustedRepositories: [{ name: "payments-api", id: "623456789" }],
        });
        new ProductCiIdentity("payments-api", {
          pool,
          project: "acme-payments-prod",
          repository: { name: "payments-api", id: "623456789" },
          environments: ["prod", "prod-eu"],
          roles: ["roles/run.developer"],
          previewRoles: ["roles/run.viewer"],
        });
      },
    });
    const product = resources.filter((r) => r.urn.includes("platform:ci:ProductCiIdentity$"));
    // Registration order follows output resolution; the set is what matters.
    expect(product.map((r) => `${r.type.split(":").pop()} ${r.name}`).sort()).toEqual([
      "Account payments-api-deploy",
      "Account payments-api-preview",
      "IAMMember payments-api-deploy-run-developer",
      "IAMMember payments-api-deploy-wif-deploy-target-623456789-prod-eu-refs-heads-main",
      "IAMMember payments-api-deploy-wif-deploy-target-623456789-prod-refs-heads-main",
      "IAMMember payments-api-preview-run-viewer",
      "IAMMember payments-api-preview-wif-repository-event-623456789-pull-request",
      "IAMMember payments-api-preview-wif-repository-ref-623456789-refs-heads-main",
    ]);
    expect(byName(resources, "payments-api-deploy").inputs).toMatchObject({
      accountId: "deploy-payments-api",
      project: "acme-payments-prod",
    });
    expect(byName(resources, "payments-api-deploy-run-developer").inputs).toMatchObject({
      project: "acme-payments-prod",
      role: "roles/run.developer",
      member: "serviceAccount:deploy-payments-api@acme-payments-prod.iam.gserviceaccount.com",
    });
  });
});
