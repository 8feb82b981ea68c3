import { describe, expect, it } from "vitest";
import type { OnCallRouting } from "../../components/oncall";
import { parseStackFile } from "../../stacks/config/load";
import { withValidationTime } from "../../stacks/config/oncall";
import { definePlatform } from "../../stacks/platform";
import { runUnderMocks } from "../../tools/plan/mock-runtime";
import { planStackInput } from "../../tools/plan/plan";
import { FIXTURE_SECRETS, fixtureModel, parsedModel, stackFileText } from "./fixture";

const CHANNEL = "gcp:monitoring/notificationChannel:NotificationChannel";
const LABELS = { team: "platform", environment: "dev", "cost-center": "cc-1000" };

async function routingUnderMocks() {
  let routing: OnCallRouting | undefined;
  const run = await runUnderMocks({
    project: "platform",
    stack: "dev",
    program: async () => {
      const { OnCallRouting } = await import("../../components/oncall");
      routing = new OnCallRouting("oncall", {
        model: parsedModel(),
        secrets: FIXTURE_SECRETS,
        project: "acme-ops",
        labels: LABELS,
      });
      const resolve = <T>(output: { apply: (f: (v: T) => void) => unknown }) =>
        new Promise<T>((done) => output.apply((value) => done(value)));
      const billing1 = routing.route("billing", "SEV1");
      const billing4 = routing.route("billing", "SEV4");
      return {
        channelIds: await resolve<Record<string, string>>(routing.channelIds),
        billing1: {
          ...billing1,
          notificationChannels: await resolve<string[]>(billing1.notificationChannels),
        },
        billing1Strategy: await resolve<unknown>(
          (await import("@pulumi/pulumi")).output(billing1.alertStrategy) as never,
        ),
        billing4: {
          ...billing4,
          notificationChannels: await resolve<string[]>(billing4.notificationChannels),
        },
      };
    },
  });
  return { ...run, routing: routing! };
}

describe("OnCallRouting under mocks", () => {
  it("creates one notification channel per receiver, of the matching Cloud Monitoring type", async () => {
    const { resources } = await routingUnderMocks();
    const component = resources.find((r) => r.type === "platform:oncall:OnCallRouting");
    expect(component?.urn).toBe("urn:pulumi:dev::platform::platform:oncall:OnCallRouting::oncall");
    const channels = resources.filter((r) => r.type === CHANNEL);
    expect(Object.fromEntries(channels.map((c) => [c.name, c.inputs.type]))).toEqual({
      "oncall-pd-platform": "pagerduty",
      "oncall-pd-payments": "pagerduty",
      "oncall-slack-platform": "slack",
      "oncall-slack-payments": "slack",
      "oncall-mail-payments": "email",
      "oncall-hook": "webhook_basicauth",
      "oncall-archive": "pubsub",
    });
    for (const channel of channels) expect(channel.parent).toBe(component?.urn);
    const byName = new Map(channels.map((c) => [c.name, c]));
    expect(byName.get("oncall-slack-payments")?.inputs).toMatchObject({
      project: "acme-ops",
      labels: { channel_name: "#payments" },
      sensitiveLabels: { authToken: "[secret]" },
      userLabels: { ...LABELS, receiver: "slack-payments" },
    });
    expect(byName.get("oncall-hook")?.inputs).toMatchObject({
      labels: { url: "https://hooks.example.com/in", username: "cloud-monitoring" },
      sensitiveLabels: { password: "[secret]" },
    });
    expect(byName.get("oncall-mail-payments")?.inputs.labels).toEqual({
      email_address: "payments@example.com",
    });
    expect(byName.get("oncall-mail-payments")?.inputs.sensitiveLabels).toBeUndefined();
    expect(byName.get("oncall-archive")?.inputs.labels).toEqual({ topic: "projects/acme-ops/topics/alerts" });
    expect(
      Object.fromEntries(channels.filter((c) => c.secretPaths).map((c) => [c.name, c.secretPaths])),
    ).toEqual({
      "oncall-pd-platform": ["sensitiveLabels.serviceKey"],
      "oncall-pd-payments": ["sensitiveLabels.serviceKey"],
      "oncall-slack-platform": ["sensitiveLabels.authToken"],
      "oncall-slack-payments": ["sensitiveLabels.authToken"],
      "oncall-hook": ["sensitiveLabels.password"],
    });
  });

  it("routes (area, severity) to channel ids, severity, strategy and labels (AlertRouter)", async () => {
    const { outputs } = await routingUnderMocks();
    const ids = outputs.channelIds;
    expect(Object.keys(ids).sort()).toEqual(
      [
        "archive",
        "hook",
        "mail-payments",
        "pd-payments",
        "pd-platform",
        "slack-payments",
        "slack-platform",
      ].sort(),
    );
    for (const id of Object.values(ids))
      expect(id).toMatch(/^projects\/acme-ops\/notificationChannels\/\d+$/);
    expect(outputs.billing1.notificationChannels).toEqual([
      ids["pd-payments"],
      ids["slack-payments"],
      ids["mail-payments"],
      ids.hook,
    ]);
    expect(outputs.billing1.severity).toBe("CRITICAL");
    expect(outputs.billing1.userLabels).toEqual({ area: "billing", severity: "sev1", team: "payments" });
    expect(outputs.billing1Strategy).toEqual({
      autoClose: "86400s",
      notificationChannelStrategies: [
        {
          notificationChannelNames: [
            ids["pd-payments"],
            ids["slack-payments"],
            ids["mail-payments"],
            ids.hook,
          ],
          renotifyInterval: "900s",
        },
      ],
    });
    // SEV4 is a label only, notifies by ticket, and never re-notifies.
    expect(outputs.billing4.notificationChannels).toEqual([ids["mail-payments"]]);
    expect("severity" in outputs.billing4).toBe(false);
    expect(outputs.billing4.userLabels).toEqual({ area: "billing", severity: "sev4", team: "payments" });
    expect(outputs.billing4.alertStrategy).toEqual({
      autoClose: "604800s",
      notificationChannelStrategies: [],
    });
  });

  it("refuses a route the model does not have", async () => {
    const { routing } = await routingUnderMocks();
    expect(() => routing.route("marketing", "SEV1")).toThrow("on-call routing: no route for marketing SEV1");
  });
});

