import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { burnRateConditions, sloResourceName } from "../../components/monitoring/alerts";
import { burnRateAlerts } from "../../components/monitoring/burn-rate";
import { isFiring } from "../../components/monitoring/evaluator";
import type { ServiceDefinition } from "../../components/monitoring/model";
import { prometheusRules, ruleFileYaml, ruleWindows } from "../../components/monitoring/prometheus";
import { ensureDebianTool } from "../../tools/debian-tools/fetch";
import { runCommand } from "../helpers/cli";
import {
  counters,
  HISTORY,
  REQUESTS_PER_MINUTE,
  type Scenario,
  type Sev,
  sampleMinutes,
  seriesValues,
} from "./synthetic";

const run = promisify(execFile);
const BASE = "https://github.com/acme-corp/platform/blob/main";
let promtool: string;
let work: string;

beforeAll(async () => {
  promtool = await ensureDebianTool("prometheus", "promtool");
  work = mkdtempSync(path.join(tmpdir(), "promtool-"));
}, 600_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

function checkout(objective: number, periodDays: number): ServiceDefinition {
  return {
    name: "checkout",
    team: "payments",
    area: "billing",
    kind: "web",
    slos: [
      {
        name: "availability",
        objective,
        periodDays,
        sli: {
          prometheus: {
            errorQuery: 'sum(rate(http_requests_total{service="checkout",code=~"5.."}[{{window}}]))',
            totalQuery: 'sum(rate(http_requests_total{service="checkout"}[{{window}}]))',
          },
        },
      },
    ],
  };
}

const outage = (until: number) => (minute: number) => (minute <= until ? 1 : 0);
const steady = (ratio: number) => () => ratio;

/**
 * Hand-computed from the formulas. A window of W minutes over a steady error ratio e that started m
 * minutes ago has an error ratio e × m ÷ W; a row fires once both of its windows exceed
 * threshold × budget, i.e. at the first whole minute m > threshold × budget × W ÷ e.
 */
const SCENARIOS: { label: string; objective: number; periodDays: number; scenarios: Scenario[] }[] = [
  {
    // Bad-event shares: SEV1 14.4 × 0.001 = 0.0144, SEV2 6 × 0.001 = 0.006, SEV3 1 × 0.001 = 0.001.
    label: "99.9 % over 30 days",
    objective: 99.9,
    periodDays: 30,
    scenarios: [
      {
        // SEV1: 0.0144 × 60 = 0.864 → minute 1. SEV2: 0.006 × 360 = 2.16 → 3. SEV3: 0.001 × 4320 = 4.32 → 5.
        // Recovery after minute 30: SEV1's 5-min window is clean 5 minutes later (35), SEV2's 30-min at 60.
        name: "total outage of 30 minutes pages SEV1 within a minute and stops within 5 minutes of recovery",
        minutes: 61,
        errorRatio: outage(30),
        probes: [
          { minute: 0, firing: [] },
          { minute: 1, firing: ["SEV1"] },
          { minute: 2, firing: ["SEV1"] },
          { minute: 4, firing: ["SEV1", "SEV2"] },
          { minute: 5, firing: ["SEV1", "SEV2", "SEV3"] },
          { minute: 34, firing: ["SEV1", "SEV2", "SEV3"] },
          { minute: 35, firing: ["SEV2", "SEV3"] },
          { minute: 59, firing: ["SEV2", "SEV3"] },
          { minute: 60, firing: ["SEV3"] },
        ],
      },
      {
        // e = 0.02. SEV1: 0.0144 × 60 ÷ 0.02 = 43.2 → 44 (short: 3.6). SEV2: 0.006 × 360 ÷ 0.02 = 108 → 109.
        // SEV3: 0.001 × 4320 ÷ 0.02 = 216 → 217.
        name: "2 % errors page SEV1 within the hour",
        minutes: 110,
        errorRatio: steady(0.02),
        probes: [
          { minute: 43, firing: [] },
          { minute: 44, firing: ["SEV1"] },
          { minute: 60, firing: ["SEV1"] },
          { minute: 107, firing: ["SEV1"] },
          { minute: 109, firing: ["SEV1", "SEV2"] },
        ],
      },
      {
        // e = 0.002: below 0.0144 and 0.006, so never a page (the paging windows, at most 6 h, are
        // full of the trickle from minute 360 on and stay there). SEV3: 0.001 × 4320 ÷ 0.002 = 2160 → 2161.
        name: "a 0.2 % trickle opens a SEV3 ticket after 36 hours and never pages",
        minutes: 2_161,
        errorRatio: steady(0.002),
        probes: [
          { minute: 60, firing: [] },
          { minute: 360, firing: [] },
          { minute: 2_159, firing: [] },
          { minute: 2_161, firing: ["SEV3"] },
        ],
      },
    ],
  },
  {
    // Thresholds 13.44, 5.6, 0.933333; shares 0.0672, 0.028, 0.004666665.
    label: "99.5 % over 28 days",
    objective: 99.5,
    periodDays: 28,
    scenarios: [
      {
        // SEV1: 0.0672 × 60 = 4.032 → 5. SEV2: 0.028 × 360 = 10.08 → 11. SEV3: 0.004666665 × 4320 = 20.16 → 21.
        name: "total outage of 30 minutes pages SEV1 within 5 minutes and stops within 5 minutes of recovery",
        minutes: 61,
        errorRatio: outage(30),
        probes: [
          { minute: 4, firing: [] },
          { minute: 5, firing: ["SEV1"] },
          { minute: 10, firing: ["SEV1"] },
          { minute: 11, firing: ["SEV1", "SEV2"] },
          { minute: 20, firing: ["SEV1", "SEV2"] },
          { minute: 21, firing: ["SEV1", "SEV2", "SEV3"] },
          { minute: 34, firing: ["SEV1", "SEV2", "SEV3"] },
          { minute: 35, firing: ["SEV2", "SEV3"] },
          { minute: 59, firing: ["SEV2", "SEV3"] },
          { minute: 60, firing: ["SEV3"] },
        ],
      },
      {
        // 2 % is only 4× this budget: below 0.0672 and 0.028, no page; SEV3: 20.16 ÷ 0.02 = 1008 → 1009.
        name: "2 % errors are a 4× burn here: a SEV3 ticket after 16.8 hours, never a page",
        minutes: 1_010,
        errorRatio: steady(0.02),
        probes: [
          { minute: 60, firing: [] },
          { minute: 1_007, firing: [] },
          { minute: 1_009, firing: ["SEV3"] },
        ],
      },
      {
        // The same 20× burn as 2 % at 99.9 %: e = 0.1. SEV1: 4.032 ÷ 0.1 = 40.32 → 41. SEV2: 10.08 ÷ 0.1 = 100.8 → 101.
        // SEV3: 20.16 ÷ 0.1 = 201.6 → 202.
        name: "10 % errors (a 20× burn) page SEV1 within the hour",
        minutes: 203,
        errorRatio: steady(0.1),
        probes: [
          { minute: 40, firing: [] },
          { minute: 41, firing: ["SEV1"] },
          { minute: 60, firing: ["SEV1"] },
          { minute: 100, firing: ["SEV1"] },
          { minute: 101, firing: ["SEV1", "SEV2"] },
          { minute: 201, firing: ["SEV1", "SEV2"] },
          { minute: 202, firing: ["SEV1", "SEV2", "SEV3"] },
        ],
      },
      {
        // e = 0.01 (2× burn): no page; SEV3: 20.16 ÷ 0.01 = 2016 → 2017. A 0.2 % trickle (0.4×) never fires at all.
        name: "a 1 % trickle (2× burn) tickets after 33.6 hours and never pages",
        minutes: 2_017,
        errorRatio: steady(0.01),
        probes: [
          { minute: 360, firing: [] },
          { minute: 2_015, firing: [] },
          { minute: 2_017, firing: ["SEV3"] },
        ],
      },
      {
        // Every window's ratio is at most 0.002, below even SEV3's 0.004666665: nothing can fire.
        name: "a 0.2 % trickle stays within this budget: nothing fires",
        minutes: 400,
        errorRatio: steady(0.002),
        probes: [
          { minute: 360, firing: [] },
          { minute: 400, firing: [] },
        ],
      },
    ],
  },
  {
    // Adapted: at 90 % the largest burn rate is 10, so SEV1 is lowered from 14.4 to 9 (share 0.9).
    // Total outage: SEV1 0.9 × 60 = 54 → 55 (short 4.5). SEV2: 0.6 × 360 = 216 → 217. SEV3: 0.1 × 4320 = 432 → 433.
    label: "90 % over 30 days (adapted SEV1 row)",
    objective: 90,
    periodDays: 30,
    scenarios: [
      {
        name: "a total outage still pages SEV1, after 55 minutes",
        minutes: 434,
        errorRatio: steady(1),
        probes: [
          { minute: 53, firing: [] },
          { minute: 55, firing: ["SEV1"] },
          { minute: 215, firing: ["SEV1"] },
          { minute: 217, firing: ["SEV1", "SEV2"] },
          { minute: 433, firing: ["SEV1", "SEV2", "SEV3"] },
        ],
      },
    ],
  },
];

type Sampling = "probes" | "every minute";

function promtoolTestFile(
  service: ServiceDefinition,
  scenarios: Scenario[],
  ruleFile: string,
  sampling: Sampling = "probes",
): string {
  const rules = prometheusRules(service, BASE);
  const alerting = rules?.groups[0].rules.filter((rule) => "alert" in rule) ?? [];
  const annotationsOf = (severity: Sev) =>
    alerting.find((rule) => "alert" in rule && rule.labels.severity === severity)?.annotations;
  const tests = scenarios.map((scenario) => {
    const { total, bad } = counters(scenario);
    const good = total.map((value, index) => Math.round((value - bad[index]) * 1e6) / 1e6);
    const keep =
      sampling === "probes"
        ? sampleMinutes(
            scenario.probes.map((probe) => probe.minute),
            ruleWindows().map((seconds) => seconds / 60),
          )
        : undefined;
    return {
      interval: "1m",
      name: scenario.name,
      input_series: [
        { series: 'http_requests_total{service="checkout",code="500"}', values: seriesValues(bad, keep) },
        { series: 'http_requests_total{service="checkout",code="200"}', values: seriesValues(good, keep) },
      ],
      alert_rule_test: scenario.probes.map((probe) => ({
        eval_time: `${HISTORY + probe.minute}m`,
        // The alert's name is a contract (routing, runbooks, silences): written out, not imported.
        alertname: "SLOErrorBudgetBurn",
        exp_alerts: probe.firing.map((severity) => ({
          exp_labels: {
            severity,
            service: "checkout",
            slo: "availability",
            area: "billing",
            team: "payments",
          },
          exp_annotations: annotationsOf(severity),
        })),
      })),
    };
  });
  return JSON.stringify({ rule_files: [ruleFile], evaluation_interval: "1m", tests });
}

/** Writes the service's rule file and a promtool test of the scenarios; returns promtool's output. */
async function promtoolTest(
  service: ServiceDefinition,
  scenarios: Scenario[],
  label: string,
  sampling: Sampling = "probes",
): Promise<string> {
  const rules = prometheusRules(service, BASE);
  if (!rules) throw new Error("no rules generated");
  const ruleFile = path.join(work, `${label}.rules.yaml`);
  writeFileSync(ruleFile, ruleFileYaml(rules));
  const check = await run(promtool, ["check", "rules", ruleFile]);
  expect(check.stdout).toContain("SUCCESS: 8 rules found");
  // promtool reads YAML; JSON is YAML.
  const testFile = path.join(work, `${label}.test.yaml`);
  writeFileSync(testFile, promtoolTestFile(service, scenarios, ruleFile, sampling));
  const result = await run(promtool, ["test", "rules", testFile], { maxBuffer: 16 * 1024 * 1024 }).catch(
    (error: { stdout: string; stderr: string; code: number }) => error,
  );
  return `${result.stdout}${result.stderr}`;
}

describe.each(SCENARIOS)("burn-rate alerts for $label", ({ objective, periodDays, scenarios }) => {
  const service = checkout(objective, periodDays);

  it("pass promtool check rules and promtool test rules over synthetic series", async () => {
    const output = await promtoolTest(service, scenarios, `checkout-${objective}`);
    expect(output).toContain("SUCCESS");
    expect(output).not.toContain("FAILED");
  }, 900_000);

  it("and the Cloud Monitoring policies, evaluated over the same series, fire exactly the same alerts", () => {
    const alerts = burnRateAlerts({ objective, periodDays });
    const sloName = sloResourceName("acme-payments-prod", "checkout", "availability");
    const policies = alerts.map((alert) => ({
      severity: alert.severity,
      policy: { combiner: "AND" as const, conditions: burnRateConditions(sloName, alert) },
    }));
    for (const scenario of scenarios) {
      const series = counters(scenario);
      for (const probe of scenario.probes) {
        const firing = policies
          .filter(({ policy }) => isFiring(policy, series, objective / 100, HISTORY + probe.minute))
          .map(({ severity }) => severity);
        expect(firing, `${scenario.name} at minute ${probe.minute}`).toEqual(probe.firing);
      }
    }
  });
});

it("sampling the counters only where the probes' windows begin and end fires what a sample every minute fires", async () => {
  // The scenario above, sampled every minute: the same hand-computed alerts hold.
  const group = SCENARIOS[0]!;
  const service = checkout(group.objective, group.periodDays);
  const outage = group.scenarios.slice(0, 1);
  const dense = await promtoolTest(service, outage, "every-minute", "every minute");
  expect(dense).toContain("SUCCESS");
  expect(dense).not.toContain("FAILED");
  // And the sparse series are not vacuous: a wrong expectation fails (SEV1 still fires at 34).
  const wrong = [{ ...outage[0]!, probes: [{ minute: 34, firing: ["SEV2", "SEV3"] as Sev[] }] }];
  const failed = await promtoolTest(service, wrong, "probes-wrong");
  expect(failed).toContain("FAILED");
  expect(failed).toContain('severity="SEV1"');
}, 900_000);

describe("npm run monitoring -- rules", () => {
  it("writes one rule file per service with Prometheus SLIs for each bundled stack, all accepted by promtool", async () => {
    for (const stack of ["dev", "staging", "prod"]) {
      const out = path.join(work, `rules-${stack}`);
      const result = await runCommand("tools/monitoring/cli.ts", ["rules", "--stack", stack, "--out", out]);
      expect(result.code, result.stderr).toBe(0);
      const files = readdirSync(out).sort();
      expect(files).toEqual(["checkout.rules.yaml", "worker.rules.yaml"]);
      for (const file of files) {
        const check = await run(promtool, ["check", "rules", path.join(out, file)]);
        expect(check.stdout).toContain("SUCCESS: 8 rules found");
      }
    }
  }, 120_000);

  it("refuses bad arguments with one line and exit 2", async () => {
    expect(await runCommand("tools/monitoring/cli.ts", ["rules", "--stack", "prod"])).toMatchObject({
      code: 2,
      stderr: "command line: --out: expected a folder for the rule files, found nothing\n",
    });
    const wrong = await runCommand("tools/monitoring/cli.ts", ["apply", "--stack", "prod"]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr.split("\n")[0]).toBe('command line: expected the command `rules`, found "apply"');
    const missing = await runCommand("tools/monitoring/cli.ts", [
      "rules",
      "--stack",
      "prod",
      "--stack-file",
      "nope.yaml",
      "--out",
      work,
    ]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(
      "nope.yaml: (file): expected a readable stack config file (a regular file of at most 1 MiB), found no such file\n",
    );
  });
});

it("uses a steady 600 requests per minute of synthetic traffic", () => {
  expect(REQUESTS_PER_MINUTE).toBe(600);
});
