import * as path from "node:path";
import { describeValue, UserInputError } from "../../stacks/config/errors";
import { quoteText, terminalLines } from "../../stacks/config/terminal-text";
import type { OutputMode } from "./mock-outputs";
import {
  FULL_STACK_TRACES_ENV,
  MissingStackReferenceError,
  runUnderMocks,
  wireOutputs,
} from "./mock-runtime";
import type { PlanResult } from "./model";
import { summarize } from "./plan";
import { outputsForReference, type PlannedStackOutputs, type ProjectInput } from "./project";

/**
 * Runs a team's program under Pulumi's mock runtime, as `pulumi preview` would run it in the team's
 * folder: its config from its stack file, each StackReference resolved from a file of that
 * stack's planned outputs (values unknown at the platform's preview stay unknown here).
 */
export async function planProject(
  input: ProjectInput,
  planned: PlannedStackOutputs[],
  outputs: OutputMode = "preview",
): Promise<PlanResult> {
  if (input.typescript !== false && /\.[cm]?ts$/.test(input.program)) {
    // Transpile only (the team's own `tsc` type-checks). With `typescript: false` the language host
    // loads `main` as it is, and so does the plan. The loader is this package's dependency.
    (require("tsx/cjs/api") as { register(): unknown }).register();
  }
  try {
    const { resources, stackOutputs } = await runUnderMocks({
      project: input.project,
      stack: input.stack,
      outputs,
      config: input.engineConfig,
      secretKeys: input.secretKeys,
      program: async () => {
        // What the language host does: require the program; call it if it exports a function.
        const exported = require(input.program);
        return await (typeof exported === "function" ? exported() : exported);
      },
      stackReferences: (name) => {
        const found = outputsForReference(name, planned);
        return found && wireOutputs(found.outputs.values, found.outputs.unknownPaths);
      },
    });
    return {
      stack: input.stack,
      project: input.project,
      outputMode: outputs,
      resources,
      summary: summarize(resources),
      outputs: stackOutputs,
    };
  } catch (error) {
    if (error !== null && typeof error === "object") reportedFailures.add(error);
    throw programFailure(error, input, planned);
  }
}

/**
 * Errors of the program already reported as the plan's failure. The SDK may reject a second
 * promise with the same error after the run (nobody awaits it): that is not news, and must not
 * crash the plan while it closes the policy pack.
 */
export const reportedFailures = new WeakSet<object>();

/**
 * A team's program that fails, as `pulumi preview` reports it, in one message: exit 2 when the
 * cause is the plan's input (a config key the program requires that the stack file lacks or sets
 * wrongly, a StackReference or stack output the planned-outputs files lack), exit 4 otherwise
 * (ProgramFailedError: the program itself threw). Never a stack trace of the plan's internals.
 */
