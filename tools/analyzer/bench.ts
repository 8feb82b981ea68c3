/**
 * Throughput of a policy pack over the Analyzer protocol, as the engine drives it.
 *
 *   npx tsx tools/analyzer/bench.ts [resources=10000] [concurrency=128] [--runs=3] [--processes=1] [--synthetic]
 *
 * By default: the real pack (`policies/`, prod config) over a stack planned offline from a generated
 * organization (tools/bench/generate-org.ts, ≈39 resources per environment), so the mix of types is
 * what the platform produces. `--synthetic`: the fixture pack (3 policies) over synthetic buckets.
 * The stack is planned once; each run is a fresh process (cold client, fresh pack), as a user runs
 * the plan. Prints one JSON line per run, then one with the medians. Start-up is reported apart:
 * perSecond counts the analyze calls and the final analyzeStack only.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parseArgs, promisify } from "node:util";
import { median } from "../bench/stats";
import type { PlannedResource } from "../plan/model";
import { PACKAGE_ROOT } from "../plan/project";
import { runPolicyPack } from "./index";

const stackUrn = "urn:pulumi:bench::shop::pulumi:pulumi:Stack::shop-bench";

/** A root stack and buckets shaped like real ones; every tenth lacks versioning, so violations flow too. */
export function benchResources(total: number): PlannedResource[] {
  const resources: PlannedResource[] = [
    {
      urn: stackUrn,
      type: "pulumi:pulumi:Stack",
      name: "shop-bench",
      parent: null,
      custom: false,
      protect: false,
      inputs: {},
    },
  ];
  for (let index = 1; index < total; index++) {
    resources.push({
      urn: `urn:pulumi:bench::shop::gcp:storage/bucket:Bucket::bucket-${index}`,
      type: "gcp:storage/bucket:Bucket",
      name: `bucket-${index}`,
      parent: stackUrn,
      custom: true,
      protect: false,
      inputs: {
        location: "EU",
        labels: { owner: "team", env: "bench" },
        versioning: { enabled: index % 10 !== 0 },
        uniformBucketLevelAccess: true,
        lifecycleRules: [{ action: { type: "Delete" }, condition: { age: 30 } }],
      },
    });
  }
  return resources;
}

export interface PolicyThroughputOptions {
  /** Every registered resource, in registration order (the root stack first). */
  resources: PlannedResource[];
  packDir: string;
  /** A `--policy-pack-config` file; without one the pack runs on its defaults. */
  configFile?: string;
  stack: string;
  /** Defaults to "platform", the project the offline plan uses. */
  project?: string;
  /** Analyze calls in flight (the runner's default when unset). */
  concurrency?: number;
  /** Pack processes (the runner's default, 1, as the engine). */
  processes?: number;
}

export interface PolicyThroughput {
  resources: number;
  /** Spawn until the pack printed its port (not counted in perSecond). */
  startMs: number;
  /** All analyze (and remediate) calls, including building the requests. */
  analyzeMs: number;
  /** The final analyzeStack call, including building its request. */
  analyzeStackMs: number;
  /** resources / (analyzeMs + analyzeStackMs). */
  perSecond: number;
  violations: number;
}

/** Starts the pack, runs one preview-like analysis of `resources` over the protocol, and times it. */
export async function measurePolicyThroughput(options: PolicyThroughputOptions): Promise<PolicyThroughput> {
  const result = await runPolicyPack({
    packDir: options.packDir,
    configFile: options.configFile,
    stack: options.stack,
    project: options.project ?? "platform",
    dryRun: true,
    resources: options.resources,
    concurrency: options.concurrency,
    processes: options.processes,
  });
  const { startMs, analyzeMs, analyzeStackMs } = result.timings;
  const count = options.resources.length;
  return {
    resources: count,
    startMs,
    analyzeMs,
    analyzeStackMs,
    perSecond: count / ((analyzeMs + analyzeStackMs) / 1000),
    violations: result.violations.length,
  };
}

/** Resources per generated environment in the offline plan (plus one root stack). */
const resourcesPerEnvironment = 39;

