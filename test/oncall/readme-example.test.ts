import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runExample, typeScriptBlocks } from "../helpers/readme-example";

describe("components/oncall/README.md example", () => {
  it("compiles and runs under mocks: two channels, secrets sensitive, an alert policy routed through them", async () => {
    const [example] = typeScriptBlocks(readFileSync("components/oncall/README.md", "utf8"));
    const { resources } = await runExample(example, { stack: "staging" });
    const byName = new Map(resources.map((resource) => [resource.name, resource]));
    expect(byName.get("checkout-oncall")?.type).toBe("platform:oncall:OnCallRouting");
    expect(byName.get("checkout-oncall-pagerduty")?.inputs).toMatchObject({
      type: "pagerduty",
      project: "acme-checkout-staging",
      sensitiveLabels: { serviceKey: "[secret]" },
    });
    expect(byName.get("checkout-oncall-slack")?.inputs).toMatchObject({
      type: "slack",
      labels: { channel_name: "#checkout-alerts" },
      sensitiveLabels: { authToken: "[secret]" },
    });
    const policy = byName.get("payments-down")?.inputs as Record<string, unknown>;
    expect(policy.severity).toBe("CRITICAL");
    expect(policy.userLabels).toEqual({ area: "billing", severity: "sev1", team: "checkout" });
    const channels = policy.notificationChannels as string[];
    expect(channels).toHaveLength(2);
    for (const id of channels)
      expect(id).toMatch(/^projects\/acme-checkout-staging\/notificationChannels\/\d+$/);
    expect(policy.alertStrategy).toEqual({
      autoClose: "86400s",
      notificationChannelStrategies: [{ notificationChannelNames: channels, renotifyInterval: "1800s" }],
    });
    expect(JSON.stringify(resources)).not.toContain("example-pagerduty-key");
    expect(JSON.stringify(resources)).not.toContain("example-slack-token");
  });
});
