import { join } from "node:path";
import { packDirectory } from "./lib/pack-dir";

/**
 * `@acme/platform/policies`: where the installed policy pack and its per-tier configs are, for
 * scripts and workflows that pass them to `pulumi preview`. Importing this starts nothing (the
 * pack itself, `index.ts`, starts its gRPC server when loaded, so it is never an import target).
 *
 *   pulumi preview --policy-pack node_modules/@acme/platform/policies \
 *     --policy-pack-config node_modules/@acme/platform/policies/config/dev.json
 */

/** Absolute path of the pack folder (PulumiPolicy.yaml, package.json, config/, exemptions.yaml). */
export const policyPackDir: string = packDirectory(__dirname, 0);

export const POLICY_TIERS = ["dev", "staging", "prod"] as const;
export type PolicyTier = (typeof POLICY_TIERS)[number];

/** The `--policy-pack-config` file of a tier: advisory reliability and cost in dev, all mandatory in prod. */
export function policyConfigFile(tier: PolicyTier): string {
  return join(policyPackDir, "config", `${tier}.json`);
}
