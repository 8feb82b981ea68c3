import { run } from "@bufbuild/cel";
import { beforeAll, describe, expect, test } from "vitest";
import { parse } from "yaml";
import {
  deployAttributeValue,
  githubAttributeMapping,
  jobWorkflowRef,
} from "../../components/ci-identity/claims";
import { defineCiIdentities } from "../../stacks/ci";
import { ciConfigSchema } from "../../stacks/config/ci";
import { simulateAccess } from "../../tools/access/simulate";
import { runUnderMocks } from "../../tools/plan/mock-runtime";
import type { PlannedResource } from "../../tools/plan/model";
import { allowedAccounts, loadClaims } from "../access/matrix";

/**
 * Deploy identities pin the workflow that defines the job (`job_workflow_ref`): the deploy workflow
 * of that repository, on main. Attacker tokens are evaluated with a real CEL evaluator against the
 * provider and bindings of a stack built here (the platform repository with the default workflow,
 * a product repository with its own).
 */

const CONFIG = `
github: { organization: acme-corp, organizationId: "81234567" }
platformRepository: { name: platform, id: "612345678" }
state:
  bucket: acme-pulumi-state-prod
  secretsKey: projects/acme-state/locations/europe-west1/keyRings/pulumi-state/cryptoKeys/pulumi-secrets-prod
productRepositories:
  - name: payments-api
    id: "623456789"
    environment: payments
    githubEnvironments: [prod]
    roles: [roles/run.developer]
    deployWorkflow: .github/workflows/release.yaml
`;

const PLATFORM_DEPLOY = "acme-corp/platform/.github/workflows/deploy.yml@refs/heads/main";
const PAYMENTS_DEPLOY = "acme-corp/payments-api/.github/workflows/release.yaml@refs/heads/main";

let resources: PlannedResource[];

beforeAll(async () => {
  const ci = ciConfigSchema.parse(parse(CONFIG));
  ({ resources } = await runUnderMocks({
    project: "platform",
    stack: "prod",
    program: () =>
      defineCiIdentities(ci, "prod", {
        platform: { projectId: "acme-platform-prod" },
        payments: { projectId: "acme-payments-prod" },
      }),
  }));
});

function allowed(fixture: string, overrides: Record<string, unknown>): string[] {
  return allowedAccounts(simulateAccess(resources, { ...loadClaims(fixture), ...overrides }));
}

describe("the platform's deploy identity: only deploy.yml of acme-corp/platform on main", () => {
  test("the real deploy job deploys", () => {
    expect(allowed("platform-deploy-prod", { job_workflow_ref: PLATFORM_DEPLOY })).toEqual([
      "deploy-platform",
      "preview-platform",
    ]);
  });

  // Every token below is a push to main of the platform repository (its real ids) in the `prod`
  // environment; only the workflow that defines the job differs. Each gets preview at most.
  test.each([
    [
      "another workflow file of the repository",
      "acme-corp/platform/.github/workflows/drift.yml@refs/heads/main",
    ],
    [
      "a workflow named like deploy.yml in a sub-folder",
      "acme-corp/platform/.github/workflows/x/deploy.yml@refs/heads/main",
    ],
    ["a look-alike file name", "acme-corp/platform/.github/workflows/deploy.yml.bak@refs/heads/main"],
    ["a path with ..", "acme-corp/platform/.github/workflows/../workflows/deploy.yml@refs/heads/main"],
    [
      "deploy.yml of a feature branch, called from main",
      "acme-corp/platform/.github/workflows/deploy.yml@refs/heads/feature",
    ],
    ["deploy.yml at a tag", "acme-corp/platform/.github/workflows/deploy.yml@refs/tags/v1.0.0"],
    [
      "deploy.yml at a commit sha",
      "acme-corp/platform/.github/workflows/deploy.yml@a741eb852fc9630da741eb852fc9630da741eb85",
    ],
    [
      "a reusable workflow of another organization",
      "evil-corp/platform/.github/workflows/deploy.yml@refs/heads/main",
    ],
    [
      "a reusable workflow of a look-alike organization",
      "acme-corp-ci/platform/.github/workflows/deploy.yml@refs/heads/main",
    ],
    [
      "a reusable workflow of a look-alike repository",
      "acme-corp/platform-tools/.github/workflows/deploy.yml@refs/heads/main",
    ],
    [
      "a reusable workflow of a product repository",
      "acme-corp/payments-api/.github/workflows/deploy.yml@refs/heads/main",
    ],
    [
      "the repository's name in other case",
      "acme-corp/Platform/.github/workflows/deploy.yml@refs/heads/main",
    ],
    [
      "the organization's name in other case",
      "ACME-CORP/platform/.github/workflows/deploy.yml@refs/heads/main",
    ],
    [
      "the file's name in other case (another file in git)",
      "acme-corp/platform/.github/workflows/Deploy.yml@refs/heads/main",
    ],
    ["ids in place of names", "81234567/612345678/.github/workflows/deploy.yml@refs/heads/main"],
    ["the deploy value with a suffix", `${PLATFORM_DEPLOY}/x`],
    ["no job_workflow_ref at all", undefined],
  ])("%s gets preview only", (_what, jobWorkflow) => {
    const overrides: Record<string, unknown> =
      jobWorkflow === undefined ? { job_workflow_ref: undefined } : { job_workflow_ref: jobWorkflow };
    const claims = { ...loadClaims("platform-deploy-prod"), ...overrides };
    if (jobWorkflow === undefined) delete claims.job_workflow_ref;
    expect(allowedAccounts(simulateAccess(resources, claims))).toEqual(["preview-platform"]);
  });

  test("the separator cannot be smuggled through the ref or the environment", () => {
    // A ref may not hold `:` in git; a token claiming one still maps to another value.
    expect(
      allowed("platform-deploy-prod", {
        ref: `refs/heads/main:${PLATFORM_DEPLOY}`,
        job_workflow_ref: "",
      }),
    ).toEqual([]);
    expect(
      allowed("platform-deploy-prod", {
        environment: `prod/push/refs/heads/main:${PLATFORM_DEPLOY}`,
        job_workflow_ref: PLATFORM_DEPLOY,
      }),
    ).toEqual(["preview-platform"]);
  });
});

