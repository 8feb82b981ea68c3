import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import {
  PlatformAlerts,
  type ServiceDefinition,
  ServiceMonitoring,
  validateServiceMonitoringArgs,
} from "../../components/monitoring";
import { DEFAULT_AUTO_CLOSE } from "../../components/monitoring/route";
import type { AlertRouter, Severity } from "../../components/oncall/routing";
import { runUnderMocks, UNKNOWN_VALUE } from "../../tools/plan/mock-runtime";
import type { PlannedResource } from "../../tools/plan/model";

/** A small router: one channel per area and severity, the contract's severity mapping. */
const testRouter: AlertRouter = {
  route(area: string, severity: Severity) {
    const mapped = { SEV1: "CRITICAL", SEV2: "ERROR", SEV3: "WARNING", SEV4: undefined } as const;
    return {
      notificationChannels: pulumi.output([
        `projects/acme-ops/notificationChannels/${area}-${severity.toLowerCase()}`,
      ]),
      ...(mapped[severity] ? { severity: mapped[severity] } : {}),
      alertStrategy: { autoClose: severity === "SEV3" ? "86400s" : "3600s" },
      userLabels: { area, severity: severity.toLowerCase(), team: `${area}-oncall` },
    };
  },
};

const RUNBOOKS = "https://github.com/acme-corp/platform/blob/main";
const LABELS = { team: "payments", environment: "prod", "cost-center": "cc-2100" };

const checkout: ServiceDefinition = {
  name: "checkout",
  team: "payments",
  area: "billing",
  kind: "api",
  tier: "critical",
  endpoints: [{ host: "checkout.example.com", path: "/healthz" }],
  slos: [
    {
      name: "availability",
      objective: 99.9,
      periodDays: 30,
      sli: {
        cloudMonitoring: {
          totalFilter:
            'metric.type="run.googleapis.com/request_count" AND resource.type="cloud_run_revision" AND resource.label.service_name="checkout"',
          badFilter:
            'metric.type="run.googleapis.com/request_count" AND resource.type="cloud_run_revision" AND resource.label.service_name="checkout" AND metric.label.response_code_class="5xx"',
        },
      },
    },
    {
      name: "webhooks",
      objective: 99.5,
      periodDays: 28,
      runbook: "stripe-webhook-failures.md",
      sli: {
        cloudMonitoring: {
          totalFilter:
            'metric.type="logging.googleapis.com/user/stripe-webhooks" AND resource.type="cloud_run_revision"',
          goodFilter:
            'metric.type="logging.googleapis.com/user/stripe-webhooks" AND resource.type="cloud_run_revision" AND metric.label.outcome="ok"',
        },
      },
    },
    {
      name: "latency",
      sli: {
        cloudMonitoring: {
          distributionFilter:
            'metric.type="run.googleapis.com/request_latencies" AND resource.type="cloud_run_revision" AND resource.label.service_name="checkout"',
        },
      },
    },
  ],
};

async function plan(program: () => unknown) {
  const { resources } = await runUnderMocks({ project: "platform", stack: "test", program });
  const byName = new Map(resources.map((resource) => [resource.name, resource]));
  const get = (name: string): PlannedResource => {
    const resource = byName.get(name);
    if (!resource) throw new Error(`no resource named ${name}; have ${[...byName.keys()].join(", ")}`);
    return resource;
  };
  return { resources, get };
}

const sloPath = (slo: string) =>
  `projects/acme-payments-prod/services/checkout/serviceLevelObjectives/${slo}`;
const condition = (slo: string, window: number, threshold: number, label: string) => ({
  displayName: `Burn rate over ${label} above ${threshold}`,
  conditionThreshold: {
    filter: `select_slo_burn_rate("${sloPath(slo)}", "${window}s")`,
    comparison: "COMPARISON_GT",
    thresholdValue: threshold,
    duration: "0s",
    trigger: { count: 1 },
  },
});

