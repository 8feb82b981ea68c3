import { describe, expect, test } from "vitest";
import { parse } from "yaml";
import { z } from "zod";
import { defineCiIdentities } from "../../stacks/ci";
import { ciConfigSchema, refineCiReferences } from "../../stacks/config/ci";
import { formatZodIssues } from "../../stacks/config/errors";
import { simulateAccess } from "../../tools/access/simulate";
import { runUnderMocks } from "../../tools/plan/mock-runtime";
import { allowedAccounts, loadClaims } from "../access/matrix";

const YAML = `
github:
  organization: acme-corp
  organizationId: "81234567"
platformRepository: { name: platform, id: "612345678" }
state:
  bucket: acme-pulumi-state
  secretsKey: projects/acme-state/locations/eu/keyRings/pulumi-state/cryptoKeys/pulumi-secrets
productRepositories:
  - name: payments-api
    id: "623456789"
    environment: payments
    githubEnvironments: [prod]
    roles: [roles/run.developer]
`;

function problems(input: unknown): string[] {
  const parsed = ciConfigSchema.safeParse(input);
  if (parsed.success) return [];
  return formatZodIssues(parsed.error.issues, {
    file: "stacks/Pulumi.prod.yaml",
    input,
    displayPath: (path) => ["platform:ci", ...path],
  });
}

describe("platform:ci config", () => {
  test("parses with defaults: the platform environment and no product repositories unless listed", () => {
    const ci = ciConfigSchema.parse(parse(YAML));
    expect(ci.platformEnvironment).toBe("platform");
    expect(ci.deployEnvironment).toBeUndefined();
    expect(ci.productRepositories[0]).toEqual({
      name: "payments-api",
      id: "623456789",
      environment: "payments",
      githubEnvironments: ["prod"],
      roles: ["roles/run.developer"],
    });
  });

  test("names instead of ids, wildcards, primitive roles and empty lists are refused with the expectation", () => {
    const input = parse(YAML);
    input.github.organizationId = "acme-corp";
    input.platformRepository.id = 612345678;
    input.productRepositories[0].githubEnvironments = ["*"];
    input.productRepositories[0].roles = ["roles/editor"];
    input.productRepositories.push({
      ...input.productRepositories[0],
      githubEnvironments: [],
      roles: ["roles/run.developer"],
    });
    expect(problems(input)).toEqual([
      'stacks/Pulumi.prod.yaml: platform:ci.github.organizationId: expected a numeric GitHub organization id in quotes, like "123456" (names can be re-registered; ids cannot), found "acme-corp"',
      "stacks/Pulumi.prod.yaml: platform:ci.platformRepository.id: expected a string, found number 612345678",
      "stacks/Pulumi.prod.yaml: platform:ci.productRepositories[0].githubEnvironments[0]: expected a GitHub environment name of letters, digits, '.', '_' or '-' (no wildcard), like `prod`, found \"*\"",
      'stacks/Pulumi.prod.yaml: platform:ci.productRepositories[0].roles[0]: expected a predefined role (never roles/owner, roles/editor or roles/viewer), found "roles/editor"',
      "stacks/Pulumi.prod.yaml: platform:ci.productRepositories[1].githubEnvironments: expected at least 1 item, found a list of 0 items",
    ]);
  });

  test("a repository listed twice and an unknown environment are refused", () => {
    const input = parse(YAML);
    input.productRepositories.push({ ...input.productRepositories[0], name: "other" });
    expect(problems(input)).toEqual([
      'stacks/Pulumi.prod.yaml: platform:ci.productRepositories[1].id: expected a repository id listed only once, found "623456789"',
    ]);
    const withReferences = z
      .object({ ci: ciConfigSchema })
      .superRefine((config, ctx) =>
        refineCiReferences(config.ci, [{ name: "platform", projectId: "acme-platform-prod" }], ctx),
      );
    const result = withReferences.safeParse({ ci: parse(YAML) });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => [issue.path.join("."), issue.message])).toEqual([
      [
        "ci.productRepositories.0.environment",
        "one of the environments under platform:environments (platform)",
      ],
    ]);
  });
});

describe("defineCiIdentities", () => {
  test("puts the pool in the platform project, product identities in the team's project, deploy env = tier", async () => {
    const ci = ciConfigSchema.parse(parse(YAML));
    const { resources } = await runUnderMocks({
      project: "platform",
      stack: "staging",
      program: () =>
        defineCiIdentities(ci, "staging", {
          platform: { projectId: "acme-platform-staging" },
          payments: { projectId: "acme-payments-staging" },
        }),
    });
    const pool = resources.find((r) => r.type === "gcp:iam/workloadIdentityPool:WorkloadIdentityPool");
    expect(pool?.inputs.project).toBe("acme-platform-staging");
    const product = resources.find((r) => r.name === "ci-payments-api-deploy");
    expect(product?.inputs).toMatchObject({
      accountId: "deploy-payments-api",
      project: "acme-payments-staging",
    });
    expect(allowedAccounts(simulateAccess(resources, loadClaims("platform-deploy-staging")))).toEqual([
      "deploy-platform",
      "preview-platform",
    ]);
    // The product repository's environment is `prod` in the config, whatever the tier.
    expect(allowedAccounts(simulateAccess(resources, loadClaims("payments-api-deploy-prod")))).toEqual([
      "deploy-payments-api",
    ]);
    const state = resources
      .filter((r) => r.type === "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember")
      .map((r) => r.inputs.role);
    expect(state).toEqual([
      "roles/cloudkms.cryptoKeyDecrypter",
      "roles/cloudkms.cryptoKeyEncrypterDecrypter",
    ]);
  });
});
