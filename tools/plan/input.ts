import { config as zodConfig } from "zod";
import { type LoadedStackConfig, validateStackDocument } from "../../stacks/config/load";
import { PROJECT_NAME, readStackInputDocument, type StackInputDocument } from "./input-document";

export { PROJECT_NAME, readStackInputDocument, type StackInputDocument };

/**
 * Reading and validating a stack's config for a plan. Kept free of Pulumi imports: the CLI reads
 * the stack file (input-document.ts), starts the policy pack, then validates the config here, all
 * before it pays for loading the SDKs.
 */

export interface PlanOptions {
  stack: string;
  /** A stack config file; defaults to `stacks/Pulumi.<stack>.yaml`. */
  stackFile?: string;
  /** Repository root; defaults to the current directory. */
  root?: string;
}

/**
 * For a process that validates one config and exits (the plan command): zod's generated object
 * parsers (built with `new Function` on first use) cost more to build than one parse saves
 * (measured: ~30 ms of ~115 ms cold). A global zod setting, so only entry points call it.
 */
export function validateOnceMode(): void {
  zodConfig({ jitless: true });
}

/** A stack's validated config, ready to plan. */
export interface StackInput {
  stack: string;
  stackFile: string;
  loaded: LoadedStackConfig;
}

/** Reads and validates the stack's config file; every mistake is a UserInputError. */
export function loadStackInput(options: PlanOptions): StackInput {
  return validateStackInput(readStackInputDocument(options));
}

export function validateStackInput({ stack, stackFile, document }: StackInputDocument): StackInput {
  return { stack, stackFile, loaded: validateStackDocument(document) };
}
