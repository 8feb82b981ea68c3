import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { runExample, typeScriptBlocks } from "../helpers/readme-example";

const README = readFileSync("components/ci-identity/README.md", "utf8");

describe("components/ci-identity/README.md example", () => {
  test("has one TypeScript example", () => {
    expect(typeScriptBlocks(README)).toHaveLength(1);
  });

  test.each(["dev", "staging", "prod"])(
    "runs under mocks for the %s stack and declares the documented inventory",
    async (stack) => {
      const [example] = typeScriptBlocks(README);
      const { resources } = await runExample(example, { stack });
      const counts: Record<string, number> = {};
      for (const resource of resources) counts[resource.type] = (counts[resource.type] ?? 0) + 1;
      expect(counts).toEqual({
        "pulumi:pulumi:Stack": 1,
        "platform:ci:CiIdentity": 1,
        "platform:ci:ProductCiIdentity": 1,
        "gcp:iam/workloadIdentityPool:WorkloadIdentityPool": 1,
        "gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider": 1,
        "gcp:serviceaccount/account:Account": 3,
        // preview: pull_request + main; deploy: one environment; payments deploy: one environment
        "gcp:serviceaccount/iAMMember:IAMMember": 4,
        // 8 preview + 9 deploy roles in two projects, and the payments team's two roles
        "gcp:projects/iAMMember:IAMMember": 36,
        "gcp:storage/bucketIAMMember:BucketIAMMember": 2,
        "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember": 2,
      });
      const accounts = resources
        .filter((r) => r.type === "gcp:serviceaccount/account:Account")
        .map((r) => `${r.inputs.accountId}@${r.inputs.project}`)
        .sort();
      expect(accounts).toEqual([
        `deploy-payments-api@acme-payments-${stack}`,
        `deploy-platform@acme-platform-${stack}`,
        `preview-platform@acme-platform-${stack}`,
      ]);
      const deployMembers = resources
        .filter(
          (r) =>
            r.type === "gcp:serviceaccount/iAMMember:IAMMember" &&
            String(r.inputs.member).includes("deploy_target"),
        )
        .map((r) => String(r.inputs.member).split("/attribute.")[1])
        .sort();
      expect(deployMembers).toEqual([
        `deploy_target/612345678/${stack}/push/refs/heads/main:acme-corp/platform/.github/workflows/deploy.yml@refs/heads/main`,
        `deploy_target/623456789/${stack}/push/refs/heads/main:acme-corp/payments-api/.github/workflows/deploy.yml@refs/heads/main`,
      ]);
      const provider = resources.find((r) => r.type.endsWith("WorkloadIdentityPoolProvider"));
      expect(provider?.inputs.attributeCondition).toContain(
        'assertion.repository_id in ["612345678", "623456789"]',
      );
    },
  );
});
