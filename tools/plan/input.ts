import * as path from "node:path";
import { type LoadedStackConfig, readStackFile, stackFilePath } from "../../stacks/config/load";

/**
 * Reading a stack's config for a plan. Kept free of Pulumi imports: the CLI validates the config,
 * and starts the policy pack, before it pays for loading the SDKs.
 */

/** The Pulumi project name (`name` in Pulumi.yaml); part of every URN. */
export const PROJECT_NAME = "platform";

export interface PlanOptions {
  stack: string;
  /** A stack config file; defaults to `stacks/Pulumi.<stack>.yaml`. */
  stackFile?: string;
  /** Repository root; defaults to the current directory. */
  root?: string;
}

/** A stack's validated config, ready to plan. */
export interface StackInput {
  stack: string;
  stackFile: string;
  loaded: LoadedStackConfig;
}

/** Reads and validates the stack's config file; every mistake is a UserInputError. */
export function loadStackInput(options: PlanOptions): StackInput {
  const root = options.root ?? process.cwd();
  const stackFile = options.stackFile ?? stackFilePath(options.stack);
  const loaded = readStackFile(path.isAbsolute(stackFile) ? stackFile : displayPath(root, stackFile));
  return { stack: options.stack, stackFile, loaded };
}

function displayPath(root: string, file: string): string {
  return path.relative(process.cwd(), path.resolve(root, file)) || file;
}
