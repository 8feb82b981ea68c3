/**
 * Throughput of the Analyzer protocol runner against the fixture pack:
 * `npx tsx tools/analyzer/bench.ts [resources=10000] [concurrency=128]`. Prints one JSON line.
 */
import * as path from "node:path";
import type { PlannedResource } from "../plan/model";
import { runPolicyPack } from "./index";

const count = Number(process.argv[2] ?? 10_000);
const concurrency = Number(process.argv[3] ?? 128);
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

async function main(): Promise<void> {
  const resources = benchResources(count);
  const startedAt = performance.now();
  const result = await runPolicyPack({
    packDir: path.join(__dirname, "../../test/fixtures/analyzer-pack"),
    stack: "bench",
    project: "shop",
    dryRun: true,
    resources,
    concurrency,
  });
  const { startMs, analyzeMs, analyzeStackMs } = result.timings;
  console.log(
    JSON.stringify({
      resources: count,
      concurrency,
      violations: result.violations.length,
      startMs: Math.round(startMs),
      analyzeMs: Math.round(analyzeMs),
      analyzeStackMs: Math.round(analyzeStackMs),
      totalMs: Math.round(performance.now() - startedAt),
      analyzePerSecond: Math.round(count / (analyzeMs / 1000)),
      protocolPerSecond: Math.round(count / ((analyzeMs + analyzeStackMs) / 1000)),
    }),
  );
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error((error as Error).message);
    process.exit(1);
  });
}
