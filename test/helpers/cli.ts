import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs a command of the project in its own process, as `npm run` does: the compiled JavaScript of
 * `tools/<name>/cli.ts` (`dist/tools/<name>/cli.js`, kept current by the suite's global setup).
 */
export async function runCommand(script: string, args: string[]): Promise<CliRun> {
  try {
    const { stdout, stderr } = await run(process.execPath, [compiledPath(script), ...args], {
      env: { ...process.env, NO_COLOR: "1" },
      maxBuffer: 64 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

/** `npm run plan -- <args>` */
export function runPlan(...args: string[]): Promise<CliRun> {
  return runCommand("tools/plan/cli.ts", args);
}

/** `tools/plan/cli.ts` → `dist/tools/plan/cli.js`, the file `npm run plan` runs. */
export function compiledPath(script: string): string {
  return join(REPOSITORY_ROOT, "dist", script.replace(/\.ts$/, ".js"));
}

const REPOSITORY_ROOT = join(__dirname, "..", "..");
