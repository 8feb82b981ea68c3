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
  firingAt,
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

const outage = (until: number) => (minute: number) => (minute <= until ? 1 : 0);
const steady = (ratio: number) => () => ratio;

/**
 * Hand-computed from the formulas. A window of W minutes over a steady error ratio e that started m
 * minutes ago has an error ratio e × m ÷ W; a row fires once both of its windows exceed
 * threshold × budget, i.e. from the first whole minute m > threshold × budget × W ÷ e. After an
 * outage of the first k minutes, a window of W minutes still holds k − (m − W) bad minutes at m ≥ W.
 *
 * The scenarios of one objective run side by side in one promtool test (one series per scenario,
 * `sum by (scenario)`), so every probe checks every scenario of its objective, and each scenario's
 * alerts are stated for its whole run, past its own probes.
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
        // Recovery after minute 30: SEV1's 5-min window is clean at 35, SEV2's 30-min at 60, SEV3's
        // 6-hour window at 390 (its 3-day window keeps 30 ÷ 4320 = 0.0069).
        name: "total outage of 30 minutes pages SEV1 within a minute and stops within 5 minutes of recovery",
        errorRatio: outage(30),
        probes: [0, 1, 2, 3, 4, 5, 34, 35, 59, 60, 389, 390],
        fires: { SEV1: { from: 1, until: 35 }, SEV2: { from: 3, until: 60 }, SEV3: { from: 5, until: 390 } },
      },
      {
        // e = 0.02. SEV1: 0.0144 × 60 ÷ 0.02 = 43.2 → 44 (short: 3.6). SEV2: 0.006 × 360 ÷ 0.02 = 108 → 109.
        // SEV3: 0.001 × 4320 ÷ 0.02 = 216 → 217.
        name: "2 % errors page SEV1 within the hour",
        errorRatio: steady(0.02),
        probes: [43, 44, 60, 107, 109, 215, 217],
        fires: { SEV1: { from: 44 }, SEV2: { from: 109 }, SEV3: { from: 217 } },
        rounding: [108, 216],
      },
      {
        // e = 0.002: below 0.0144 and 0.006, so never a page (the paging windows, at most 6 h, are
        // full of the trickle from minute 360 on and stay there). SEV3: 0.001 × 4320 ÷ 0.002 = 2160 → 2161.
        name: "a 0.2 % trickle opens a SEV3 ticket after 36 hours and never pages",
        errorRatio: steady(0.002),
        probes: [60, 360, 2_159, 2_161],
        fires: { SEV3: { from: 2_161 } },
        rounding: [2_160],
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
        // Recovery: SEV1 stops at 35, SEV2 at 60; SEV3's 6-hour window needs 2 bad minutes
        // (0.004666665 × 360 = 1.68), so it stops once it holds 1: 30 − (m − 360) < 2 from m = 389.
        name: "total outage of 30 minutes pages SEV1 within 5 minutes and stops within 5 minutes of recovery",
        errorRatio: outage(30),
        probes: [4, 5, 10, 11, 20, 21, 34, 35, 59, 60, 388, 389],
        fires: {
          SEV1: { from: 5, until: 35 },
          SEV2: { from: 11, until: 60 },
          SEV3: { from: 21, until: 389 },
        },
      },
      {
        // 2 % is only 4× this budget: below 0.0672 and 0.028, no page; SEV3: 20.16 ÷ 0.02 = 1008
        // (1007.9996 with the rounded share) → 1008; minute 1008 itself is left to rounding.
        name: "2 % errors are a 4× burn here: a SEV3 ticket after 16.8 hours, never a page",
        errorRatio: steady(0.02),
        probes: [60, 1_007, 1_009],
        fires: { SEV3: { from: 1_008 } },
        rounding: [1_008],
      },
      {
        // The same 20× burn as 2 % at 99.9 %: e = 0.1. SEV1: 4.032 ÷ 0.1 = 40.32 → 41. SEV2: 10.08 ÷ 0.1 = 100.8 → 101.
        // SEV3: 20.16 ÷ 0.1 = 201.6 → 202.
        name: "10 % errors (a 20× burn) page SEV1 within the hour",
        errorRatio: steady(0.1),
        probes: [40, 41, 60, 100, 101, 201, 202],
        fires: { SEV1: { from: 41 }, SEV2: { from: 101 }, SEV3: { from: 202 } },
      },
      {
        // e = 0.01 (2× burn): no page; SEV3: 20.16 ÷ 0.01 = 2016 (2015.9993 rounded) → 2016, left to rounding.
        name: "a 1 % trickle (2× burn) tickets after 33.6 hours and never pages",
        errorRatio: steady(0.01),
        probes: [360, 2_015, 2_017],
        fires: { SEV3: { from: 2_016 } },
        rounding: [2_016],
      },
      {
        // Every window's ratio is at most 0.002, below even SEV3's 0.004666665: nothing can fire.
        name: "a 0.2 % trickle stays within this budget: nothing fires",
        errorRatio: steady(0.002),
        probes: [360, 400],
        fires: {},
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
        errorRatio: steady(1),
        probes: [53, 55, 215, 217, 431, 433],
        fires: { SEV1: { from: 55 }, SEV2: { from: 217 }, SEV3: { from: 433 } },
        rounding: [54, 216, 432],
      },
    ],
  },
];

/** Every minute at which a group's scenarios are checked: the probes of all of them. */
function probeMinutes(scenarios: Scenario[]): number[] {
  return [...new Set(scenarios.flatMap((scenario) => scenario.probes))].sort((a, b) => a - b);
}

