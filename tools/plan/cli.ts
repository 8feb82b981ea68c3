import { accessSync, constants, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { UserInputError } from "../../stacks/config/errors";
import { parseFlags, stackNameProblem } from "../cli/args";
import { loadStackInput } from "./input";
import type { StackPlan } from "./plan";

const USAGE = `usage: npm run plan -- --stack <name> [--stack-file PATH] [--known-outputs] [--json FILE] [--markdown FILE]

Plans a stack offline: validates its config, runs the stack program under Pulumi's mock runtime,
runs the policy pack over the engine protocol, and prints the resource tree, counts by type, a risk
summary and every policy violation. By default it sees what a first \`pulumi preview\` of a new
stack sees: values the provider computes (ids, emails, project numbers, self links) are unknown
unless the inputs fix them, shown as (known after up) and written to --json as the engine's
unknown sentinel.

  --stack NAME        stack to plan (dev, staging, prod, or any name with --stack-file)
  --stack-file PATH   plan this stack config file instead of stacks/Pulumi.<stack>.yaml
  --known-outputs     resolve computed values as after a first \`pulumi up\` (realistic known values)
  --json FILE         also write the plan as JSON
  --markdown FILE     also write the plan as a Markdown pull-request comment
  --policy-config F   policy pack config (default policies/config/<stack>.json, else <tier>.json)
  --skip-policy       plan without running the policy pack
  --help              show this text

Also runs the on-call check of the stack's platform:oncall model (npm run oncall -- check).

Exit codes: 0 clean, 1 mandatory policy violations or on-call gaps, 2 bad input, 3 the policy pack failed.`;

export interface CliArguments {
  stack: string;
  stackFile?: string;
  json?: string;
  markdown?: string;
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
  return {
    stack: stack as string,
    stackFile: values["stack-file"] as string | undefined,
    json: values.json as string | undefined,
    markdown: values.markdown as string | undefined,
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
    for (const file of [args.json, args.markdown]) if (file) checkWritableDirectory(file);
    const input = loadStackInput({ stack: args.stack, stackFile: args.stackFile });
    // Start the policy pack first: its process starts (and ts-node type-checks it) on the other
    // core while this one loads Pulumi and runs the program. Modules load in that order on purpose.
    const { startPolicyCheck } = require("./policy") as typeof import("./policy");
    const policy = args.skipPolicy ? undefined : startPolicyCheck(input, { configFile: args.policyConfig });
    const { planStackInput } = require("./plan") as typeof import("./plan");
    const { renderPlanText } = require("./report") as typeof import("./report");
    const { renderPlanMarkdown } = require("../plan-summary") as typeof import("../plan-summary");
    let plan: StackPlan;
    try {
      plan = await planStackInput(input, { outputs: args.knownOutputs ? "known" : "preview" });
    } catch (error) {
      await policy?.cancel();
      throw error;
    }
    if (policy) plan.result.policy = await policy.finish(plan);
    console.log(renderPlanText(plan.result));
    // The on-call model's gaps (npm run oncall -- check), reported beside the policy report.
    const { checkModel, formatGaps } =
      require("../../components/oncall/checks") as typeof import("../../components/oncall/checks");
    const oncall = input.loaded.config.oncall;
    const oncallGaps = oncall ? checkModel(oncall, new Date()) : [];
    if (oncall) console.log(`\n${formatGaps(oncallGaps)}`);
    if (args.json) writeOutput(args.json, `${JSON.stringify(plan.result, null, 2)}\n`);
    if (args.markdown) writeOutput(args.markdown, renderPlanMarkdown(plan.result, { stack: args.stack }));
    const mandatory =
      plan.result.policy?.violations.filter((v) => v.enforcementLevel === "mandatory").length ?? 0;
    return mandatory > 0 || oncallGaps.length > 0 ? 1 : 0;
  } catch (error) {
    if (error instanceof UserInputError) {
      console.error(error.message);
      return 2;
    }
    if (error instanceof Error && error.name === "PolicyPackError") {
      // The pack itself failed (crash, compile error): not the user's input, and not a clean plan.
      console.error(`policy pack failed: ${error.message}`);
      return 3;
    }
    throw error;
  }
}

/** Fails before planning, not after, when an output file's folder is missing or read-only. */
function checkWritableDirectory(file: string): void {
  const directory = dirname(resolve(file));
  try {
    accessSync(directory, constants.W_OK);
  } catch (error) {
    throw new UserInputError([
      `${file}: (file): expected a path in a writable folder, found ${(error as NodeJS.ErrnoException).code ?? error} for ${directory}`,
    ]);
  }
}

function writeOutput(file: string, text: string): void {
  try {
    writeFileSync(file, text);
  } catch (error) {
    throw new UserInputError([
      `${file}: (file): expected a writable output path, found ${(error as NodeJS.ErrnoException).code ?? error}`,
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
  main(process.argv.slice(2)).then(exitWhenFlushed, (error: unknown) => {
    console.error(error);
    exitWhenFlushed(3);
  });
}