export function programFailure(error: unknown, input: ProjectInput, planned: PlannedStackOutputs[]): Error {
  const program = path.relative(process.cwd(), input.program) || input.program;
  if (error instanceof UserInputError) return error;
  if (error instanceof MissingStackReferenceError) {
    const [project, stack] = error.stackName.split("/").slice(-2);
    return new UserInputError([
      `${program}: StackReference ${quoteText(error.stackName)}: expected planned outputs of stack ${stack ?? "?"} of project ${project ?? "?"} (--stack-outputs FILE, or stack-outputs/*.json: the platform repository's \`npm run plan -- --stack ${stack ?? "<stack>"} --outputs FILE\`), found ${planned.length === 0 ? "no outputs file" : planned.map((p) => `${p.project}/${p.stack} in ${p.file}`).join(", ")}`,
    ]);
  }
  const message = error instanceof Error ? error.message : undefined;
  const configKey = (error as { key?: unknown } | null)?.key;
  if (errorName(error) === "ConfigMissingError" && typeof configKey === "string") {
    // The same name in another namespace is most often the project's former name.
    const name = configKey.slice(configKey.indexOf(":") + 1);
    const elsewhere = Object.keys(input.engineConfig).find(
      (key) => key !== configKey && key.slice(key.indexOf(":") + 1) === name,
    );
    const hint = elsewhere
      ? `; the file sets \`${elsewhere}\`, of another namespace than the project's (${input.project})`
      : "";
    return new UserInputError([
      `${input.stackFile}: config.${configKey}: expected a value (${program} requires it), found nothing (the key is missing)${hint}`,
    ]);
  }
  const invalid = message && CONFIG_VALUE_ERROR.exec(message);
  if (invalid) {
    const [, key, value, type, values, range, pattern] = invalid;
    const expected = type
      ? `a ${type}`
      : values
        ? `one of ${values}`
        : range
          ? `a value within ${range}`
          : `a value matching ${pattern}`;
    return new UserInputError([
      `${input.stackFile}: config.${key}: expected ${expected} (as ${program} reads it), found ${quoteText(value)}`,
    ]);
  }
  const missingOutput = message && MISSING_OUTPUT.exec(message);
  if (missingOutput) {
    const [, output, stackName] = missingOutput;
    const source = outputsForReference(stackName, planned);
    if (source)
      return new UserInputError([
        `${source.file}: outputs.values.${output}: expected the output ${program} reads with requireOutput, found nothing (the outputs are ${Object.keys(source.outputs.values).sort().join(", ") || "none"})`,
      ]);
  }
  return new ProgramFailedError(`${program}: the program failed: ${describeFailure(error)}`);
}

/** The user's program threw or rejected: exit 4, not the input's fault nor the policy pack's. */
export class ProgramFailedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ProgramFailedError";
  }
}

/** The SDK's Config errors (config.js): a value of the wrong type, enum, range or pattern. */
const CONFIG_VALUE_ERROR =
  /^Configuration '([^']+)' value '(.*)' (?:is not a valid (.+)|is not a legal enum value \((.+)\)|is outside of the legal range \((.+)\)|does not match the regular expression (.+))$/s;
/** StackReference.requireOutput of a name the referenced stack does not export. */
const MISSING_OUTPUT = /^Required output '(.+)' does not exist on stack '(.+)'\.$/s;

const COMPILE_ERROR = /^Transform failed with \d+ errors?:\n(.+?):(\d+):(\d+): ERROR: (.+)$/m;

function errorName(error: unknown): string | undefined {
  if (error === null || typeof error !== "object") return undefined;
  return (error as { constructor?: { name?: string } }).constructor?.name;
}

/**
 * What the program threw, in one paragraph: its error's class and message (a compile error with its
 * place), the stack only when PLATFORM_PLAN_STACK_TRACES=1 asked for it.
 */
export function describeFailure(error: unknown): string {
  // tsx's compile error: "Transform failed with 1 error:\n<file>:<line>:<column>: ERROR: <text>".
  const compile = error instanceof Error ? COMPILE_ERROR.exec(error.message) : null;
  if (compile) {
    const [, file, line, column, text] = compile;
    return terminalLines(
      `it does not compile: ${path.relative(process.cwd(), file) || file}:${line}:${column}: ${text}`,
    );
  }
  if (!(error instanceof Error)) return `it threw ${describeValue(error)}, not an Error`;
  const name = errorName(error) && errorName(error) !== "Error" ? errorName(error) : error.name;
  // Node's "Require stack:" lists the plan's own modules: the first line says what is missing.
  const message = error.message.split("\nRequire stack:")[0];
  const trace =
    process.env[FULL_STACK_TRACES_ENV] === "1" && error.stack
      ? `\n${error.stack}`
      : ` (${FULL_STACK_TRACES_ENV}=1 shows where)`;
  // The program's own message: its lines are kept, its escapes and workflow commands are not.
  return terminalLines(`${name}: ${message}${trace}`);
}
