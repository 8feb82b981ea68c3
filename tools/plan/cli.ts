import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { UserInputError } from "../../stacks/config/errors";
import { PolicyPackError } from "../analyzer";
import { renderPlanMarkdown } from "../plan-summary";
import { planStack } from "./plan";
import { checkPolicies } from "./policy";
import { renderPlanText } from "./report";

const USAGE = `usage: npm run plan -- --stack <name> [--stack-file PATH] [--json FILE] [--markdown FILE]

Plans a stack offline: validates its config, runs the stack program under Pulumi's mock runtime,
runs the policy pack over the engine protocol, and prints the resource tree, counts by type, a risk
summary and every policy violation.

  --stack NAME        stack to plan (dev, staging, prod, or any name with --stack-file)
  --stack-file PATH   plan this stack config file instead of stacks/Pulumi.<stack>.yaml
  --json FILE         also write the plan as JSON
  --markdown FILE     also write the plan as a Markdown pull-request comment
  --policy-config F   policy pack config (default policies/config/<stack>.json, else <tier>.json)
  --skip-policy       plan without running the policy pack
  --help              show this text

Exit codes: 0 clean, 1 mandatory policy violations, 2 bad input, 3 the policy pack failed.`;

const STACK_NAME = /^[A-Za-z0-9_.-]{1,100}$/;

export interface CliArguments {
  stack: string;
  stackFile?: string;
  json?: string;
  markdown?: string;
  policyConfig?: string;
  skipPolicy: boolean;
}

/** Parses and checks the command line; every mistake is a UserInputError naming the argument. */
export function parseCliArguments(argv: string[]): CliArguments | "help" {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        stack: { type: "string" },
        "stack-file": { type: "string" },
        json: { type: "string" },
        markdown: { type: "string" },
        "policy-config": { type: "string" },
        "skip-policy": { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UserInputError([
      `command line: ${(error as Error).message.replace(/\. To specify.*$/s, "")}\n${USAGE}`,
    ]);
  }
  if (values.help) return "help";
  const stack = values.stack as string | undefined;
  if (!stack)
    throw new UserInputError([`command line: --stack: expected a stack name, found nothing\n${USAGE}`]);
  if (!STACK_NAME.test(stack)) {
    throw new UserInputError([
      `command line: --stack: expected a stack name of letters, digits, '-', '_' or '.', found ${JSON.stringify(stack)}`,
    ]);
  }
  return {
    stack,
    stackFile: values["stack-file"] as string | undefined,
    json: values.json as string | undefined,
    markdown: values.markdown as string | undefined,
    policyConfig: values["policy-config"] as string | undefined,
    skipPolicy: values["skip-policy"] === true,
  };
}

export async function main(argv: string[]): Promise<number> {
  try {
    const args = parseCliArguments(argv);
    if (args === "help") {
      console.log(USAGE);
      return 0;
    }
    const plan = await planStack({ stack: args.stack, stackFile: args.stackFile });
    if (!args.skipPolicy) plan.result.policy = await checkPolicies(plan, { configFile: args.policyConfig });
    console.log(renderPlanText(plan.result));
    if (args.json) writeOutput(args.json, `${JSON.stringify(plan.result, null, 2)}\n`);
    if (args.markdown) writeOutput(args.markdown, renderPlanMarkdown(plan.result, { stack: args.stack }));
    const mandatory =
      plan.result.policy?.violations.filter((v) => v.enforcementLevel === "mandatory").length ?? 0;
    return mandatory > 0 ? 1 : 0;
  } catch (error) {
    if (error instanceof UserInputError) {
      console.error(error.message);
      return 2;
    }
    if (error instanceof PolicyPackError) {
      // The pack itself failed (crash, compile error): not the user's input, and not a clean plan.
      console.error(`policy pack failed: ${error.message}`);
      return 3;
    }
    throw error;
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

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 3;
    },
  );
}