describe("ServiceMonitoring", () => {
  it("declares a custom service, an SLO per Cloud Monitoring SLI, alerts, uptime and a dashboard", async () => {
    const { resources } = await plan(
      () =>
        new ServiceMonitoring("checkout", {
          project: "acme-payments-prod",
          service: checkout,
          router: testRouter,
          runbookBaseUrl: RUNBOOKS,
          userLabels: LABELS,
        }),
    );
    const types = resources.map((r) => r.type).sort();
    const count = (type: string) => types.filter((t) => t === type).length;
    expect(resources.find((r) => r.name === "checkout")?.type).toBe("platform:monitoring:ServiceMonitoring");
    expect(count("gcp:monitoring/customService:CustomService")).toBe(1);
    expect(count("gcp:monitoring/slo:Slo")).toBe(3);
    // 3 SLOs × 3 rows, plus one uptime alert.
    expect(count("gcp:monitoring/alertPolicy:AlertPolicy")).toBe(10);
    expect(count("gcp:monitoring/uptimeCheckConfig:UptimeCheckConfig")).toBe(1);
    expect(count("gcp:monitoring/dashboard:Dashboard")).toBe(1);
    const component = resources.find((r) => r.name === "checkout")?.urn;
    expect(resources.filter((r) => r.custom && r.parent !== component)).toEqual([]);
  });

  it("derives the 99.9 % / 30-day SLO and its alerts: 14.4 over 1 h and 5 min, 6 over 6 h and 30 min, 1 over 3 d and 6 h", async () => {
    const { get } = await plan(
      () =>
        new ServiceMonitoring("checkout", {
          project: "acme-payments-prod",
          service: checkout,
          router: testRouter,
          runbookBaseUrl: RUNBOOKS,
          userLabels: LABELS,
        }),
    );
    expect(get("checkout-availability-slo").inputs).toMatchObject({
      project: "acme-payments-prod",
      service: "checkout",
      sloId: "availability",
      goal: 0.999,
      rollingPeriodDays: 30,
      requestBasedSli: {
        goodTotalRatio: {
          totalServiceFilter:
            checkout.slos[0].sli &&
            (checkout.slos[0].sli as { cloudMonitoring: { totalFilter: string } }).cloudMonitoring
              .totalFilter,
          badServiceFilter:
            'metric.type="run.googleapis.com/request_count" AND resource.type="cloud_run_revision" AND resource.label.service_name="checkout" AND metric.label.response_code_class="5xx"',
        },
      },
    });
    const sev1 = get("checkout-availability-sev1").inputs;
    expect(sev1.displayName).toBe("checkout availability: 2 % of the 30-day error budget in 1 hour");
    expect(sev1.combiner).toBe("AND");
    expect(sev1.conditions).toEqual([
      condition("availability", 3600, 14.4, "1 h"),
      condition("availability", 300, 14.4, "5 min"),
    ]);
    expect(get("checkout-availability-sev2").inputs.displayName).toBe(
      "checkout availability: 5 % of the 30-day error budget in 6 hours",
    );
    expect(get("checkout-availability-sev2").inputs.conditions).toEqual([
      condition("availability", 21600, 6, "6 h"),
      condition("availability", 1800, 6, "30 min"),
    ]);
    expect(get("checkout-availability-sev3").inputs.displayName).toBe(
      "checkout availability: 10 % of the 30-day error budget in 3 days",
    );
    expect(get("checkout-availability-sev3").inputs.conditions).toEqual([
      condition("availability", 259200, 1, "3 d"),
      condition("availability", 21600, 1, "6 h"),
    ]);
  });

  it("derives the 99.5 % / 28-day SLO: 13.44, 5.6 and 0.933333", async () => {
    const { get } = await plan(
      () =>
        new ServiceMonitoring("checkout", {
          project: "acme-payments-prod",
          service: checkout,
          router: testRouter,
          runbookBaseUrl: RUNBOOKS,
          userLabels: LABELS,
        }),
    );
    expect(get("checkout-webhooks-slo").inputs).toMatchObject({
      goal: 0.995,
      rollingPeriodDays: 28,
      requestBasedSli: {
        goodTotalRatio: {
          goodServiceFilter:
            'metric.type="logging.googleapis.com/user/stripe-webhooks" AND resource.type="cloud_run_revision" AND metric.label.outcome="ok"',
        },
      },
    });
    expect(get("checkout-webhooks-sev1").inputs.displayName).toBe(
      "checkout webhooks: 2 % of the 28-day error budget in 1 hour",
    );
    expect(get("checkout-webhooks-sev1").inputs.conditions).toEqual([
      condition("webhooks", 3600, 13.44, "1 h"),
      condition("webhooks", 300, 13.44, "5 min"),
    ]);
    expect(get("checkout-webhooks-sev2").inputs.conditions).toEqual([
      condition("webhooks", 21600, 5.6, "6 h"),
      condition("webhooks", 1800, 5.6, "30 min"),
    ]);
    expect(get("checkout-webhooks-sev3").inputs.conditions).toEqual([
      condition("webhooks", 259200, 0.933333, "3 d"),
      condition("webhooks", 21600, 0.933333, "6 h"),
    ]);
    expect(get("checkout-webhooks-sev1").inputs.documentation).toMatchObject({
      mimeType: "text/markdown",
      links: [{ displayName: "Runbook", url: `${RUNBOOKS}/docs/runbooks/stripe-webhook-failures.md` }],
    });
  });

  it("routes each alert through on-call with severity, labels, channels and autoClose, and orders it after its SLO", async () => {
    const { get } = await plan(
      () =>
        new ServiceMonitoring("checkout", {
          project: "acme-payments-prod",
          service: checkout,
          router: testRouter,
          runbookBaseUrl: RUNBOOKS,
          userLabels: LABELS,
        }),
    );
    const sev1 = get("checkout-availability-sev1");
    expect(sev1.inputs).toMatchObject({
      severity: "CRITICAL",
      notificationChannels: ["projects/acme-ops/notificationChannels/billing-sev1"],
      alertStrategy: { autoClose: "3600s" },
      userLabels: {
        area: "billing",
        severity: "sev1",
        team: "payments",
        service: "checkout",
        slo: "availability",
      },
    });
    expect(sev1.dependencies).toContain(get("checkout-availability-slo").urn);
    expect(get("checkout-availability-sev3").inputs).toMatchObject({
      severity: "WARNING",
      notificationChannels: ["projects/acme-ops/notificationChannels/billing-sev3"],
      alertStrategy: { autoClose: "86400s" },
    });
    const content = get("checkout-availability-sev1").inputs.documentation as { content: string };
    expect(content.content.split("\n")[0]).toBe(`**Runbook:** ${RUNBOOKS}/docs/runbooks/slo-burn.md`);
    expect(content.content).toContain("### What fired");
    expect(content.content).toContain("### Likely causes");
    expect(content.content).toContain("### First steps\n1. ");
  });

  it("uses the stage preset for a latency SLO: a critical API at scale wants 99 % under 300 ms", async () => {
    const { get } = await plan(
      () =>
        new ServiceMonitoring("checkout", {
          project: "acme-payments-prod",
          service: checkout,
          router: testRouter,
          runbookBaseUrl: RUNBOOKS,
          userLabels: LABELS,
        }),
    );
    expect(get("checkout-latency-slo").inputs).toMatchObject({
      goal: 0.99,
      rollingPeriodDays: 30,
      requestBasedSli: { distributionCut: { range: { max: 300 } } },
    });
  });

  it("probes public endpoints over HTTPS with certificate validation from three regions, and alerts on two failing", async () => {
    const { get } = await plan(
      () =>
        new ServiceMonitoring("checkout", {
          project: "acme-payments-prod",
          service: checkout,
          router: testRouter,
          runbookBaseUrl: RUNBOOKS,
          userLabels: LABELS,
        }),
    );
    const check = get("checkout-uptime-0");
    expect(check.inputs).toMatchObject({
      period: "60s",
      timeout: "10s",
      selectedRegions: ["EUROPE", "USA", "ASIA_PACIFIC"],
      httpCheck: { useSsl: true, validateSsl: true, port: 443, path: "/healthz", requestMethod: "GET" },
      monitoredResource: {
        type: "uptime_url",
        labels: { project_id: "acme-payments-prod", host: "checkout.example.com" },
      },
    });
    const alert = get("checkout-uptime-0-alert").inputs as {
      conditions: { conditionThreshold: Record<string, unknown> }[];
      severity: string;
    };
    expect(alert.severity).toBe("CRITICAL");
    expect(alert.conditions[0].conditionThreshold).toMatchObject({
      filter: expect.stringMatching(
        /^metric\.type="monitoring\.googleapis\.com\/uptime_check\/check_passed" AND resource\.type="uptime_url" AND metric\.label\.check_id="checkout-https-checkout-example-com-heal-[0-9a-f]{8}"$/,
      ),
      aggregations: [
        {
          alignmentPeriod: "120s",
          perSeriesAligner: "ALIGN_NEXT_OLDER",
          crossSeriesReducer: "REDUCE_COUNT_FALSE",
        },
      ],
      comparison: "COMPARISON_GT",
      thresholdValue: 1,
    });
  });

  it("builds the dashboard from typed widgets: compliance, budget, burn rate, latency, traffic, uptime", async () => {
    const { get } = await plan(
      () =>
        new ServiceMonitoring("checkout", {
          project: "acme-payments-prod",
          service: checkout,
          router: testRouter,
          runbookBaseUrl: RUNBOOKS,
          userLabels: LABELS,
        }),
    );
    const dashboard = JSON.parse(get("checkout-dashboard").inputs.dashboardJson as string);
    expect(dashboard.displayName).toBe("checkout (payments)");
    expect(dashboard.mosaicLayout.columns).toBe(48);
    const titles = dashboard.mosaicLayout.tiles.map(
      (tile: { widget: { title: string } }) => tile.widget.title,
    );
    expect(titles).toEqual([
      "availability: SLO compliance (objective 99.9 %)",
      "availability: remaining error budget",
      "availability: burn rate over 1 hour",
      "webhooks: SLO compliance (objective 99.5 %)",
      "webhooks: remaining error budget",
      "webhooks: burn rate over 1 hour",
      "latency: SLO compliance (objective 99 %)",
      "latency: remaining error budget",
      "latency: burn rate over 1 hour",
      "Latency (p99 and p50) — target 300 ms",
      "Traffic (requests per second)",
      "Uptime: https://checkout.example.com/healthz (share of regions passing)",
    ]);
    expect(dashboard.mosaicLayout.tiles[0].widget.scorecard.timeSeriesQuery.timeSeriesFilter.filter).toBe(
      `select_slo_compliance("${sloPath("availability")}")`,
    );
    expect(
      dashboard.mosaicLayout.tiles[2].widget.xyChart.dataSets[0].timeSeriesQuery.timeSeriesFilter.filter,
    ).toBe(`select_slo_burn_rate("${sloPath("availability")}", "3600s")`);
    expect(dashboard.mosaicLayout.tiles[2].widget.xyChart.thresholds).toEqual([
      { value: 14.4, label: "SEV1", color: "RED" },
    ]);
    // Two per row, 24 columns each.
    expect(
      dashboard.mosaicLayout.tiles.slice(0, 3).map((t: { xPos: number; yPos: number }) => [t.xPos, t.yPos]),
    ).toEqual([
      [0, 0],
      [24, 0],
      [0, 16],
    ]);
  });

  it("makes no Cloud Monitoring SLO for a Prometheus SLI (its rules go to Managed Prometheus)", async () => {
    const worker: ServiceDefinition = {
      name: "worker",
      team: "platform",
      area: "jobs",
      kind: "background-job",
      slos: [
        {
          name: "jobs",
          sli: {
            prometheus: {
              errorQuery: 'sum(rate(jobs_total{outcome="failed"}[{{window}}]))',
              totalQuery: "sum(rate(jobs_total[{{window}}]))",
            },
          },
        },
      ],
    };
    const { resources, get } = await plan(
      () =>
        new ServiceMonitoring("worker", {
          project: "acme-platform-prod",
          service: worker,
          router: testRouter,
          runbookBaseUrl: RUNBOOKS,
          userLabels: LABELS,
        }),
    );
    expect(resources.filter((r) => r.type === "gcp:monitoring/slo:Slo")).toEqual([]);
    expect(resources.filter((r) => r.type === "gcp:monitoring/alertPolicy:AlertPolicy")).toEqual([]);
    const dashboard = JSON.parse(get("worker-dashboard").inputs.dashboardJson as string);
    expect(dashboard.mosaicLayout.tiles[2].widget.xyChart.dataSets[0].timeSeriesQuery.prometheusQuery).toBe(
      '((sum(rate(jobs_total{outcome="failed"}[1h]))) / (sum(rate(jobs_total[1h])))) / 0.05',
    );
  });

  it("refuses what it cannot monitor, naming each problem", () => {
    const bad: ServiceDefinition = {
      ...checkout,
      slos: [
        { name: "a", objective: 100, sli: { cloudMonitoring: { totalFilter: "x" } } },
        {
          name: "b",
          periodDays: 45,
          sli: { prometheus: { errorQuery: "sum(rate(e[5m]))", totalQuery: "sum(rate(t[{{window}}]))" } },
        },
      ],
    };
    expect(() =>
      validateServiceMonitoringArgs("checkout", {
        project: "p",
        service: bad,
        router: testRouter,
        runbookBaseUrl: "http://x",
        userLabels: LABELS,
      }),
    ).toThrow(
      'ServiceMonitoring "checkout": runbookBaseUrl must be an https URL, got "http://x"; SLO a: objective must be above 0 and below 100 percent, got 100; SLO a: a request-based SLI needs totalFilter and exactly one of goodFilter, badFilter; SLO b: periodDays must be a whole number of days from 1 to 30, got 45; SLO b: Prometheus queries need a {{window}} placeholder',
    );
  });
});

