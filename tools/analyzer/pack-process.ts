/**
 * Starts a Node.js policy pack the way the Pulumi engine does (NewPolicyAnalyzer's legacy path,
 * which Node packs still take): `node <@pulumi/pulumi/cmd/run-policy-pack> <engine> <pack dir>`
 * with cwd = the pack folder, the caller's environment plus the stack's PULUMI_* variables, and the
 * gRPC port read from the first line of stdout.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { PolicyPackError } from "./errors";

/** What the engine puts in the pack's environment (constructEnv in analyzer_plugin.go). */
export interface PackEnvironment {
  organization: string;
  project: string;
  stack: string;
  dryRun: boolean;
  /** Stack config as `pulumi.Config` reads it (PULUMI_CONFIG, JSON of `ns:key` to string). */
  config?: Record<string, string>;
}

export interface PolicyPackProcess {
  readonly port: number;
  /** Spawn until the port was printed. */
  readonly startMs: number;
  readonly pid: number;
  /** The last lines the pack wrote to stderr. */
  stderrTail(): string;
  /** Rejects with a PolicyPackError once the process exits, whatever the exit code. */
  readonly exited: Promise<never>;
  /** Kills the process (SIGKILL: a pack holds no state worth flushing) and waits for it. */
  stop(): Promise<void>;
}

/** The session options the environment is made of (PolicyPackSessionOptions in index.ts). */
export interface PackIdentity {
  stack: string;
  project: string;
  /** Defaults to "organization", the name the engine reports for a local backend. */
  organization?: string;
  dryRun: boolean;
  stackConfig?: Record<string, string>;
}

/** What the engine puts in a pack's environment for a stack (constructEnv). */
export function packEnvironment(identity: PackIdentity): PackEnvironment {
  return {
    stack: identity.stack,
    project: identity.project,
    organization: identity.organization ?? "organization",
    dryRun: identity.dryRun,
    config: identity.stackConfig ?? {},
  };
}

const stderrTailLines = 30;

/**
 * Run-policy-pack ignores its first argument (it shifts it away and never dials back: the SDK only
 * talks to an engine named in PULUMI_NODEJS_ENGINE, which the engine does not set for packs), so any
 * well-formed address is faithful.
 */
const unusedEngineAddress = "127.0.0.1:0";

function engineEnvironment(environment: PackEnvironment): NodeJS.ProcessEnv {
  const extra: Record<string, string> = {};
  const setIfPresent = (key: string, value: string) => {
    if (value !== "") extra[key] = value;
  };
  const config = environment.config ?? {};
  if (Object.keys(config).length > 0) extra.PULUMI_CONFIG = JSON.stringify(config);
  const dryRun = String(environment.dryRun);
  setIfPresent("PULUMI_NODEJS_ORGANIZATION", environment.organization);
  setIfPresent("PULUMI_NODEJS_PROJECT", environment.project);
  setIfPresent("PULUMI_NODEJS_STACK", environment.stack);
  setIfPresent("PULUMI_NODEJS_DRY_RUN", dryRun);
  setIfPresent("PULUMI_ORGANIZATION", environment.organization);
  setIfPresent("PULUMI_PROJECT", environment.project);
  setIfPresent("PULUMI_STACK", environment.stack);
  setIfPresent("PULUMI_DRY_RUN", dryRun);
  return { ...process.env, ...extra };
}

/** The pulumi-analyzer-policy shim resolves run-policy-pack from the pack folder, as this does. */
function resolveRunPolicyPack(packDir: string): string {
  try {
    const requireFromPack = createRequire(path.join(packDir, "package.json"));
    return requireFromPack.resolve("@pulumi/pulumi/cmd/run-policy-pack");
  } catch {
    throw new PolicyPackError(
      `it looks like the policy pack's dependencies are not installed; try running npm install in "${packDir}"`,
    );
  }
}

/**
 * Opt-in profiling: with ANALYZER_PACK_CPU_PROF_DIR set, the pack runs under `node --cpu-prof` and
 * is stopped with SIGTERM (it then exits normally and writes its .cpuprofile to that folder).
 */
function profilingArgs(): { nodeArgs: string[]; stopSignal: NodeJS.Signals } {
  const directory = process.env.ANALYZER_PACK_CPU_PROF_DIR;
  if (!directory) return { nodeArgs: [], stopSignal: "SIGKILL" };
  return {
    nodeArgs: ["--cpu-prof", `--cpu-prof-dir=${path.resolve(directory)}`, "--require", sigtermPreload()],
    stopSignal: "SIGTERM",
  };
}

/** The preload sits beside this file in the sources; compiled, this runs from dist/tools/analyzer. */
function sigtermPreload(): string {
  const beside = path.join(__dirname, "exit-on-sigterm.cjs");
  return existsSync(beside) ? beside : path.resolve(__dirname, "../../../tools/analyzer/exit-on-sigterm.cjs");
}

/** How long a pack may take to print its port (a cold machine loading the SDKs can be slow). */
export const DEFAULT_START_TIMEOUT_MS = 120_000;

/**
 * A pack process spawned ahead of its session (a plan spawns it before it validates its config):
 * the session takes it over, or `stop` kills it at once, ready or not.
 */
export interface LaunchedPack {
  /** The process, once it has printed its port. */
  readonly ready: Promise<PolicyPackProcess>;
  /** The environment it was started with; a session with another one refuses it. */
  readonly environment: PackEnvironment;
  readonly pid: number;
  /** Kills the process now (also before its port is printed) and waits for it to exit. */
  stop(): Promise<void>;
  /**
   * Whether the pack's process and pipes keep this process alive (they do by default). A plan lets
   * go while the stack program runs, so that a program that never finishes empties the event loop
   * and is reported, instead of being waited on for ever beside a live pack.
   */
  keepAlive(keep: boolean): void;
}

