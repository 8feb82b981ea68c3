import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { UserInputError } from "../../stacks/config/errors";
import { parseFlags, stackNameProblem } from "../cli/args";
import { type FloorPolicy, writeFloorPack } from "./floor-pack";
import { generateOrganization } from "./generate-org";
import { median } from "./stats";

/**
 * `npm run bench`: the offline plan against the physical floor, in one run. The floor is plain
 * `node` loading the SDK modules the stack program uses (@pulumi/pulumi, @pulumi/gcp), no loader.
 * Every case runs the compiled CLI code in a fresh process (as `npm run plan` does), interleaved
 * with floor runs so both see the same machine load; each figure is printed as soon as it is
 * measured. Targets: docs/decisions/0111-performance-targets.md.
 */

const run = promisify(execFile);

/** The measuring child: compiled JavaScript on plain node; through tsx only when run from sources. */
const MEASURE = __filename.endsWith(".ts")
  ? ["--require", "tsx/cjs", join(__dirname, "measure.ts")]
  : [join(__dirname, "measure.js")];

interface Sample {
  ms: number;
  resources: number;
  maxRssKb: number;
  mandatory?: number;
  modules?: string[];
  registered?: unknown[];
}

async function sample(args: string[]): Promise<Sample> {
  const started = process.hrtime.bigint();
  const { stdout } = await run(process.execPath, [...MEASURE, ...args], { maxBuffer: 256 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const report = JSON.parse(stdout.trim().split("\n").pop() ?? "{}");
  return {
    ms,
    resources: report.resources,
    maxRssKb: report.maxRssKb,
    mandatory: report.mandatory,
    modules: report.modules,
    registered: report.registered,
  };
}

interface Measured {
  ms: number;
  floorMs: number;
  resources: number;
  peakMb: number;
  mandatory?: number;
  runs: number[];
}

interface Floors {
  /** The SDK files the case's plan loads: what the time floor loads. */
  modulesFile: string;
  /** The resources the case's plan registers: what the memory floor registers. */
  resourcesFile: string;
}

/** The floors of a case, from a plan of the same stack in a child process, written to `scratch`. */
async function floorsOf(scratch: string, stack: string, stackFile?: string): Promise<Floors> {
  const listed = await sample(["sdk-modules", stack, ...(stackFile ? [stackFile] : [])]);
  const modulesFile = join(scratch, `${stack}.sdk-modules.json`);
  writeFileSync(modulesFile, JSON.stringify(listed.modules ?? []));
  const resourcesFile = join(scratch, `${stack}.resources.json`);
  writeFileSync(resourcesFile, JSON.stringify(listed.registered ?? []));
  return { modulesFile, resourcesFile };
}

/** `runs` samples of a case, each right after a floor sample; medians of both. */
async function againstFloor(args: string[], runs: number, modulesFile: string): Promise<Measured> {
  const floors: number[] = [];
  const samples: Sample[] = [];
  for (let index = 0; index < runs; index++) {
    floors.push((await sample(["floor", modulesFile])).ms);
    samples.push(await sample(args));
  }
  return {
    ms: median(samples.map((s) => s.ms)),
    floorMs: median(floors),
    resources: samples[0].resources,
    peakMb: Math.max(...samples.map((s) => s.maxRssKb)) / 1024,
    mandatory: samples[0].mandatory,
    runs: samples.map((s) => Math.round(s.ms)),
  };
}

const COLUMNS = ["case", "resources", "median ms", "floor ms", "x floor", "peak MB", "runs (ms)"];
const WIDTHS = [44, 9, 9, 8, 7, 7, 0];

function printRow(cells: string[]): void {
  console.log(
    cells
      .map((cell, index) => (index === 0 ? cell.padEnd(WIDTHS[0]) : cell.padStart(WIDTHS[index])))
      .join("  "),
  );
}

function report(name: string, measured: Measured): number {
  const ratio = measured.ms / measured.floorMs;
  printRow([
    name,
    String(measured.resources),
    measured.ms.toFixed(0),
    measured.floorMs.toFixed(0),
    ratio.toFixed(2),
    measured.peakMb.toFixed(0),
    measured.runs.join(" "),
  ]);
  return ratio;
}

interface Verdict {
  figure: string;
  value: string;
  target: string;
  met: boolean;
}

async function main(): Promise<void> {
  const values = parseBenchArguments(process.argv.slice(2));
  const { runs, largeRuns, stacks } = values;
  const sizes = values.quick ? [10, 50] : values.sizes;
  const scratch = mkdtempSync(join(tmpdir(), "platform-bench-"));
  const verdicts: Verdict[] = [];
  console.log(`Offline plan benchmark: ${runs} runs per case, median wall time from process spawn to exit.`);
  console.log(
    `Node ${process.version}, ${cpus().length} cores, load average ${loadavg()
      .map((load) => load.toFixed(1))
      .join(" ")} at start (other work on the machine slows both a case and its floor).`,
  );
  console.log(
    "floor: plain node loading the Pulumi SDK files the case's plan loads (listed by a plan of the same stack), no loader, measured before each run of each case.\n",
  );
  printRow(COLUMNS);
  const pulumiOnlyModules = join(scratch, "pulumi-only.sdk-modules.json");
  writeFileSync(pulumiOnlyModules, JSON.stringify(["@pulumi/pulumi"]));
  try {
    for (const stack of stacks) {
      const { modulesFile, resourcesFile } = await floorsOf(scratch, stack);
      // What registering the stack's resources costs the SDK before any of the platform's code:
      // @pulumi/pulumi under its mocks, the same resources with plain inputs. It loads no
      // @pulumi/gcp, so its floor is @pulumi/pulumi alone.
      report(
        `stack ${stack}, SDK alone, same resources`,
        await againstFloor(["sdk-floor", resourcesFile], runs, pulumiOnlyModules),
      );
      const plan = await againstFloor(["plan", stack], runs, modulesFile);
      const planRatio = report(`stack ${stack}, no policy pack`, plan);
      const full = await againstFloor(["cli", stack], runs, modulesFile);
      const fullRatio = report(`stack ${stack}, with the policy pack`, full);
      if (stack === "dev") {
        verdicts.push({
          figure: "dev plan / floor, no pack",
          value: planRatio.toFixed(2),
          target: "<= 1.5",
          met: planRatio <= 1.5,
        });
        verdicts.push({
          figure: "dev plan / floor, with the pack",
          value: fullRatio.toFixed(2),
          target: "<= 2.0",
          met: fullRatio <= 2.0,
        });
      }
    }
    for (const size of sizes) {
      const file = join(scratch, `Pulumi.generated-${size}.yaml`);
      writeFileSync(file, generateOrganization(size));
      const floors = await floorsOf(scratch, `generated-${size}`, file);
      const plan = await againstFloor(
        ["plan", `generated-${size}`, file],
        size >= 200 ? largeRuns : runs,
        floors.modulesFile,
      );
      report(`generated org, ${size} env, no policy pack`, plan);
      if (size >= 200) {
        const full = await againstFloor(["cli", `generated-${size}`, file], largeRuns, floors.modulesFile);
        report(`generated org, ${size} env, with the policy pack`, full);
        const peak = Math.max(plan.peakMb, full.peakMb);
        const sdkPeak = await sdkMemoryFloor(floors.resourcesFile, largeRuns);
        console.log(
          `  peak RSS ${peak.toFixed(0)} MB; the SDK alone registering the same ${plan.resources} resources: ${sdkPeak.toFixed(0)} MB (${(peak / sdkPeak).toFixed(2)}x)`,
        );
        verdicts.push({
          figure: `peak memory, ${size} environments`,
          value: `${peak.toFixed(0)} MB`,
          target: "<= 500 MB",
          met: peak <= 500,
        });
        verdicts.push({
          figure: `peak memory, ${size} environments / the SDK's own (same resources)`,
          value: (peak / sdkPeak).toFixed(2),
          target: "<= 1.5",
          met: peak / sdkPeak <= 1.5,
        });
      }
    }
    verdicts.push(...(await policyPack(scratch, values.quick ? 1 : largeRuns, runs)));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  console.log("\nTargets (issue 11):");
  for (const verdict of verdicts)
    console.log(
      `  ${verdict.met ? "met    " : "NOT MET"}  ${verdict.figure}: ${verdict.value} (target ${verdict.target})`,
    );
}

/**
 * The memory floor of a large plan: @pulumi/pulumi alone registering the resources the plan
 * registered (same types, names, parents and inputs) under its mock runtime, in a fresh process.
 * Peak RSS, the largest of `runs` samples, as for the plan.
 */
async function sdkMemoryFloor(resourcesFile: string, runs: number): Promise<number> {
  const peaks: number[] = [];
  for (let index = 0; index < runs; index++)
    peaks.push((await sample(["sdk-floor", resourcesFile])).maxRssKb / 1024);
  return Math.max(...peaks);
}

/**
 * The policy pack as the engine starts it (run-policy-pack, cwd = the pack folder): start-up to
 * its port, then throughput over a generated organization of about 10,000 resources (prod config).
 * Each is measured against floor packs (floor-pack.ts: the same runner and @pulumi/policy, policies
 * that check nothing: one, for start-up and the protocol's own throughput; the platform pack's 78,
 * for what the SDK spends per policy), interleaved so all see the same machine.
 */
async function policyPack(scratch: string, throughputRuns: number, startRuns: number): Promise<Verdict[]> {
  const { measurePolicyThroughput } = require("../analyzer/bench") as typeof import("../analyzer/bench");
  const { startPolicyPack } =
    require("../analyzer/pack-process") as typeof import("../analyzer/pack-process");
  const { PACKAGE_ROOT } = require("../plan/project") as typeof import("../plan/project");
  const packDir = join(PACKAGE_ROOT, "policies");
  const floorPackDir = writeFloorPack(join(PACKAGE_ROOT, ".bench", "floor-pack"));
  const prodConfig = join(PACKAGE_ROOT, "policies/config/prod.json");
  const shape = packShape(prodConfig);
  const shapedPackDir = writeFloorPack(join(PACKAGE_ROOT, ".bench", "shaped-floor-pack"), shape);
  const startUp = async (directory: string) => {
    const started = process.hrtime.bigint();
    const pack = await startPolicyPack(
      directory,
      { organization: "organization", project: "platform", stack: "dev", dryRun: true },
      60_000,
    );
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    await pack.stop();
    return ms;
  };
  const starts: number[] = [];
  const floorStarts: number[] = [];
  for (let index = 0; index < Math.max(startRuns, 5); index++) {
    floorStarts.push(await startUp(floorPackDir));
    starts.push(await startUp(packDir));
  }
  const startMs = median(starts);
  const floorStartMs = median(floorStarts);
  const ownStartMs = startMs - floorStartMs;
  const runsOf = (values: number[]) => values.map((ms) => ms.toFixed(0)).join(" ");
  console.log(
    `\npolicy pack start-up to its port: median ${startMs.toFixed(0)} ms (runs ${runsOf(starts)}); floor pack ${floorStartMs.toFixed(0)} ms (runs ${runsOf(floorStarts)}); the pack's own ${ownStartMs.toFixed(0)} ms`,
  );
  const environments = 257;
  const file = join(scratch, `Pulumi.generated-${environments}.yaml`);
  writeFileSync(file, generateOrganization(environments));
  const { planStack } = require("../plan/plan") as typeof import("../plan/plan");
  const plan = await planStack({ stack: `generated-${environments}`, stackFile: file });
  const rates: number[] = [];
  const floorRates: number[] = [];
  const shapedRates: number[] = [];
  const throughput = async (directory: string, configFile?: string) =>
    (
      await measurePolicyThroughput({
        resources: plan.result.resources,
        packDir: directory,
        configFile,
        stack: `generated-${environments}`,
      })
    ).perSecond;
  for (let index = 0; index < throughputRuns; index++) {
    floorRates.push(await throughput(floorPackDir));
    shapedRates.push(await throughput(shapedPackDir));
    rates.push(await throughput(packDir, prodConfig));
    console.log(
      `policy pack throughput run ${index + 1}: ${rates[index].toFixed(0)} resources/s over ${plan.result.resources.length} resources; floor pack (one policy) ${floorRates[index].toFixed(0)}/s; the same ${shape.length} policies checking nothing ${shapedRates[index].toFixed(0)}/s`,
    );
  }
  const rate = median(rates);
  const floorRate = median(floorRates);
  const shapedRate = median(shapedRates);
  console.log(
    `policy pack throughput: median ${rate.toFixed(0)} resources/s; floor pack ${floorRate.toFixed(0)}/s; the same policies checking nothing ${shapedRate.toFixed(0)}/s (${(rate / shapedRate).toFixed(2)} of it)`,
  );
  return [
    {
      figure: "policy pack start-up",
      value: `${(startMs / 1000).toFixed(2)} s`,
      target: "<= 0.3 s",
      met: startMs <= 300,
    },
    {
      figure: "policy pack start-up beyond the floor pack's",
      value: `${(ownStartMs / 1000).toFixed(2)} s`,
      target: "<= 0.3 s",
      met: ownStartMs <= 300,
    },
    {
      figure: "policy pack throughput",
      value: `${rate.toFixed(0)} resources/s`,
      target: ">= 4000",
      met: rate >= 4000,
    },
    {
      figure: "policy pack throughput / the same policies checking nothing",
      value: (rate / shapedRate).toFixed(2),
      target: ">= 0.8",
      met: rate / shapedRate >= 0.8,
    },
  ];
}

/**
 * The platform pack's policies as the SDK sees them (name, kind, type tag), at the levels a config
 * file sets: the shape of the floor that checks nothing.
 */
function packShape(configFile: string): FloorPolicy[] {
  const { platformRules } = require("../../policies/lib/pack") as typeof import("../../policies/lib/pack");
  const config = JSON.parse(readFileSync(configFile, "utf8")) as Record<
    string,
    { enforcementLevel?: string }
  >;
  const rules = platformRules({
    register: () => ({ register: { exemptions: [] } }),
    today: () => "2026-01-01",
  });
  return rules.map((rule) => ({
    name: rule.name,
    kind: rule.kind,
    pulumiType: rule.kind === "resource" ? rule.pulumiType : undefined,
    enforcementLevel: (config[rule.name]?.enforcementLevel ??
      rule.enforcementLevel) as FloorPolicy["enforcementLevel"],
  }));
}

const USAGE = `usage: npm run bench -- [--runs N] [--large-runs N] [--stacks dev,staging,prod] [--sizes 10,50,200] [--quick]`;

/** The benchmark's command line; a mistake is a UserInputError naming the flag (exit 2). */
export function parseBenchArguments(argv: string[]) {
  const values = parseFlags(
    argv,
    {
      runs: { type: "string", default: "5" },
      // Runs of the 200-environment cases and of the throughput (each takes far longer).
      "large-runs": { type: "string", default: "3" },
      stacks: { type: "string", default: "dev,staging,prod" },
      sizes: { type: "string", default: "10,50,200" },
      quick: { type: "boolean" },
    },
    USAGE,
  );
  const count = (flag: string) => {
    const text = String(values[flag]);
    if (!/^[1-9][0-9]{0,3}$/.test(text))
      throw new UserInputError([
        `command line: --${flag}: expected a whole number from 1 to 9999, found ${JSON.stringify(text)}`,
      ]);
    return Number(text);
  };
  const sizes = String(values.sizes).split(",").filter(Boolean);
  for (const size of sizes)
    if (!/^[1-9][0-9]{0,4}$/.test(size))
      throw new UserInputError([
        `command line: --sizes: expected environment counts like 10,50,200, found ${JSON.stringify(size)}`,
      ]);
  const stacks = String(values.stacks).split(",").filter(Boolean);
  for (const stack of stacks) {
    const problem = stackNameProblem(stack);
    if (problem) throw new UserInputError([problem.replace("--stack", "--stacks")]);
  }
  return {
    runs: count("runs"),
    largeRuns: count("large-runs"),
    stacks,
    sizes: sizes.map(Number),
    quick: values.quick === true,
  };
}

if (require.main === module) {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      if (error instanceof UserInputError) {
        console.error(error.message);
        process.exit(2);
      }
      console.error(error);
      process.exit(1);
    },
  );
}
