import { execFile } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs, promisify } from "node:util";
import { generateOrganization } from "./generate-org";

/**
 * `npm run bench`: wall time and peak memory of the offline plan for each bundled stack and for
 * generated organizations, each run in a fresh process (as a user runs it), median of N runs.
 */

const run = promisify(execFile);

interface Sample {
  ms: number;
  resources: number;
  maxRssKb: number;
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
  return { ms, resources: report.resources, maxRssKb: report.maxRssKb };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

interface Row {
  name: string;
  resources: number;
  medianMs: number;
  minMs: number;
  peakMb: number;
}

async function measureCase(name: string, args: string[], runs: number): Promise<Row> {
  const samples: Sample[] = [];
  for (let i = 0; i < runs; i++) samples.push(await sample(args));
  return {
    name,
    resources: samples[0].resources,
    medianMs: median(samples.map((s) => s.ms)),
    minMs: Math.min(...samples.map((s) => s.ms)),
    peakMb: Math.max(...samples.map((s) => s.maxRssKb)) / 1024,
  };
}

function printTable(rows: Row[], floorMs: number): void {
  const header = ["case", "resources", "median ms", "min ms", "x floor", "ms/resource*", "peak MB"];
  const lines = rows.map((row) => [
    row.name,
    String(row.resources),
    row.medianMs.toFixed(0),
    row.minMs.toFixed(0),
    (row.medianMs / floorMs).toFixed(2),
    row.resources > 0 ? ((row.medianMs - floorMs) / row.resources).toFixed(2) : "-",
    row.peakMb.toFixed(0),
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...lines.map((line) => line[column].length)),
  );
  const format = (cells: string[]) => cells.map((cell, column) => cell.padStart(widths[column])).join("  ");
  console.log(format(header));
  for (const line of lines) console.log(format(line));
  console.log(
    "* (median - floor) / resources: the marginal cost per resource, which should stay flat as size grows.",
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
  console.log(`Node ${process.version}, ${require("node:os").cpus().length} cores.\n`);
  const rows: Row[] = [];
  const floor = await measureCase("floor (node + tsx + @pulumi/pulumi + @pulumi/gcp)", ["floor"], runs);
  rows.push(floor);
  for (const stack of ["dev", "staging", "prod"])
    rows.push(await measureCase(`stack ${stack}`, ["plan", stack], runs));
  for (const size of sizes) {
    const file = join(scratch, `Pulumi.generated-${size}.yaml`);
    writeFileSync(file, generateOrganization(size));
    rows.push(
      await measureCase(`generated org, ${size} environments`, ["plan", `generated-${size}`, file], runs),
    );
  }
  printTable(rows, floor.medianMs);
  const dev = rows.find((row) => row.name === "stack dev");
  if (dev) console.log(`\ndev plan / floor = ${(dev.medianMs / floor.medianMs).toFixed(2)} (target <= 1.5)`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
