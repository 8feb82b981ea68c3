import { type ParseArgsConfig, parseArgs } from "node:util";
import { UserInputError } from "../../stacks/config/errors";

/** Command-line handling shared by the project's commands: every mistake is a UserInputError (exit 2). */

export type OptionValues = Record<string, string | boolean | undefined>;

/** Parses flags strictly (no positionals, no unknown flags), quoting the usage on a mistake. */
export function parseFlags(
  argv: string[],
  options: NonNullable<ParseArgsConfig["options"]>,
  usage: string,
): OptionValues {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values as OptionValues;
  } catch (error) {
    // Node's hint about `--` is for positionals, which no command here takes.
    throw new UserInputError([
      `command line: ${(error as Error).message.replace(/\. To specify.*$/s, "")}\n${usage}`,
    ]);
  }
}

const STACK_NAME = /^[A-Za-z0-9_.-]{1,100}$/;

/** The problem with a `--stack` value, or undefined when it is a valid stack name. */
export function stackNameProblem(stack: string | undefined): string | undefined {
  if (!stack) return "command line: --stack: expected a stack name, found nothing";
  if (!STACK_NAME.test(stack)) {
    return `command line: --stack: expected a stack name of letters, digits, '-', '_' or '.', found ${JSON.stringify(stack)}`;
  }
  return undefined;
}