describe("PlatformAlerts", () => {
  it("alerts on NAT, error-log spikes and failed deploys, routed by area, after their log metrics", async () => {
    const { resources, get } = await plan(
      () =>
        new PlatformAlerts("payments", {
          project: "acme-payments-prod",
          environment: "payments",
          router: testRouter,
          runbookBaseUrl: RUNBOOKS,
          userLabels: LABELS,
        }),
    );
    expect(resources.find((r) => r.name === "payments")?.type).toBe("platform:monitoring:PlatformAlerts");
    const policies = resources.filter((r) => r.type === "gcp:monitoring/alertPolicy:AlertPolicy");
    expect(
      policies.map((p) => [p.name, (p.inputs.userLabels as Record<string, string>).area, p.inputs.severity]),
    ).toEqual([
      ["payments-nat-allocation-failures", "connectivity", "ERROR"],
      ["payments-nat-dropped-packets", "connectivity", "ERROR"],
      ["payments-error-log-spike", "release", "WARNING"],
      ["payments-failed-deploy", "release", "WARNING"],
    ]);
    expect(get("payments-error-log-entries").inputs).toMatchObject({
      name: "platform-error-log-entries",
      filter: "severity>=ERROR",
    });
    expect(get("payments-error-log-spike").dependencies).toContain(get("payments-error-log-entries").urn);
    expect(get("payments-failed-deploy").dependencies).toContain(get("payments-failed-deploys").urn);
    expect(
      (
        get("payments-nat-dropped-packets").inputs.conditions as { conditionThreshold: { filter: string } }[]
      )[0].conditionThreshold.filter,
    ).toBe(
      'metric.type="router.googleapis.com/nat/dropped_sent_packets_count" AND resource.type="nat_gateway" AND metric.label.reason="OUT_OF_RESOURCES"',
    );
    // The router's strategy: SEV2 (the NAT alerts) close after an hour, SEV3 after a day.
    expect(
      policies.map((policy) => [
        policy.name,
        (policy.inputs.alertStrategy as { autoClose: string }).autoClose,
        (policy.inputs.documentation as { links: { url: string }[] }).links[0].url,
      ]),
    ).toEqual([
      ["payments-nat-allocation-failures", "3600s", `${RUNBOOKS}/docs/runbooks/nat-exhaustion.md`],
      ["payments-nat-dropped-packets", "3600s", `${RUNBOOKS}/docs/runbooks/nat-exhaustion.md`],
      ["payments-error-log-spike", "86400s", `${RUNBOOKS}/docs/runbooks/error-log-spike.md`],
      ["payments-failed-deploy", "86400s", `${RUNBOOKS}/docs/runbooks/failed-deploy.md`],
    ]);
  });
});

