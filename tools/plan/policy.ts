import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { ExemptionRegisterError, exemptionsInForce, loadExemptions } from "../../policies/exemptions";
import { UserInputError } from "../../stacks/config/errors";
import { PolicyConfigError, runPolicyPack } from "../analyzer";
import type { PolicyReport } from "./model";
import type { StackPlan } from "./plan";

export const POLICY_PACK_DIR = "policies";
export const EXEMPTIONS_FILE = "policies/exemptions.yaml";

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
  /** The day exemptions are checked against; today by default. */
  today?: Date | string;
}

/**
 * Runs the real policy pack over the planned resources through the Analyzer protocol, as
 * `pulumi preview --policy-pack policies --policy-pack-config <file>` would, and lists the
 * exemptions in force for the stack.
 */
export async function checkPolicies(
  plan: StackPlan,
  options: PolicyCheckOptions = {},
): Promise<PolicyReport> {
  const { result, loaded } = plan;
  const configFile = options.configFile ?? policyConfigFileFor(result.stack, loaded.config.tier);
  const exemptions = readExemptions(result.stack, options.today ?? new Date());
  try {
    const report = await runPolicyPack({
      packDir: POLICY_PACK_DIR,
      stack: result.stack,
      project: result.project,
      dryRun: true,
      stackConfig: loaded.engineConfig,
      configSecretKeys: loaded.secretKeys,
      configFile,
      resources: result.resources,
    });
    return { pack: report.pack, violations: report.violations, exemptions };
  } catch (error) {
    if (error instanceof PolicyConfigError) throw new UserInputError(error.message.split("\n"));
    throw error;
  }
}

function readExemptions(stack: string, today: Date | string) {
  try {
    const register = loadExemptions(EXEMPTIONS_FILE, readFileSync(EXEMPTIONS_FILE, "utf8"));
    return exemptionsInForce(register, stack, today);
  } catch (error) {
    if (error instanceof ExemptionRegisterError) throw new UserInputError(error.message.split("\n"));
    throw error;
  }
}
