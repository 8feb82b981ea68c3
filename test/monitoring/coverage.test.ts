import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { parseStackFile } from "../../stacks/config/load";
import type { PlanResult } from "../../tools/plan/model";
import { monitoringReport, renderMonitoring } from "../../tools/plan/monitoring";
import { planStack } from "../../tools/plan/plan";
import { bundledPlan } from "../helpers/bundled-plans";

const STACKS = ["dev", "staging", "prod"] as const;
const plans = new Map<string, PlanResult>();
const BASE = "https://github.com/acme-corp/platform/blob/main/";

beforeAll(async () => {
  for (const stack of STACKS) plans.set(stack, await bundledPlan(stack));
}, 300_000);

/** The services a bundled stack file declares, read with a plain YAML parser (not the config loader). */
function declaredServices(stack: string): { slos: { sli: Record<string, unknown> }[] }[] {
  const file = parse(readFileSync(`stacks/Pulumi.${stack}.yaml`, "utf8")) as {
    config: { "platform:services": { slos: { sli: Record<string, unknown> }[] }[] };
  };
  return file.config["platform:services"];
}

describe.each(STACKS)("bundled stack %s", (stack) => {
  it("covers every service: an SLO each, a page and a ticket per SLO, and a routed, labelled, documented alert", () => {
    const report = plans.get(stack)?.monitoring;
    if (!report) throw new Error("no monitoring report");
    expect(report.gaps).toEqual([]);
    // Counted from the stack file itself, so the report neither drops nor invents a service or SLO.
    const declared = declaredServices(stack);
    expect(report.services).toBe(declared.length);
    expect(report.slos).toBe(declared.reduce((sum, service) => sum + service.slos.length, 0));
  });

  it("links every alert to a runbook that exists in docs/runbooks", () => {
    const policies = (plans.get(stack)?.resources ?? []).filter(
      (r) => r.type === "gcp:monitoring/alertPolicy:AlertPolicy",
    );
    // A page and a ticket for every Cloud Monitoring SLO at least (the stack's own count may grow).
    const cloudMonitoringSlos = declaredServices(stack)
      .flatMap((service) => service.slos)
      .filter((slo) => "cloudMonitoring" in slo.sli).length;
    expect(cloudMonitoringSlos).toBeGreaterThanOrEqual(1);
    expect(policies.length).toBeGreaterThanOrEqual(2 * cloudMonitoringSlos);
    for (const policy of policies) {
      const documentation = policy.inputs.documentation as { content: string; links: { url: string }[] };
      const url = documentation.links[0].url;
      expect(url.startsWith(`${BASE}docs/runbooks/`), `${policy.name}: ${url}`).toBe(true);
      expect(existsSync(url.slice(BASE.length)), `${policy.name}: ${url}`).toBe(true);
      // The runbook is the first link of the Markdown too.
      expect(documentation.content.split("\n")[0]).toBe(`**Runbook:** ${url}`);
    }
  });

  it("gives every alert policy a severity, a team, channels and autoClose", () => {
    const resources = plans.get(stack)?.resources ?? [];
    const policies = resources.filter((r) => r.type === "gcp:monitoring/alertPolicy:AlertPolicy");
    const channelUrns = new Set(
      resources
        .filter((r) => r.type === "gcp:monitoring/notificationChannel:NotificationChannel")
        .map((r) => r.urn),
    );
    for (const policy of policies) {
      const inputs = policy.inputs as {
        severity: string;
        userLabels: Record<string, string>;
        notificationChannels: string[];
        alertStrategy: { autoClose: string };
      };
      expect(["CRITICAL", "ERROR", "WARNING"], policy.name).toContain(inputs.severity);
      expect(inputs.userLabels.team, policy.name).toMatch(/^[a-z][a-z0-9-]+$/);
      expect(inputs.userLabels.area, policy.name).toMatch(/^[a-z][a-z0-9-]+$/);
      expect(inputs.userLabels.severity, policy.name).toMatch(/^sev[123]$/);
      // At preview the channel ids are unknown (a string), so the routing shows in the dependencies:
      // every alert depends on one notification channel of the plan at least, and only on those.
      const channels = policy.propertyDependencies?.notificationChannels ?? [];
      expect(
        channels.filter((urn) => !channelUrns.has(urn)),
        policy.name,
      ).toEqual([]);
      expect(channels.length, policy.name).toBeGreaterThanOrEqual(1);
      expect(inputs.alertStrategy.autoClose, policy.name).toMatch(/^\d+s$/);
    }
  });
});

describe("the plan's monitoring report", () => {
  const FIXTURE = "test/monitoring/fixtures/Pulumi.services.yaml";
  const text = readFileSync(FIXTURE, "utf8");

  it("warns about adapted rows and low traffic, with the numbers", async () => {
    const changed = text
      .replace("          objective: 97.5\n          periodDays: 7\n", "          objective: 90\n")
      .replace(
        "        - name: availability\n",
        "        - name: availability\n          requestsPerMinute: 5\n",
      );
    const file = path.join(tmpdir(), `Pulumi.services-${process.pid}.yaml`);
    writeFileSync(file, changed);
    const { result } = await planStack({ stack: "services", stackFile: file });
    expect(result.monitoring?.warnings).toEqual([
      // 99 % (growth web): SEV1 share 14.4 × 0.01 = 0.144; 0.144 × 5 min × 5/min = 3.6; 10 ÷ 0.72 → 14/min.
      "service storefront, SLO availability (99 % over 30 days): low traffic: at 5 requests per minute, 3.6 bad requests in 5 minutes page; burn-rate alerts need at least 14 requests per minute",
      'service mailer, SLO sends (90 % over 30 days): SEV1 row "2 % of the 30-day error budget in 1 hour": burn rate 14.4 can never be reached: at 90 % a total outage burns at most 10; threshold lowered to 9 (90 % of events failing)',
    ]);
    expect(result.monitoring?.gaps).toEqual([]);
    expect(renderMonitoring(result.monitoring as NonNullable<PlanResult["monitoring"]>)[0]).toBe(
      "Monitoring: 2 services, 2 SLOs, 8 alert policies, 3 Prometheus alerting rules",
    );
  }, 120_000);

  it("reports an alert without a route, a severity, a team or an existing runbook as a gap", () => {
    const { config } = parseStackFile(FIXTURE, text);
    const report = monitoringReport(config, [
      {
        urn: "urn:pulumi:s::platform::gcp:monitoring/alertPolicy:AlertPolicy::orphan",
        type: "gcp:monitoring/alertPolicy:AlertPolicy",
        name: "orphan",
        parent: null,
        custom: true,
        protect: false,
        inputs: {
          notificationChannels: [],
          documentation: { links: [{ url: `${BASE}docs/runbooks/missing.md` }] },
        },
      },
    ]);
    expect(report.gaps).toEqual([
      // storefront's Cloud Monitoring SLO has no policies in this fabricated plan.
      "service storefront, SLO availability: no paging alert",
      "service storefront, SLO availability: no ticket alert",
      "alert policy orphan: no route (notification channels)",
      "alert policy orphan: no severity",
      "alert policy orphan: no team label",
      `alert policy orphan: runbook ${BASE}docs/runbooks/missing.md is not a file under docs/runbooks in this repository`,
    ]);
  });
});
