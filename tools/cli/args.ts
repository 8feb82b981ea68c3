import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { type ParseArgsConfig, parseArgs } from "node:util";
import { UserInputError } from "../../stacks/config/errors";
import { quoteText } from "../../stacks/config/terminal-text";

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
    return `command line: --stack: expected a stack name of letters, digits, '-', '_' or '.', found ${quoteText(stack)}`;
  }
  return undefined;
}

/**
 * A command's answer to a failure: a UserInputError is the user's mistake, printed as it is (one
 * line per problem, no stack trace) for exit code 2; anything else is thrown on.
 */
export function userInputExitCode(error: unknown, print: (text: string) => void = console.error): number {
  if (error instanceof UserInputError) {
    print(error.message);
    return 2;
  }
  throw error;
}

/** Writes a file a command was asked to write, creating its folder; a failure is the user's (exit 2). */
export function writeOutputFile(file: string, text: string): void {
  try {
    mkdirSync(dirname(resolve(file)), { recursive: true });
    writeFileSync(file, text);
  } catch (error) {
    throw new UserInputError([
      `${file}: (file): expected a writable output path, found ${(error as NodeJS.ErrnoException).code ?? error}`,
    ]);
  }
}