type Sampling = "probes" | "every minute";

/**
 * The checkout service with its SLI over Prometheus counters. `byScenario`: the queries keep a
 * `scenario` label, so several scenarios run side by side in one series set.
 */
function checkout(objective: number, periodDays: number, byScenario = true): ServiceDefinition {
  const sum = byScenario ? "sum by (scenario)" : "sum";
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
            errorQuery: `${sum} (rate(http_requests_total{service="checkout",code=~"5.."}[{{window}}]))`,
            totalQuery: `${sum} (rate(http_requests_total{service="checkout"}[{{window}}]))`,
          },
        },
      },
    ],
  };
}

/**
 * One promtool test of the scenarios side by side (or of one scenario without a scenario label):
 * at every probe minute of any of them, each fires what its hand-computed spans say.
 */
function promtoolTestFile(
  service: ServiceDefinition,
  scenarios: Scenario[],
  ruleFile: string,
  options: { sampling: Sampling; byScenario: boolean },
): string {
  const rules = prometheusRules(service, BASE);
  const alerting = rules?.groups[0].rules.filter((rule) => "alert" in rule) ?? [];
  const annotationsOf = (severity: Sev) =>
    alerting.find((rule) => "alert" in rule && rule.labels.severity === severity)?.annotations;
  const minutes = probeMinutes(scenarios);
  const keep =
    options.sampling === "probes"
      ? sampleMinutes(
          minutes,
          ruleWindows().map((seconds) => seconds / 60),
        )
      : undefined;
  const label = (index: number) => (options.byScenario ? `,scenario="s${index}"` : "");
  const inputSeries = scenarios.flatMap((scenario, index) => {
    const { total, bad } = counters(scenario, minutes[minutes.length - 1]!);
    const good = total.map((value, minute) => Math.round((value - bad[minute]) * 1e6) / 1e6);
    return [
      {
        series: `http_requests_total{service="checkout",code="500"${label(index)}}`,
        values: seriesValues(bad, keep),
      },
      {
        series: `http_requests_total{service="checkout",code="200"${label(index)}}`,
        values: seriesValues(good, keep),
      },
    ];
  });
  const test = {
    interval: "1m",
    input_series: inputSeries,
    alert_rule_test: minutes.map((minute) => ({
      eval_time: `${HISTORY + minute}m`,
      // The alert's name is a contract (routing, runbooks, silences): written out, not imported.
      alertname: "SLOErrorBudgetBurn",
      exp_alerts: scenarios.flatMap((scenario, index) =>
        firingAt(scenario, minute).map((severity) => ({
          exp_labels: {
            severity,
            service: "checkout",
            slo: "availability",
            area: "billing",
            team: "payments",
            ...(options.byScenario ? { scenario: `s${index}` } : {}),
          },
          exp_annotations: annotationsOf(severity),
        })),
      ),
    })),
  };
  return JSON.stringify({ rule_files: [ruleFile], evaluation_interval: "1m", tests: [test] });
}

