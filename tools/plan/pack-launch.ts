import * as path from "node:path";
import { type LaunchedPack, launchPack, type PackIdentity, packEnvironment } from "../analyzer/pack-process";

/**
 * Starting the policy pack as early as a plan can: the engine's runner takes a second or more to
 * load the SDKs, and a plan knows everything the pack's environment holds (stack, project, the
 * stack file's config) once the stack file is read as YAML, before its config is validated and
 * before the plan loads the SDKs. Kept free of gRPC and the schema, which load after the spawn.
 */

export const POLICY_PACK_DIR = "policies";

/** What the engine tells the pack about the stack being previewed. */
export interface PolicyTarget {
  stack: string;
  project: string;
  engineConfig: Record<string, string>;
  secretKeys: string[];
}

/** The session of `pulumi preview --policy-pack <root>/policies` for a stack. */
export function packSession(
  target: PolicyTarget,
  root?: string,
): PackIdentity & {
  packDir: string;
  configSecretKeys: string[];
} {
  return {
    packDir: root ? path.join(root, POLICY_PACK_DIR) : POLICY_PACK_DIR,
    stack: target.stack,
    project: target.project,
    dryRun: true,
    stackConfig: target.engineConfig,
    configSecretKeys: target.secretKeys,
  };
}

/**
 * Spawns the pack for the stack; its failure is reported when the session opens, not here. A plan
 * that stops before (its config refused) calls `stop`, which kills it at once.
 */
export function launchPolicyPack(target: PolicyTarget, root?: string): LaunchedPack {
  const session = packSession(target, root);
  return launchPack(session.packDir, packEnvironment(session));
}

/**
 * The steps between launching the pack and handing it to its policy check (validating the config,
 * reading planned outputs): when one refuses its input, the pack is killed before the error goes on.
 */
export async function stopPackOnError<T>(started: LaunchedPack | undefined, steps: () => T): Promise<T> {
  try {
    return steps();
  } catch (error) {
    await started?.stop();
    throw error;
  }
}
