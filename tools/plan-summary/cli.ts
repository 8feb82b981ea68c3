/**
 * `npm run plan:summary -- --event-log FILE --stack NAME [--out FILE]`
 *
 * Turns the NDJSON event log of `pulumi preview --event-log FILE` into the Markdown of a PR comment.
 * Exit codes: 0 written, 2 bad input (the message names the file, line, expectation and finding).
 */
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { formatBytes, INPUT_LIMITS, InputFileError, readInputFile } from "../../stacks/config/input-file";
import { quoteText } from "../../stacks/config/terminal-text";
import { EventLogError, parseEventLog } from "./events";
import { renderSummaryMarkdown } from "./markdown";
import { summarizeEvents } from "./summarize";

const USAGE = "usage: npm run plan:summary -- --event-log FILE --stack NAME [--out FILE]";
// Stack names as Pulumi accepts them, optionally qualified (`org/project/stack`).
const STACK_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*(\/[A-Za-z0-9][A-Za-z0-9._-]*){0,2}$/;

class UsageError extends Error {}

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

function parseCliArguments(argv: string[]): { eventLog: string; stack: string; out?: string } {
  let values: { "event-log"?: string; stack?: string; out?: string };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        "event-log": { type: "string" },
        stack: { type: "string" },
        out: { type: "string" },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    // node:util reports unknown flags and missing values with a clear message; keep only that.
    throw new UsageError(
      `command line: ${(error as Error).message}; expected only --event-log, --stack, --out\n${USAGE}`,
    );
  }
  if (!values["event-log"]) throw new UsageError(`missing --event-log FILE\n${USAGE}`);
  if (!values.stack) throw new UsageError(`missing --stack NAME\n${USAGE}`);
  if (!STACK_NAME.test(values.stack)) {
    throw new UsageError(
      `--stack: expected a stack name (letters, digits, '.', '_', '-', optionally org/project/stack), found ${quoteText(values.stack)}`,
    );
  }
  return { eventLog: values["event-log"], stack: values.stack, out: values.out };
}

function readEventLog(file: string): string {
  const what = "a readable event log file (`pulumi preview --event-log FILE`)";
  try {
    return readInputFile(file, { what, maxBytes: INPUT_LIMITS.eventLog });
  } catch (error) {
    if (error instanceof InputFileError) {
      throw new EventLogError(
        file,
        undefined,
        `${what} of at most ${formatBytes(INPUT_LIMITS.eventLog)}`,
        error.found,
      );
    }
    throw error;
  }
}

/** Runs the CLI; returns the exit code instead of exiting so tests can call it in-process. */
export function runCli(argv: string[], io: CliIo): number {
  try {
    const { eventLog, stack, out } = parseCliArguments(argv);
    const events = parseEventLog(readEventLog(eventLog), eventLog);
    const markdown = renderSummaryMarkdown(summarizeEvents(events, stack));
    if (out) {
      try {
        writeFileSync(out, markdown);
      } catch (error) {
        throw new UsageError(
          `--out: cannot write ${out}: ${(error as NodeJS.ErrnoException).code ?? "error"}`,
        );
      }
    } else {
      io.stdout(markdown);
    }
    return 0;
  } catch (error) {
    if (error instanceof UsageError || error instanceof EventLogError) {
      io.stderr(`plan-summary: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

if (require.main === module) {
  process.exitCode = runCli(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  });
}