export function launchPack(
  packDir: string,
  environment: PackEnvironment,
  startTimeoutMs: number = DEFAULT_START_TIMEOUT_MS,
): LaunchedPack {
  const abort = new AbortController();
  let child: ChildProcess | undefined;
  const ready = startPolicyPack(packDir, environment, startTimeoutMs, abort.signal, (spawned) => {
    child = spawned;
  });
  // Failures surface when a session opens it; until then nobody may be awaiting them.
  ready.catch(() => {});
  return {
    ready,
    environment,
    get pid() {
      return child?.pid ?? -1;
    },
    async stop() {
      abort.abort();
      await ready.then((pack) => pack.stop()).catch(() => {});
    },
    keepAlive(keep) {
      // The pipes are sockets (stdio "pipe"), which hold the event loop like the process does.
      const handles = [child, child?.stdout, child?.stderr] as (
        | { ref(): void; unref(): void }
        | null
        | undefined
      )[];
      for (const handle of handles) if (handle) keep ? handle.ref() : handle.unref();
    },
  };
}

export async function startPolicyPack(
  packDir: string,
  environment: PackEnvironment,
  startTimeoutMs: number = DEFAULT_START_TIMEOUT_MS,
  signal?: AbortSignal,
  onSpawn?: (child: ChildProcess) => void,
): Promise<PolicyPackProcess> {
  const startedAt = performance.now();
  const absolutePackDir = path.resolve(packDir);
  const runPolicyPack = resolveRunPolicyPack(absolutePackDir);
  const { nodeArgs, stopSignal } = profilingArgs();
  const child: ChildProcess = spawn(
    process.execPath,
    [...nodeArgs, runPolicyPack, unusedEngineAddress, absolutePackDir],
    {
      cwd: absolutePackDir,
      env: engineEnvironment(environment),
      stdio: ["ignore", "pipe", "pipe"],
    },
  );

  let stderrLines: string[] = [];
  let stderrPartial = "";
  child.stderr!.setEncoding("utf8");
  child.stderr!.on("data", (chunk: string) => {
    const lines = (stderrPartial + chunk).split("\n");
    stderrPartial = lines.pop() ?? "";
    stderrLines = stderrLines.concat(lines).slice(-stderrTailLines);
  });
  const stderrTail = () => [...stderrLines, stderrPartial].filter((line) => line !== "").join("\n");

  onSpawn?.(child);
  // Killing the child if this process goes away keeps no orphan pack listening on a port.
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  // Stopped before it is ready (its plan was refused): killed at once, not after its start-up.
  const killOnAbort = () => child.kill("SIGKILL");
  if (signal?.aborted) killOnAbort();
  else signal?.addEventListener("abort", killOnAbort, { once: true });

  let exitDescription: string | undefined;
  const exitedOnce = new Promise<string>((resolve) => {
    child.once("exit", (code, exitSignal) => {
      exitDescription = exitSignal ? `was killed by ${exitSignal}` : `exited with code ${code}`;
      process.removeListener("exit", killOnExit);
      signal?.removeEventListener("abort", killOnAbort);
      resolve(exitDescription);
    });
    child.once("error", (error) => {
      exitDescription = `could not be started: ${error.message}`;
      process.removeListener("exit", killOnExit);
      signal?.removeEventListener("abort", killOnAbort);
      resolve(exitDescription);
    });
  });
  // Wait for stderr to drain before quoting it, or the tail may miss the pack's last words.
  const stderrClosed = new Promise<void>((resolve) => child.stderr!.once("close", () => resolve()));
  const exited = exitedOnce.then(async (description) => {
    await Promise.race([stderrClosed, new Promise((resolve) => setTimeout(resolve, 500))]);
    throw new PolicyPackError(`policy pack at "${absolutePackDir}" ${description}`, stderrTail());
  });
  exited.catch(() => {});

  const stop = async () => {
    if (exitDescription === undefined) {
      child.kill(stopSignal);
      await exitedOnce;
    }
  };

  const port = await new Promise<number>((resolve, reject) => {
    let stdout = "";
    const timer = setTimeout(() => {
      reject(
        new PolicyPackError(
          `policy pack at "${absolutePackDir}" printed no gRPC port within ${startTimeoutMs} ms`,
          stderrTail(),
        ),
      );
    }, startTimeoutMs);
    child.stdout!.setEncoding("utf8");
    const onData = (chunk: string) => {
      stdout += chunk;
      const newline = stdout.indexOf("\n");
      if (newline < 0) return;
      clearTimeout(timer);
      child.stdout!.removeListener("data", onData);
      // Later stdout (policies' console.log) is drained and dropped, as the engine only logs it.
      child.stdout!.resume();
      const first = stdout.slice(0, newline).trim();
      const parsed = Number(first);
      if (Number.isInteger(parsed) && parsed > 0 && parsed < 65536) resolve(parsed);
      else
        reject(
          new PolicyPackError(
            `policy pack at "${absolutePackDir}" printed "${first}" instead of a port`,
            stderrTail(),
          ),
        );
    };
    child.stdout!.on("data", onData);
    exited.catch((error: unknown) => {
      clearTimeout(timer);
      reject(error);
    });
  }).catch(async (error: unknown) => {
    await stop();
    throw error;
  });

  return { port, startMs: performance.now() - startedAt, pid: child.pid ?? -1, stderrTail, exited, stop };
}
