import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs, promisify } from "node:util";
import { generateOrganization } from "./generate-org";
import { median } from "./stats";

/**
 * `npm run bench`: wall time and peak memory of the offline plan for each bundled stack and for
 * generated organizations, each run in a fresh process (as a user runs it), median of N runs.
 */

const run = promisify(execFile);

interface Sample {
  ms: number;
  resources: number;
  maxRssKb: number;
  mandatory?: number;
}

async function sample(args: string[]): Promise<Sample> {
  const started = process.hrtime.bigint();
  const { stdout } = await run(
    process.execPath,
    ["--require", "tsx/cjs", join(__dirname, "measure.ts"), ...args],
    {
      maxBuffer: 256 * 1024 * 1024,
    },
  );
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const report = JSON.parse(stdout.trim().split("\n").pop() ?? "{}");
  return { ms, resources: report.resources, maxRssKb: report.maxRssKb, mandatory: report.mandatory };
}

interface Row {
  name: string;
  resources: number;
  /** Program under mocks only. */
  planMs: number;
  planPeakMb: number;
  /** `npm run plan` as users run it: policy pack started in parallel, analyze, report. */
  fullMs?: number;
  mandatory?: number;
}

async function medianOf(
  args: string[],
  runs: number,
): Promise<{ ms: number; sample: Sample; peakKb: number }> {
  const samples: Sample[] = [];
  for (let i = 0; i < runs; i++) samples.push(await sample(args));
  return {
    ms: median(samples.map((s) => s.ms)),
    sample: samples[0],
    peakKb: Math.max(...samples.map((s) => s.maxRssKb)),
  };
}

async function measureCase(
  name: string,
  stack: string,
  file: string | undefined,
  runs: number,
  full: boolean,
) {
  const args = file ? [stack, file] : [stack];
  const plan = await medianOf(["plan", ...args], runs);
  const row: Row = {
    name,
    resources: plan.sample.resources,
    planMs: plan.ms,
    planPeakMb: plan.peakKb / 1024,
  };
  if (full) {
    const cli = await medianOf(["cli", ...args], runs);
    row.fullMs = cli.ms;
    row.mandatory = cli.sample.mandatory;
  }
  return row;
}

function printTable(rows: Row[], floorMs: number): void {
  const header = [
    "case",
    "resources",
    "plan ms",
    "x floor",
    "ms/resource*",
    "peak MB",
    "with policy ms",
    "mandatory",
  ];
  const lines = rows.map((row) => [
    row.name,
    String(row.resources),
    row.planMs.toFixed(0),
    (row.planMs / floorMs).toFixed(2),
    row.resources > 0 ? ((row.planMs - floorMs) / row.resources).toFixed(2) : "-",
    row.planPeakMb.toFixed(0),
    row.fullMs === undefined ? "-" : row.fullMs.toFixed(0),
    row.mandatory === undefined ? "-" : String(row.mandatory),
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...lines.map((line) => line[column].length)),
  );
  const format = (cells: string[]) => cells.map((cell, column) => cell.padStart(widths[column])).join("  ");
  console.log(format(header));
  for (const line of lines) console.log(format(line));
  console.log(
    "plan ms: the stack program under Pulumi's mock runtime (no policy pack), median wall time from spawn to exit.",
  );
  console.log(
    "* (plan - floor) / resources: the marginal cost per resource, which should stay flat as size grows.",
  );
  console.log(
    "with policy ms: `npm run plan` as users run it, the policy pack started alongside and run over every resource.",
  );
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { runs: { type: "string", default: "5" }, quick: { type: "boolean" } },
  });
  const runs = Number(values.runs);
  const sizes = values.quick ? [10, 50] : [10, 50, 200];
  const scratch = mkdtempSync(join(tmpdir(), "platform-bench-"));
  console.log(`Offline plan benchmark: ${runs} runs per case, median wall time from process spawn to exit.`);
  console.log(`Node ${process.version}, ${cpus().length} cores.\n`);
  const floor = await medianOf(["floor"], runs);
  const rows: Row[] = [
    {
      name: "floor (node + tsx + @pulumi/pulumi + @pulumi/gcp)",
      resources: 0,
      planMs: floor.ms,
      planPeakMb: floor.peakKb / 1024,
    },
  ];
  for (const stack of ["dev", "staging", "prod"])
    rows.push(await measureCase(`stack ${stack}`, stack, undefined, runs, true));
  for (const size of sizes) {
    const file = join(scratch, `Pulumi.generated-${size}.yaml`);
    writeFileSync(file, generateOrganization(size));
    rows.push(
      await measureCase(`generated org, ${size} environments`, `generated-${size}`, file, runs, size <= 50),
    );
  }
  printTable(rows, floor.ms);
  const dev = rows.find((row) => row.name === "stack dev");
  if (dev) {
    console.log(`\ndev plan / floor = ${(dev.planMs / floor.ms).toFixed(2)} (target <= 1.5)`);
    if (dev.fullMs)
      console.log(`dev plan with the policy pack / floor = ${(dev.fullMs / floor.ms).toFixed(2)}`);
  }
  await policyThroughput(scratch, values.quick ? 1 : Math.min(runs, 3));
}

/**
 * The policy pack over the protocol on a generated organization of about 10,000 resources:
 * resources per second through analyze + analyzeStack, and the whole offline plan of that stack.
 */
async function policyThroughput(scratch: string, runs: number): Promise<void> {
  const environments = 257;
  const file = join(scratch, `Pulumi.generated-${environments}.yaml`);
  writeFileSync(file, generateOrganization(environments));
  const whole = await medianOf(["cli", `generated-${environments}`, file], runs);
  console.log(
    `\nwhole offline plan, ${whole.sample.resources} resources with the policy pack: median ${(whole.ms / 1000).toFixed(1)} s (target <= 30 s)`,
  );
  const { measurePolicyThroughput } = require("../analyzer/bench") as typeof import("../analyzer/bench");
  const { planStack } = require("../plan/plan") as typeof import("../plan/plan");
  const plan = await planStack({ stack: `generated-${environments}`, stackFile: file });
  const rates: number[] = [];
  let last: Awaited<ReturnType<typeof measurePolicyThroughput>> | undefined;
  for (let i = 0; i < Math.max(runs, 3); i++) {
    last = await measurePolicyThroughput({
      resources: plan.result.resources,
      packDir: "policies",
      configFile: "policies/config/prod.json",
      stack: `generated-${environments}`,
    });
    rates.push(last.perSecond);
  }
  console.log(
    `policy pack throughput over ${last?.resources} resources (analyze + analyzeStack, prod config): median ${median(rates).toFixed(0)} resources/s (target >= 2000); pack start ${last?.startMs.toFixed(0)} ms`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