/** Plans the generated organization with about `total` resources (tools/plan, under mocks). */
export async function plannedResources(total: number): Promise<PlannedResource[]> {
  const { generateOrganization } = require("../bench/generate-org") as typeof import("../bench/generate-org");
  const { planStack } = require("../plan/plan") as typeof import("../plan/plan");
  const environments = Math.max(1, Math.ceil((total - 1) / resourcesPerEnvironment));
  const directory = mkdtempSync(path.join(tmpdir(), "policy-bench-"));
  try {
    const stackFile = path.join(directory, "Pulumi.gen.yaml");
    writeFileSync(stackFile, generateOrganization(environments));
    return (await planStack({ stack: "gen", stackFile })).result.resources;
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

type MeasureSetup = PolicyThroughputOptions;

/** One run in a fresh process, as a user runs the plan once: cold client, fresh pack. */
async function runChild(setupFile: string): Promise<PolicyThroughput> {
  const run = promisify(execFile);
  const { stdout } = await run(
    process.execPath,
    // Compiled (dist/) it runs on plain node; from the sources, through tsx.
    [...(__filename.endsWith(".ts") ? ["--require", "tsx/cjs"] : []), __filename, `--measure=${setupFile}`],
    {
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  return JSON.parse(stdout.trim().split("\n").pop() ?? "{}") as PolicyThroughput;
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      runs: { type: "string", default: "3" },
      processes: { type: "string", default: "1" },
      synthetic: { type: "boolean", default: false },
      measure: { type: "string" },
    },
  });
  if (values.measure) {
    const setup = JSON.parse(readFileSync(values.measure, "utf8")) as MeasureSetup;
    console.log(JSON.stringify(await measurePolicyThroughput(setup)));
    return;
  }
  const count = Number(positionals[0] ?? 10_000);
  const concurrency = Number(positionals[1] ?? 128);
  const runs = Math.max(1, Number(values.runs));
  const processes = Math.max(1, Number(values.processes));
  // The package root, whether this runs from the sources or compiled in dist/.
  const root = PACKAGE_ROOT;
  const setup: MeasureSetup = values.synthetic
    ? {
        resources: benchResources(count),
        packDir: path.join(root, "test/fixtures/analyzer-pack"),
        stack: "bench",
        project: "shop",
        concurrency,
        processes,
      }
    : {
        resources: await plannedResources(count),
        packDir: path.join(root, "policies"),
        configFile: path.join(root, "policies/config/prod.json"),
        stack: "gen",
        project: "platform",
        concurrency,
        processes,
      };
  const directory = mkdtempSync(path.join(tmpdir(), "policy-bench-"));
  const setupFile = path.join(directory, "setup.json");
  writeFileSync(setupFile, JSON.stringify(setup));
  const samples: PolicyThroughput[] = [];
  try {
    for (let run = 0; run < runs; run++) {
      const sample = await runChild(setupFile);
      samples.push(sample);
      console.log(
        JSON.stringify({
          run: run + 1,
          resources: sample.resources,
          concurrency,
          processes,
          violations: sample.violations,
          startMs: Math.round(sample.startMs),
          analyzeMs: Math.round(sample.analyzeMs),
          analyzeStackMs: Math.round(sample.analyzeStackMs),
          perSecond: Math.round(sample.perSecond),
        }),
      );
    }
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
  console.log(
    JSON.stringify({
      median: true,
      pack: values.synthetic ? "fixture" : "policies",
      runs,
      resources: samples[0]!.resources,
      startMs: Math.round(median(samples.map((sample) => sample.startMs))),
      analyzeMs: Math.round(median(samples.map((sample) => sample.analyzeMs))),
      analyzeStackMs: Math.round(median(samples.map((sample) => sample.analyzeStackMs))),
      perSecond: Math.round(median(samples.map((sample) => sample.perSecond))),
    }),
  );
}

if (require.main === module) {
  main().then(
    // The plan's Pulumi runtime may keep handles open; the measurement is done.
    () => process.exit(0),
    (error: unknown) => {
      console.error((error as Error).message);
      process.exit(1);
    },
  );
}