/** Writes the service's rule file and a promtool test of the scenarios; returns promtool's output. */
async function promtoolTest(
  scenarios: Scenario[],
  group: { objective: number; periodDays: number },
  label: string,
  options: { sampling: Sampling; byScenario: boolean } = { sampling: "probes", byScenario: true },
): Promise<string> {
  const service = checkout(group.objective, group.periodDays, options.byScenario);
  const rules = prometheusRules(service, BASE);
  if (!rules) throw new Error("no rules generated");
  const ruleFile = path.join(work, `${label}.rules.yaml`);
  writeFileSync(ruleFile, ruleFileYaml(rules));
  const check = await run(promtool, ["check", "rules", ruleFile]);
  expect(check.stdout).toContain("SUCCESS: 8 rules found");
  // promtool reads YAML; JSON is YAML.
  const testFile = path.join(work, `${label}.test.yaml`);
  writeFileSync(testFile, promtoolTestFile(service, scenarios, ruleFile, options));
  const result = await run(promtool, ["test", "rules", testFile], { maxBuffer: 16 * 1024 * 1024 }).catch(
    (error: { stdout: string; stderr: string; code: number }) => error,
  );
  return `${result.stdout}${result.stderr}`;
}

describe.each(SCENARIOS)("burn-rate alerts for $label", (group) => {
  const { objective, periodDays, scenarios } = group;

  it("pass promtool check rules and promtool test rules over synthetic series", async () => {
    const output = await promtoolTest(scenarios, group, `checkout-${objective}`);
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
    const minutes = probeMinutes(scenarios);
    for (const scenario of scenarios) {
      const series = counters(scenario, minutes[minutes.length - 1]!);
      for (const minute of minutes) {
        const firing = policies
          .filter(({ policy }) => isFiring(policy, series, objective / 100, HISTORY + minute))
          .map(({ severity }) => severity);
        expect(firing, `${scenario.name} at minute ${minute}`).toEqual(firingAt(scenario, minute));
      }
    }
  });
});

it("one scenario alone, with the plain SLI query and a sample every minute, fires the same alerts", async () => {
  // What the side-by-side, sparse runs above rest on: the 30-minute outage at 99.9 % with the
  // production-shaped query (`sum`, no scenario label) and every minute sampled passes the same
  // hand-computed probes.
  const group = SCENARIOS[0]!;
  const outageAlone = group.scenarios.slice(0, 1);
  const dense = await promtoolTest(outageAlone, group, "every-minute", {
    sampling: "every minute",
    byScenario: false,
  });
  expect(dense).toContain("SUCCESS");
  expect(dense).not.toContain("FAILED");
  // And the sparse series are not vacuous: a wrong span fails (SEV1 still fires at 34).
  const wrong = outageAlone.map((scenario) => ({
    ...scenario,
    fires: { ...scenario.fires, SEV1: { from: 1, until: 34 } },
  }));
  const failed = await promtoolTest(wrong, group, "probes-wrong");
  expect(failed).toContain("FAILED");
  expect(failed).toContain('scenario="s0", service="checkout", severity="SEV1"');
}, 900_000);

it("probes each span's edge and the minute before it, or the nearest ones past a rounding minute", () => {
  // So a span one minute off cannot pass unseen: the last minute without (or with) the alert and
  // the first with (or without) it are both probed, unless the formulas put one exactly on its
  // threshold (a rounding minute), which is stepped over instead.
  for (const { scenarios } of SCENARIOS)
    for (const scenario of scenarios) {
      const rounding = new Set(scenario.rounding ?? []);
      for (const span of Object.values(scenario.fires))
        for (const edge of [span.from, span.until].filter((edge) => edge !== undefined)) {
          const below = rounding.has(edge - 1) ? edge - 2 : edge - 1;
          const above = rounding.has(edge) ? edge + 1 : edge;
          expect([
            scenario.name,
            edge,
            scenario.probes.includes(below),
            scenario.probes.includes(above),
          ]).toEqual([scenario.name, edge, true, true]);
        }
      for (const minute of rounding)
        expect([scenario.name, scenario.probes.includes(minute)]).toEqual([scenario.name, false]);
    }
});

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
