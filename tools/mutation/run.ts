/**
 * `npm run test:mutation [-- --mutate <glob>] [--test-files <glob>]`: StrykerJS over the
 * security-critical code (stryker.config.mjs), then the per-file scores into
 * docs/mutation-scores.md. Not part of `npm test`: it takes tens of minutes on two cores.
 * `--test-files` narrows the judging tests to a file's own unit tests, which makes a run on one
 * file several times faster (a mutant in module-level code re-runs every related test file).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, symlinkSync } from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { writeScores } from "./scores";

const ROOT = path.resolve(__dirname, "../..");
const REPORT = path.join(ROOT, "reports/mutation/mutation.json");
const DOCS = path.join(ROOT, "docs/mutation-scores.md");

function main(argv: string[]): number {
  let mutate: string[];
  let testFiles: string[];
  try {
    ({
      values: { mutate = [], "test-files": testFiles = [] },
    } = parseArgs({
      args: argv,
      options: {
        mutate: { type: "string", multiple: true },
        "test-files": { type: "string", multiple: true },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    process.stderr.write(
      `test:mutation: command line: ${(error as Error).message}\nusage: npm run test:mutation [-- --mutate <glob>] [--test-files <glob>]\n`,
    );
    return 2;
  }
  // Stryker runs the tests in a copy under .stryker-tmp/<sandbox>; the tests read ../shared beside
  // the repository, so the sandbox gets the same neighbour.
  const shared = path.resolve(ROOT, "../shared");
  const link = path.join(ROOT, ".stryker-tmp/shared");
  if (existsSync(shared) && !existsSync(link)) {
    mkdirSync(path.dirname(link), { recursive: true });
    symlinkSync(shared, link);
  }
  const args = [
    path.join(ROOT, "node_modules/@stryker-mutator/core/bin/stryker.js"),
    "run",
    "stryker.config.mjs",
  ];
  if (mutate.length > 0) args.push("--mutate", mutate.join(","));
  if (testFiles.length > 0) args.push("--testFiles", testFiles.join(","));
  const stryker = spawnSync(process.execPath, args, { cwd: ROOT, stdio: "inherit" });
  if (stryker.status !== 0) return stryker.status ?? 1;
  const scores = writeScores(REPORT, DOCS);
  process.stdout.write(`\n${path.relative(ROOT, DOCS)}:\n`);
  for (const score of scores) process.stdout.write(`  ${score.file}: ${score.score.toFixed(1)} %\n`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