describe("routed alert strategy in a preview", () => {
  /** Channels that a first preview does not know yet; re-notify every 30 min, autoClose when the route sets it. */
  function previewRouter(autoClose: string | undefined): AlertRouter {
    return {
      route(area: string, severity: Severity) {
        const channel = new gcp.monitoring.NotificationChannel(`${area}-${severity.toLowerCase()}`, {
          project: "acme-payments-prod",
          type: "email",
          labels: { email_address: "oncall@example.com" },
        });
        const notificationChannels = pulumi.all([channel.name]);
        return {
          notificationChannels,
          severity: "ERROR",
          alertStrategy: {
            ...(autoClose ? { autoClose } : {}),
            notificationChannelStrategies: [
              { notificationChannelNames: notificationChannels, renotifyInterval: "1800s" },
            ],
          },
          userLabels: { area, severity: severity.toLowerCase(), team: `${area}-oncall` },
        };
      },
    };
  }

  async function strategies(autoClose: string | undefined) {
    const { resources } = await runUnderMocks({
      project: "platform",
      stack: "test",
      outputs: "preview",
      program: () =>
        new PlatformAlerts("payments", {
          project: "acme-payments-prod",
          environment: "payments",
          router: previewRouter(autoClose),
          runbookBaseUrl: RUNBOOKS,
          userLabels: LABELS,
        }),
    });
    return resources
      .filter((r) => r.type === "gcp:monitoring/alertPolicy:AlertPolicy")
      .map((r) => [r.name, r.inputs.alertStrategy]);
  }

  const unknownChannels = [{ notificationChannelNames: UNKNOWN_VALUE, renotifyInterval: "1800s" }];

  it("keeps the route's autoClose known while the re-notify channel names are unknown", async () => {
    const strategy = { autoClose: "7200s", notificationChannelStrategies: unknownChannels };
    expect(await strategies("7200s")).toEqual([
      ["payments-nat-allocation-failures", strategy],
      ["payments-nat-dropped-packets", strategy],
      ["payments-error-log-spike", strategy],
      ["payments-failed-deploy", strategy],
    ]);
  });

  it("adds the default autoClose to a route without one, still known in a preview", async () => {
    const strategy = { autoClose: DEFAULT_AUTO_CLOSE, notificationChannelStrategies: unknownChannels };
    expect(DEFAULT_AUTO_CLOSE).toBe("1800s");
    expect((await strategies(undefined)).map(([, s]) => s)).toEqual([strategy, strategy, strategy, strategy]);
  });
});
