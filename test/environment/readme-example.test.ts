import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runExample, typeScriptBlocks } from "../helpers/readme-example";

describe("components/environment/README.md example", () => {
  it("compiles and runs under mocks, producing the documented environment", async () => {
    const [example] = typeScriptBlocks(readFileSync("components/environment/README.md", "utf8"));
    const { resources } = await runExample(example, { stack: "staging" });
    const byName = new Map(resources.map((resource) => [resource.name, resource]));
    expect(byName.get("checkout")?.type).toBe("platform:environment:GcpEnvironment");
    expect(byName.get("checkout-project")?.inputs).toMatchObject({
      projectId: "acme-checkout-staging",
      labels: { team: "checkout", environment: "staging", "cost-center": "cc-3100" },
    });
    expect(byName.get("checkout-budget")?.inputs).toMatchObject({
      amount: { specifiedAmount: { currencyCode: "EUR", units: "1500" } },
      allUpdatesRule: { monitoringNotificationChannels: ["projects/acme-ops/notificationChannels/4242"] },
    });
    expect(byName.get("checkout-audit-logs")?.inputs.retentionDays).toBe(90);
    expect(resources.filter((r) => r.type === "gcp:projects/service:Service")).toHaveLength(13);
  });
});
