/** ProductCiIdentity in a team's program: the platform's pool by reference, not the live CiIdentity. */
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import {
  ProductCiIdentity,
  poolFromPlatformStack,
  type WorkloadIdentityPoolRef,
} from "../../components/ci-identity";
import { runUnderMocks, wireOutputs } from "../../tools/plan/mock-runtime";

const POOL = "projects/210029687797/locations/global/workloadIdentityPools/github-actions";
const REPOSITORY = { name: "team-service", id: "634567890" };

function declare(pool: WorkloadIdentityPoolRef | (() => WorkloadIdentityPoolRef)) {
  return runUnderMocks({
    project: "team-service",
    stack: "dev",
    stackReferences: (name) =>
      name === "acme/platform/dev"
        ? wireOutputs(
            {
              ci: {
                pool: {
                  name: POOL,
                  organizationId: "81234567",
                  organizationName: "acme-corp",
                  deployRef: "refs/heads/main",
                  trustedRepositoryIds: ["612345678", "634567890"],
                },
              },
            },
            [],
          )
        : undefined,
    program: () => {
      new ProductCiIdentity("svc", {
        pool: typeof pool === "function" ? pool() : pool,
        project: "acme-payments-dev",
        repository: REPOSITORY,
        environments: ["dev"],
        roles: ["roles/run.developer"],
      });
      return {};
    },
  });
}

// The deploy principal pins the workflow too (job_workflow_ref): <org>/<repo>/.github/workflows/deploy.yml@<deploy ref>.
const DEPLOY_MEMBER = `principalSet://iam.googleapis.com/${POOL}/attribute.deploy_target/634567890/dev/push/refs/heads/main:acme-corp/team-service/.github/workflows/deploy.yml@refs/heads/main`;

describe("ProductCiIdentity with a pool reference", () => {
  it("binds the deploy identity through the pool named in full", async () => {
    const { resources } = await declare({
      name: POOL,
      organizationId: "81234567",
      organizationName: "acme-corp",
      trustedRepositoryIds: ["634567890"],
    });
    const binding = resources.find((r) => r.type === "gcp:serviceaccount/iAMMember:IAMMember");
    expect(binding?.inputs).toMatchObject({ role: "roles/iam.workloadIdentityUser", member: DEPLOY_MEMBER });
  });

  it("reads the pool from the platform stack's ci.pool output", async () => {
    const { resources } = await declare(() =>
      poolFromPlatformStack(new pulumi.StackReference("acme/platform/dev"), {
        organizationId: "81234567",
        organizationName: "acme-corp",
      }),
    );
    const binding = resources.find((r) => r.type === "gcp:serviceaccount/iAMMember:IAMMember");
    expect(binding?.inputs.member).toBe(DEPLOY_MEMBER);
  });

  it("refuses a pool name that is not a pool's full resource name, and a repository the pool does not trust", () => {
    expect(
      () =>
        new ProductCiIdentity("bad", {
          pool: {
            name: "github-actions",
            organizationId: "81234567",
            organizationName: "acme-corp",
            trustedRepositoryIds: ["1"],
          },
          project: "p",
          repository: REPOSITORY,
          environments: ["dev"],
          roles: ["roles/run.developer"],
        }),
    ).toThrow(
      'ProductCiIdentity "bad": pool.name: expected projects/<number>/locations/global/workloadIdentityPools/<id>, found "github-actions"',
    );
    expect(
      () =>
        new ProductCiIdentity("untrusted", {
          pool: {
            name: POOL,
            organizationId: "81234567",
            organizationName: "acme-corp",
            trustedRepositoryIds: ["612345678"],
          },
          project: "p",
          repository: REPOSITORY,
          environments: ["dev"],
          roles: ["roles/run.developer"],
        }),
    ).toThrow(
      'ProductCiIdentity "untrusted": repository.id: expected a repository the pool trusts (612345678); ask the platform team to add it to platform:ci.productRepositories, found "634567890"',
    );
  });

  it("fails the preview when the referenced stack's pool does not trust the repository", async () => {
    await expect(
      declare({
        name: POOL,
        organizationId: "81234567",
        organizationName: "acme-corp",
        trustedRepositoryIds: pulumi.output(["612345678"]),
      }),
    ).rejects.toThrow(
      'ProductCiIdentity: repository.id: expected a repository the pool trusts (612345678), found "634567890"; ask the platform team to add it to platform:ci.productRepositories',
    );
  });
});