describe("a product repository's deploy identity: its own configured workflow", () => {
  test("release.yaml of acme-corp/payments-api on main deploys", () => {
    expect(
      allowed("payments-api-deploy-prod", {
        job_workflow_ref: PAYMENTS_DEPLOY,
        workflow_ref: PAYMENTS_DEPLOY,
      }),
    ).toEqual(["deploy-payments-api"]);
  });

  test.each([
    [
      "the default deploy.yml (not the configured file)",
      "acme-corp/payments-api/.github/workflows/deploy.yml@refs/heads/main",
    ],
    ["the platform's deploy workflow, called as a reusable workflow", PLATFORM_DEPLOY],
    [
      "another organization's release.yaml",
      "evil-corp/payments-api/.github/workflows/release.yaml@refs/heads/main",
    ],
    [
      "release.yml (another extension)",
      "acme-corp/payments-api/.github/workflows/release.yml@refs/heads/main",
    ],
  ])("%s is refused", (_what, jobWorkflow) => {
    expect(allowed("payments-api-deploy-prod", { job_workflow_ref: jobWorkflow })).toEqual([]);
  });
});

describe("the mapping and the bound value agree (real CEL)", () => {
  const mapping = githubAttributeMapping()["attribute.deploy_target"];
  test("the mapped value of the deploy job is the bound value", () => {
    const bound = deployAttributeValue("612345678", "prod", "refs/heads/main", PLATFORM_DEPLOY).value;
    expect(
      run(mapping, {
        assertion: {
          repository_id: "612345678",
          environment: "prod",
          event_name: "push",
          ref: "refs/heads/main",
          job_workflow_ref: jobWorkflowRef(
            "acme-corp",
            "platform",
            ".github/workflows/deploy.yml",
            "refs/heads/main",
          ),
        },
      }),
    ).toBe(bound);
    expect(bound).toBe(`612345678/prod/push/refs/heads/main:${PLATFORM_DEPLOY}`);
  });
});

describe("the workflow path is checked where it is configured", () => {
  test.each([
    ["../deploy.yml", ".github/workflows/../../deploy.yml"],
    ["outside .github/workflows", "deploy.yml"],
    ["a wildcard", ".github/workflows/*.yml"],
    ["the separator", ".github/workflows/a:b.yml"],
    ["not YAML", ".github/workflows/deploy.sh"],
  ])("refuses %s", (_what, path) => {
    const config = parse(CONFIG);
    config.productRepositories[0].deployWorkflow = path;
    const result = ciConfigSchema.safeParse(config);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path.join("."))).toEqual([
      "productRepositories.0.deployWorkflow",
    ]);
  });
});
