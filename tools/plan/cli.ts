#!/usr/bin/env node
import { accessSync, constants, statSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import type { Gap } from "../../components/oncall/checks";
import { UserInputError } from "../../stacks/config/errors";
import type { OncallConfig } from "../../stacks/config/oncall";
import { parseFlags, stackNameProblem, userInputExitCode, writeOutputFile } from "../cli/args";
import { PROJECT_NAME, readStackInputDocument } from "./input-document";
import { PROJECT_FILES } from "./package-root";
import type { StackPlan } from "./plan";

const USAGE = `usage: npm run plan -- --stack <name> [--stack-file PATH] [--known-outputs] [--json FILE] [--markdown FILE]
       npx platform-plan --stack <name> [...]     (in a product team's Pulumi project)

Plans a stack offline: validates its config, runs the stack program under Pulumi's mock runtime,
runs the policy pack over the engine protocol, and prints the resource tree, counts by type, a risk
summary, the stack outputs and every policy violation. In a team's folder it plans the program of
that folder's Pulumi.yaml with the shipped policy pack and the tier's profile. By default it sees
what a first \`pulumi preview\` of a new stack sees: values the provider computes (ids, emails,
project numbers, self links) are unknown unless the inputs fix them, shown as (known after up) and
written to --json as the engine's unknown sentinel.

  --stack NAME        stack to plan (dev, staging, prod, or any name with --stack-file)
  --stack-file PATH   plan this stack config file instead of stacks/Pulumi.<stack>.yaml
  --known-outputs     resolve computed values as after a first \`pulumi up\` (realistic known values)
  --json FILE         also write the plan as JSON
  --markdown FILE     also write the plan as a Markdown pull-request comment
  --outputs FILE      also write the stack outputs (what a StackReference to this stack reads)
  --stack-outputs F   planned outputs of a stack the program references (repeatable; default
                      stack-outputs/*.json); team projects only
  --tier TIER         policy profile of a team's stack not named dev, staging or prod
  --policy-config F   policy pack config (default policies/config/<stack>.json, else <tier>.json)
  --skip-policy       plan without running the policy pack
  --help              show this text

Exit codes: 0 clean, 1 mandatory policy violations, 2 bad input, 3 the policy pack failed,
4 the stack program failed (threw, never finished, or exited by itself).`;

export interface CliArguments {
  stack: string;
  stackFile?: string;
  json?: string;
  markdown?: string;
  outputs?: string;
  stackOutputs?: string[];
  tier?: string;
  policyConfig?: string;
  skipPolicy: boolean;
  knownOutputs: boolean;
}

/** Parses and checks the command line; every mistake is a UserInputError naming the argument. */
export function parseCliArguments(argv: string[]): CliArguments | "help" {
  const values = parseFlags(
    argv,
    {
      stack: { type: "string" },
      "stack-file": { type: "string" },
      json: { type: "string" },
      markdown: { type: "string" },
      outputs: { type: "string" },
      "stack-outputs": { type: "string", multiple: true },
      tier: { type: "string" },
      "policy-config": { type: "string" },
      "skip-policy": { type: "boolean" },
      "known-outputs": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
    USAGE,
  );
  if (values.help) return "help";
  const stack = values.stack as string | undefined;
  const problem = stackNameProblem(stack);
  if (problem) throw new UserInputError([stack ? problem : `${problem}\n${USAGE}`]);
  for (const flag of ["stack-file", "json", "markdown", "outputs", "stack-outputs", "policy-config"]) {
    const given = values[flag] as unknown as string | string[] | undefined;
    if ([given ?? []].flat().some((file) => file.trim() === ""))
      throw new UserInputError([`command line: --${flag}: expected a file path, found an empty string`]);
  }
  const written = new Map<string, string>();
  for (const flag of ["json", "markdown", "outputs"]) {
    const file = values[flag] as string | undefined;
    if (file === undefined) continue;
    const other = written.get(resolve(file));
    if (other)
      throw new UserInputError([
        `command line: --${flag}: expected a file of its own, found ${file}, which --${other} writes too`,
      ]);
    written.set(resolve(file), flag);
  }
  return {
    stack: stack as string,
    stackFile: values["stack-file"] as string | undefined,
    json: values.json as string | undefined,
    markdown: values.markdown as string | undefined,
    outputs: values.outputs as string | undefined,
    stackOutputs: values["stack-outputs"] as unknown as string[] | undefined,
    tier: values.tier as string | undefined,
    policyConfig: values["policy-config"] as string | undefined,
    skipPolicy: values["skip-policy"] === true,
    knownOutputs: values["known-outputs"] === true,
  };
}

export async function main(argv: string[]): Promise<number> {
  try {
    const args = parseCliArguments(argv);
    if (args === "help") {
      console.log(USAGE);
      return 0;
    }
    for (const file of [args.json, args.markdown, args.outputs]) if (file) checkWritableDirectory(file);
    programRunning = true;
    const { isPlatformRepository } = require("./package-root") as typeof import("./package-root");
    const plan = isPlatformRepository() ? await planPlatform(args) : await planTeamProject(args);
    const { renderPlanText } = require("./report") as typeof import("./report");
    const { renderPlanMarkdown } = require("../plan-summary") as typeof import("../plan-summary");
    programRunning = false;
    console.log(renderPlanText(plan.result));
    // The on-call model's gaps (npm run oncall -- check), reported beside the policy report.
    if (plan.oncallGaps) console.log(`\n${formatOncallGaps(plan.oncallGaps)}`);
    const oncallGaps = plan.oncallGaps?.length;
    // Every file is rendered before the first is written: a failure leaves none half-way.
    const files: [string | undefined, () => string][] = [
      [args.json, () => `${JSON.stringify(plan.result, null, 2)}\n`],
      [args.markdown, () => renderPlanMarkdown(plan.result, { stack: args.stack })],
      [
        args.outputs,
        () => {
          const { stack, project, outputs } = plan.result;
          return `${JSON.stringify({ stack, project, outputs }, null, 2)}\n`;
        },
      ],
    ];
    const rendered = files.flatMap(([file, render]) => (file ? [[file, render()] as const] : []));
    for (const [file, text] of rendered) writeOutputFile(file, text);
    const mandatory =
      plan.result.policy?.violations.filter((v) => v.enforcementLevel === "mandatory").length ?? 0;
    return mandatory > 0 || (oncallGaps ?? 0) > 0 ? 1 : 0;
  } catch (error) {
    programRunning = false;
    if (error instanceof Error && error.name === "PolicyPackError") {
      // The pack itself failed (crash, compile error): not the user's input, and not a clean plan.
      console.error(`policy pack failed: ${error.message}`);
      return 3;
    }
    if (error instanceof Error && error.name === "ProgramFailedError") {
      console.error(error.message);
      return PROGRAM_FAILED;
    }
    return userInputExitCode(error);
  }
}

/** Exit code of a stack program that threw, never finished or exited the process itself. */
const PROGRAM_FAILED = 4;

/** True while the stack program may run: its own `process.exit`, or an empty event loop, ends the plan. */
let programRunning = false;
/** How failures of the running program begin: `index.ts: the program failed`. */
let programFailed = "the stack program failed";

/** The platform's own stacks (stacks/Pulumi.<stack>.yaml), config validated by the platform's schema. */
async function planPlatform(args: CliArguments): Promise<StackPlan & { oncallGaps?: Gap[] }> {
  if (args.stackOutputs || args.tier)
    throw new UserInputError([
      `command line: ${args.stackOutputs ? "--stack-outputs" : "--tier"}: expected only in a team's project (the platform's stacks read no other stack and name their tier), found it in the platform repository`,
    ]);
  // The policy pack starts as soon as the stack file is read: the engine's runner loads the SDKs on
  // the other core while this process validates the config, loads Pulumi and runs the program.
  // Modules load in that order on purpose.
  const document = readStackInputDocument({ stack: args.stack, stackFile: args.stackFile });
  checkNotAnInput(args, [document.stackFile]);
  const { launchPolicyPack, stopPackOnError } = require("./pack-launch") as typeof import("./pack-launch");
  const started = args.skipPolicy
    ? undefined
    : launchPolicyPack({
        stack: args.stack,
        project: PROJECT_NAME,
        engineConfig: document.document.engineConfig,
        secretKeys: document.document.secretKeys,
      });
  const input = await stopPackOnError(started, () => {
    const { validateOnceMode, validateStackInput } = require("./input") as typeof import("./input");
    validateOnceMode();
    return validateStackInput(document);
  });
  // From here the policy check owns the pack (it stops it if the policy config is refused).
  const { startPolicyCheck } = require("./policy") as typeof import("./policy");
  const policy = started && startPolicyCheck(input, { configFile: args.policyConfig, started });
  const { planStackInput } = require("./plan") as typeof import("./plan");
  let plan: StackPlan;
  try {
    plan = await planStackInput(input, { outputs: args.knownOutputs ? "known" : "preview" });
  } catch (error) {
    await policy?.cancel();
    if (error instanceof UserInputError) throw error;
    const { ProgramFailedError, describeFailure } =
      require("./project-plan") as typeof import("./project-plan");
    throw new ProgramFailedError(`${programFailed}: ${describeFailure(error)}`);
  }
  const oncall = input.loaded.config.oncall;
  if (!policy) return { ...plan, oncallGaps: oncall && oncallGapsOf(oncall) };
  // The pack analyzes on the other core; the on-call check, which needs only the config, runs
  // meanwhile, once the first analyze calls are on their way.
  const report = policy.finish(plan);
  report.catch(() => {});
  await new Promise(setImmediate);
  const oncallGaps = oncall && oncallGapsOf(oncall);
  plan.result.policy = await report;
  return { ...plan, oncallGaps };
}

/**
 * A team's project in the current folder: its Pulumi.yaml `main` under mocks, with the policy pack
 * shipped in this package and the profile of the stack's tier.
 */
async function planTeamProject(
  args: CliArguments,
): Promise<{ result: StackPlan["result"]; oncallGaps?: Gap[] }> {
  const { loadProjectInput, readStackOutputsFiles, tierFor } =
    require("./project") as typeof import("./project");
  const input = loadProjectInput({ stack: args.stack, stackFile: args.stackFile });
  checkNotAnInput(args, [input.stackFile, input.program]);
  programFailed = `${relative(process.cwd(), input.program) || input.program}: the program failed`;
  // As for the platform's stacks: the shipped pack starts as soon as the stack's config is read.
  const { launchPolicyPack, stopPackOnError } = require("./pack-launch") as typeof import("./pack-launch");
  const { PACKAGE_ROOT } = require("./package-root") as typeof import("./package-root");
  const started = args.skipPolicy ? undefined : launchPolicyPack(input, PACKAGE_ROOT);
  const { planned, tier } = await stopPackOnError(started, () => {
    const planned = readStackOutputsFiles(args.stackOutputs);
    checkNotAnInput(
      args,
      planned.map((outputs) => outputs.file),
    );
    return { planned, tier: tierFor(args.stack, args.tier, planned) };
  });
  // From here the policy check owns the pack (it stops it if the policy config is refused).
  const { startPolicyCheck } = require("./policy") as typeof import("./policy");
  const policy =
    started &&
    startPolicyCheck({ ...input, tier }, { configFile: args.policyConfig, root: PACKAGE_ROOT, started });
  const { planProject } = require("./project-plan") as typeof import("./project-plan");
  let result: StackPlan["result"];
  try {
    // The pack's process must not keep alive a plan whose program never finishes (see `beforeExit`).
    started?.keepAlive(false);
    result = await planProject(input, planned, args.knownOutputs ? "known" : "preview");
  } catch (error) {
    started?.keepAlive(true);
    await policy?.cancel();
    throw error;
  }
  started?.keepAlive(true);
  if (policy) result.policy = await policy.finish({ result });
  return { result };
}

/**
 * Refuses, before planning, to write a plan over a file it reads (`--json Pulumi.dev.yaml` would
 * destroy the stack's config).
 */
function checkNotAnInput(args: CliArguments, inputs: string[]): void {
  const read = new Set(
    [...inputs, ...PROJECT_FILES, args.policyConfig]
      .filter((file): file is string => file !== undefined)
      .map((file) => resolve(file)),
  );
  for (const [flag, file] of [
    ["json", args.json],
    ["markdown", args.markdown],
    ["outputs", args.outputs],
  ] as const) {
    if (file && read.has(resolve(file)))
      throw new UserInputError([
        `command line: --${flag}: expected a file the plan does not read, found ${file}, one of its inputs`,
      ]);
  }
}

/** Fails before planning, not after, when an output file's folder is missing or read-only. */
function checkWritableDirectory(file: string): void {
  const directory = dirname(resolve(file));
  let isDirectory = false;
  try {
    isDirectory = statSync(file).isDirectory();
  } catch {
    // No such file yet (or no such folder: the folder's check below says so).
  }
  if (isDirectory)
    throw new UserInputError([`${file}: (file): expected a file path to write, found a directory`]);
  try {
    accessSync(directory, constants.W_OK);
  } catch (error) {
    throw new UserInputError([
      `${file}: (file): expected a path in a writable folder, found ${(error as NodeJS.ErrnoException).code ?? error} for ${directory}`,
    ]);
  }
}

/**
 * Exits once stdout and stderr have drained. The gRPC client's timers would otherwise keep the
 * process alive for another half second after the work is done.
 */
function exitWhenFlushed(code: number): void {
  process.exitCode = code;
  process.stdout.write("", () => process.stderr.write("", () => process.exit(code)));
}

if (require.main === module) {
  // The program's own process.exit, or an event loop that empties while the plan still waits on
  // the program (a promise that never settles), would otherwise end the plan silently.
  process.on("exit", (code) => {
    if (!programRunning) return;
    console.error(
      `${programFailed}: it ended the process itself (process.exit(${code})) before the plan finished`,
    );
    process.exitCode = PROGRAM_FAILED;
  });
  let unhandledReported = false;
  process.on("unhandledRejection", (reason) => {
    // While the program runs under mocks, the run has a listener of its own (mock-runtime.ts): it
    // ends the run with the failure, and names a StackReference without planned outputs as such
    // (exit 2). Answering here first would report it as the program's failure (exit 4).
    if (process.listenerCount("unhandledRejection") > 1) return;
    const { reportedFailures, describeFailure } =
      require("./project-plan") as typeof import("./project-plan");
    if (reason !== null && typeof reason === "object" && reportedFailures.has(reason)) return;
    // The SDK may reject several promises for one failure: the first is the plan's answer.
    if (unhandledReported) return;
    unhandledReported = true;
    programRunning = false;
    console.error(`${programFailed}: ${describeFailure(reason)}`);
    exitWhenFlushed(PROGRAM_FAILED);
  });
  process.on("beforeExit", () => {
    if (!programRunning) return;
    programRunning = false;
    console.error(`${programFailed}: it never finished (an output or a promise it returns never settles)`);
    exitWhenFlushed(PROGRAM_FAILED);
  });
  main(process.argv.slice(2)).then(exitWhenFlushed, (error: unknown) => {
    console.error(error);
    exitWhenFlushed(3);
  });
}

/** The on-call check of the model as of now (every gap). */
function oncallGapsOf(model: OncallConfig): Gap[] {
  const { checkModel } =
    require("../../components/oncall/checks") as typeof import("../../components/oncall/checks");
  return checkModel(model, new Date());
}

function formatOncallGaps(gaps: Gap[]): string {
  const { formatGaps } =
    require("../../components/oncall/checks") as typeof import("../../components/oncall/checks");
  return formatGaps(gaps);
}
