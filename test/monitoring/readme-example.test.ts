import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runExample, typeScriptBlocks } from "../helpers/readme-example";

describe("components/monitoring/README.md example", () => {
  it("compiles and runs under mocks, producing the documented SLOs and alerts", async () => {
    const [example] = typeScriptBlocks(readFileSync("components/monitoring/README.md", "utf8"));
    const { resources } = await runExample(example, { stack: "staging" });
    const byName = new Map(resources.map((resource) => [resource.name, resource]));
    expect(byName.get("checkout")?.type).toBe("platform:monitoring:ServiceMonitoring");
    // growth stage, API: 99 % availability; latency 95 % under 500 ms.
    expect(byName.get("checkout-availability-slo")?.inputs).toMatchObject({
      goal: 0.99,
      rollingPeriodDays: 30,
    });
    expect(byName.get("checkout-latency-slo")?.inputs).toMatchObject({
      goal: 0.95,
      requestBasedSli: { distributionCut: { range: { max: 500 } } },
    });
    const sev1 = byName.get("checkout-availability-sev1")?.inputs as {
      displayName: string;
      conditions: { conditionThreshold: { filter: string; thresholdValue: number } }[];
      severity: string;
      notificationChannels: string[];
    };
    expect(sev1.displayName).toBe("checkout availability: 2 % of the 30-day error budget in 1 hour");
    expect(
      sev1.conditions.map((c) => [c.conditionThreshold.filter, c.conditionThreshold.thresholdValue]),
    ).toEqual([
      [
        'select_slo_burn_rate("projects/acme-shop-staging/services/checkout/serviceLevelObjectives/availability", "3600s")',
        14.4,
      ],
      [
        'select_slo_burn_rate("projects/acme-shop-staging/services/checkout/serviceLevelObjectives/availability", "300s")',
        14.4,
      ],
    ]);
    expect(sev1.severity).toBe("CRITICAL");
    expect(sev1.notificationChannels).toEqual([
      expect.stringMatching(/^projects\/acme-shop-staging\/notificationChannels\/[0-9]{19}$/),
    ]);
    expect(resources.filter((r) => r.type === "gcp:monitoring/alertPolicy:AlertPolicy")).toHaveLength(7);
    expect(
      resources.filter((r) => r.type === "gcp:monitoring/uptimeCheckConfig:UptimeCheckConfig"),
    ).toHaveLength(1);
  });
});