describe("secrets of the stack program", () => {
  it("never reach plain inputs or the plan JSON, and reach sensitiveLabels as secrets", async () => {
    // The engine hands a program decrypted config; the secret values are known here on purpose.
    const loaded = withValidationTime(new Date("2026-03-01T00:00:00Z"), () =>
      parseStackFile("stacks/Pulumi.fixture.yaml", stackFileText(fixtureModel())),
    );
    loaded.config.oncallSecrets = { ...FIXTURE_SECRETS };
    loaded.engineConfig["platform:oncallSecrets"] = JSON.stringify(FIXTURE_SECRETS);
    const { result } = await planStackInput({
      stack: "fixture",
      stackFile: "stacks/Pulumi.fixture.yaml",
      loaded,
    });
    const json = JSON.stringify(result);
    for (const value of Object.values(FIXTURE_SECRETS)) expect(json).not.toContain(value);
    expect(json).not.toContain("SENTINEL");
    const channels = result.resources.filter((r) => r.type === CHANNEL);
    // One OnCallRouting per environment (`<env>-oncall`): the fixture model's 7 receivers (5 with a
    // secret) in each of the two environments.
    expect(channels).toHaveLength(14);
    expect(channels.filter((c) => c.secretPaths).length).toBe(10);
    // Each created in its environment's own project, after that project's Monitoring API is enabled:
    // alert policies and budgets notify only channels of their own project.
    for (const [environment, project] of [
      ["platform", "acme-platform-dev"],
      ["payments", "acme-payments-dev"],
    ]) {
      const own = channels.filter((c) => c.name.startsWith(`${environment}-oncall-`));
      expect(own).toHaveLength(7);
      for (const channel of own) {
        expect(channel.inputs.project).toBe(project);
        expect(channel.dependencies).toEqual(
          expect.arrayContaining([
            `urn:pulumi:fixture::platform::platform:environment:GcpEnvironment$gcp:projects/service:Service::${environment}-api-monitoring`,
            `urn:pulumi:fixture::platform::platform:environment:GcpEnvironment$gcp:organizations/project:Project::${environment}-project`,
          ]),
        );
      }
    }
  });

  it("wraps plainly passed secret values as secrets before they reach a resource", async () => {
    const { resources } = await runUnderMocks({
      project: "platform",
      stack: "dev",
      program: () => {
        const config = withValidationTime(new Date("2026-03-01T00:00:00Z"), () =>
          parseStackFile("stacks/Pulumi.fixture.yaml", stackFileText(fixtureModel())),
        ).config;
        definePlatform({ ...config, oncallSecrets: { ...FIXTURE_SECRETS } });
      },
    });
    for (const environment of ["platform", "payments"]) {
      const pagerduty = resources.find((r) => r.name === `${environment}-oncall-pd-payments`)!;
      expect(pagerduty.inputs.sensitiveLabels).toEqual({ serviceKey: "[secret]" });
    }
    expect(JSON.stringify(resources)).not.toContain("SENTINEL");
  });
});
