/**
 * Secure by default: each component with default arguments passes every policy of the pack at the
 * prod level — the real pack, over the Analyzer protocol, with policies/config/prod.json.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GcpEnvironment } from "../../components/environment";
import { openPolicyPack, type PolicyPackSession } from "../../tools/analyzer";
import { runUnderMocks } from "../../tools/plan/mock-runtime";
import type { PlannedResource } from "../../tools/plan/model";
import { bundledPlan } from "../helpers/bundled-plans";
import { runExample, typeScriptBlocks } from "../helpers/readme-example";

let pack: PolicyPackSession;

beforeAll(async () => {
  pack = await openPolicyPack({ packDir: "policies", stack: "prod", project: "platform", dryRun: true });
});

afterAll(async () => {
  await pack?.close();
});

async function violations(resources: PlannedResource[]) {
  const report = await pack.run({ configFile: "policies/config/prod.json", resources });
  return report.violations.map((v) => `${v.enforcementLevel} ${v.policyName} ${v.urn}: ${v.message}`);
}

describe("default component arguments at prod level", () => {
  it("GcpEnvironment with only its required arguments", async () => {
    const { resources } = await runUnderMocks({
      project: "platform",
      stack: "prod",
      program: () => {
        new GcpEnvironment("shop", {
          tier: "prod",
          team: "shop",
          costCenter: "cc-1",
          projectId: "acme-shop-prod",
          folderId: "481516234203",
          billingAccount: "01A2B3-C4D5E6-F7A8B9",
          region: "europe-west1",
          subnets: [{ name: "main", cidr: "10.0.0.0/20" }],
          budget: { amount: 100 },
        });
      },
    });
    // 12 baseline APIs (components/environment/baseline.ts) + project, network, subnet, router, NAT,
    // 2 firewalls, audit config, log bucket, sink, key ring, key, budget.
    expect(resources.length).toBe(27);
    expect(await violations(resources)).toEqual([]);
  });

  it.each([
    [
      "CiIdentity and ProductCiIdentity",
      "components/ci-identity/README.md",
      ["platform:ci:CiIdentity", "platform:ci:ProductCiIdentity"],
    ],
    ["StateBackend", "components/state-backend/README.md", ["platform:state:StateBackend"]],
    ["ServiceMonitoring", "components/monitoring/README.md", ["platform:monitoring:ServiceMonitoring"]],
  ])("%s as in its README", async (_name, readme, components) => {
    const [example] = typeScriptBlocks(readFileSync(readme, "utf8"));
    const { resources } = await runExample(example, { stack: "prod" });
    // The components the example declares (their inventories are checked by each README's own test).
    expect(
      [...new Set(resources.filter((r) => r.type.startsWith("platform:")).map((r) => r.type))].sort(),
    ).toEqual(components);
    expect(await violations(resources)).toEqual([]);
  });

  it("PlatformAlerts with only its required arguments", async () => {
    const pulumi = await import("@pulumi/pulumi");
    const { PlatformAlerts } = await import("../../components/monitoring");
    const { resources } = await runUnderMocks({
      project: "platform",
      stack: "prod",
      program: () => {
        new PlatformAlerts("shop", {
          project: "acme-shop-prod",
          environment: "shop",
          runbookBaseUrl: "https://github.com/acme-corp/platform/blob/main",
          userLabels: { team: "shop", environment: "prod", "cost-center": "cc-1" },
          router: {
            route: (area, severity) => ({
              notificationChannels: pulumi.output(["projects/acme-shop-prod/notificationChannels/1"]),
              severity: severity === "SEV1" ? "CRITICAL" : severity === "SEV2" ? "ERROR" : "WARNING",
              alertStrategy: {},
              userLabels: { area, severity: severity.toLowerCase(), team: "shop" },
            }),
          },
        });
      },
    });
    // The stack, the component, two log-based metrics and four alert policies.
    expect(resources.length).toBe(8);
    expect(await violations(resources)).toEqual([]);
  });

  it("the bundled prod stack has no violation at any level", async () => {
    const { resources } = await bundledPlan("prod");
    expect(await violations(resources)).toEqual([]);
  });
});
