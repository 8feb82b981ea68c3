/**
 * Per-stack profiles: the enforcement level of every policy and the settings that differ by stack.
 * `npx tsx tools/policy-docs/generate.ts` writes them to config/<stack>.json (the
 * `--policy-pack-config` files) and docs/policies.md; a test fails when either is stale.
 */
import type { EnforcementLevel } from "@pulumi/policy";
import type { Tier } from "./lib/context";
import { type PackState, platformRules } from "./lib/pack";
import type { Category, PlatformRule } from "./lib/rule";

export const STACKS = ["dev", "staging", "prod"] as const;
export type StackName = (typeof STACKS)[number];

/** Security invariants are mandatory everywhere; the rest tightens towards prod. */
export const LEVELS: Record<Category, Record<Tier, EnforcementLevel>> = {
  security: { dev: "mandatory", staging: "mandatory", prod: "mandatory" },
  reliability: { dev: "advisory", staging: "mandatory", prod: "mandatory" },
  cost: { dev: "advisory", staging: "advisory", prod: "mandatory" },
  governance: { dev: "advisory", staging: "advisory", prod: "mandatory" },
};

/** Organisation-wide settings, the same on every stack. */
const SHARED_SETTINGS: Record<string, Record<string, unknown>> = {
  "iam-allowed-member-domains": {
    allowedDomains: ["example.com"],
    allowedServiceAccountProjectPrefixes: ["acme-"],
  },
  "allowed-locations": { allowedLocations: ["europe-west1", "europe-west4", "eu"] },
  "required-labels": { requiredLabels: ["team", "environment", "cost-center"] },
  "k8s-no-cluster-admin-bindings": { platformGroups: ["platform-admins@example.com"] },
  // The bundled stacks' ci.platformRepository.id: only its pinned deploy identity may escalate.
  "iam-no-escalation-grants": { platformRepositoryIds: ["612345678"] },
};

/** Settings that differ by stack. */
const STACK_SETTINGS: Record<StackName, Record<string, Record<string, unknown>>> = {
  dev: { "k8s-pinned-images": { requireDigests: false }, "log-retention-minimum": { minRetentionDays: 30 } },
  staging: {
    "k8s-pinned-images": { requireDigests: false },
    "log-retention-minimum": { minRetentionDays: 90 },
  },
  prod: { "k8s-pinned-images": { requireDigests: true }, "log-retention-minimum": { minRetentionDays: 400 } },
};

/** Only prod fails closed on unknown values: dev and staging previews keep the SDK's advisory notes. */
const FAIL_CLOSED: Record<StackName, boolean> = { dev: false, staging: false, prod: true };

export type PolicyPackConfigFile = Record<
  string,
  { enforcementLevel: EnforcementLevel } & Record<string, unknown>
>;

const CATALOG_STATE: PackState = {
  register: () => ({ register: { exemptions: [] } }),
  today: () => "1970-01-01",
};

/** Every rule of the pack (for docs and profiles; the register does not change the list). */
export function catalog(): PlatformRule[] {
  return platformRules(CATALOG_STATE);
}

export function levelFor(rule: PlatformRule, stack: StackName): EnforcementLevel {
  return LEVELS[rule.meta.category][stack];
}

/** The `--policy-pack-config` document for a stack: every policy listed, with the stack context. */
export function profileConfig(stack: StackName, rules: PlatformRule[] = catalog()): PolicyPackConfigFile {
  const config: PolicyPackConfigFile = {};
  for (const rule of [...rules].sort((a, b) => a.name.localeCompare(b.name))) {
    config[rule.name] = {
      enforcementLevel: levelFor(rule, stack),
      stack,
      failClosedOnUnknown: FAIL_CLOSED[stack],
      ...(SHARED_SETTINGS[rule.name] ?? {}),
      ...(STACK_SETTINGS[stack][rule.name] ?? {}),
    };
  }
  return config;
}
