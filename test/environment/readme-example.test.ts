import { describe, expect, it } from "vitest";
import { runUnderMocks } from "../../tools/plan/mock-runtime";
import { writeReadmeExample } from "../helpers/readme-example";

describe("components/environment/README.md example", () => {
  it("compiles and runs under mocks, producing the documented environment", async () => {
    const file = writeReadmeExample("components/environment/README.md", "environment");
    const { resources } = await runUnderMocks({
      project: "platform",
      stack: "staging",
      program: () => import(file),
    });
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
    expect(resources.filter((r) => r.type === "gcp:projects/service:Service")).toHaveLength(11);
  });
});
