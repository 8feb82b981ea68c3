import { existsSync } from "node:fs";
import * as path from "node:path";
import { ExemptionRegisterError, exemptionsInForce, loadExemptions } from "../../policies/exemptions";
import { UserInputError } from "../../stacks/config/errors";
import { INPUT_LIMITS, readInputFile } from "../../stacks/config/input-file";
import { openPolicyPack, PolicyConfigError, readPolicyPackConfigFile } from "../analyzer";
import type { LaunchedPack } from "../analyzer/pack-process";
import { PROJECT_NAME, type StackInput } from "./input";
import type { PolicyReport } from "./model";
import { type PolicyTarget as LaunchTarget, POLICY_PACK_DIR, packSession } from "./pack-launch";
import type { StackPlan } from "./plan";
import { PACKAGE_ROOT } from "./project";

/** What the engine tells the pack about the stack being previewed, and the stack's tier. */
export interface PolicyTarget extends LaunchTarget {
  tier: string;
}

export { POLICY_PACK_DIR };
export const EXEMPTIONS_FILE = "policies/exemptions.yaml";
/** This package's own folder: where a team's plan finds the shipped pack. */
export const SHIPPED_PACK_ROOT = PACKAGE_ROOT;

/**
 * The `--policy-pack-config` file for a stack: `policies/config/<stack>.json`, or for a stack with
 * no file of its own (e.g. planned with --stack-file), the file of its tier.
 */
export function policyConfigFileFor(stack: string, tier: string, root = process.cwd()): string {
  const own = `${POLICY_PACK_DIR}/config/${stack}.json`;
  return existsSync(path.join(root, own)) ? own : `${POLICY_PACK_DIR}/config/${tier}.json`;
}

export interface PolicyCheckOptions {
  /** Overrides the config file chosen by `policyConfigFileFor`. */
  configFile?: string;
  /**
   * Where the pack and its files are: `root`/policies. Default: the current folder (the platform
   * repository); a team's project passes this package's folder (node_modules/@acme/platform).
   */
  root?: string;
  /** The day exemptions are checked against; today by default. */
  today?: Date | string;
  /**
   * The pack's process, launched for this target by `launchPolicyPack` (pack-launch.ts); stopped
   * here when the policy config or the exemption register is refused.
   */
  started?: LaunchedPack;
}

/**
 * A policy check started before the program runs: the pack process starts on the other core while
 * the stack program is planned, and only `finish` waits for the plan.
 */
export interface PendingPolicyCheck {
  configFile: string;
  /** Analyzes the planned resources and lists the exemptions in force; closes the pack. */
  finish(plan: Pick<StackPlan, "result">): Promise<PolicyReport>;
  /**
   * Analyzes the planned resources and keeps the pack open, for another plan of the same stack
   * (the pack's environment is the stack's, whatever the output mode); `cancel` closes it.
   */
  analyze(plan: Pick<StackPlan, "result">): Promise<PolicyReport>;
  /** Closes the pack without analyzing (the plan failed), or after `analyze`. */
  cancel(): Promise<void>;
}

/**
 * Starts the real policy pack as `pulumi preview --policy-pack policies --policy-pack-config <file>`
 * would. User mistakes in the policy config or the exemption register throw a UserInputError
 * here, before the pack is started (or, when `started` was launched earlier, after killing it).
 */
export function startPolicyCheck(
  input: StackInput | PolicyTarget,
  options: PolicyCheckOptions = {},
): PendingPolicyCheck {
  const target: PolicyTarget =
    "loaded" in input
      ? {
          stack: input.stack,
          project: PROJECT_NAME,
          tier: input.loaded.config.tier,
          engineConfig: input.loaded.engineConfig,
          secretKeys: input.loaded.secretKeys,
        }
      : input;
  const root = options.root;
  const inRoot = (file: string) => (root ? path.join(root, file) : file);
  const configFile =
    options.configFile ??
    (root
      ? inRoot(`${POLICY_PACK_DIR}/config/${target.tier}.json`)
      : policyConfigFileFor(target.stack, target.tier));
  let exemptions: ReturnType<typeof readExemptions>;
  try {
    exemptions = readExemptions(target.stack, options.today ?? new Date(), inRoot(EXEMPTIONS_FILE));
    userMistakes(() => readPolicyPackConfigFile(configFile));
  } catch (error) {
    void options.started?.stop();
    throw error;
  }
  const session = openPolicyPack({ ...packSession(target, root), started: options.started });
  // The plan may fail before anyone awaits the session: keep its failure from going unhandled.
  session.catch(() => {});
  const analyze = async (plan: Pick<StackPlan, "result">): Promise<PolicyReport> => {
    const pack = await session;
    const report = await userMistakes(() => pack.run({ configFile, resources: plan.result.resources }));
    return {
      pack: { name: report.pack.name, version: report.pack.version },
      violations: report.violations,
      exemptions,
    };
  };
  const cancel = async () => {
    await session.then((pack) => pack.close()).catch(() => {});
  };
  return {
    configFile,
    analyze,
    async finish(plan) {
      try {
        return await analyze(plan);
      } finally {
        await cancel();
      }
    },
    cancel,
  };
}

/** Policy config mistakes are the user's: report them like any other bad input (exit 2). */
function userMistakes<T>(work: () => T): T {
  try {
    const result = work();
    if (result instanceof Promise) {
      return result.catch((error: unknown) => {
        throw asUserInputError(error);
      }) as T;
    }
    return result;
  } catch (error) {
    throw asUserInputError(error);
  }
}

function asUserInputError(error: unknown): unknown {
  return error instanceof PolicyConfigError ? new UserInputError(error.message.split("\n")) : error;
}

function readExemptions(stack: string, today: Date | string, file: string) {
  try {
    const register = loadExemptions(
      EXEMPTIONS_FILE,
      readInputFile(file, {
        what: "an exemption register (YAML)",
        maxBytes: INPUT_LIMITS.exemptions,
      }),
    );
    return exemptionsInForce(register, stack, today);
  } catch (error) {
    if (error instanceof ExemptionRegisterError) throw new UserInputError(error.message.split("\n"));
    throw error;
  }
}
