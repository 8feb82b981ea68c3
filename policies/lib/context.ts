/**
 * The stack context every policy receives through its own config.
 *
 * The engine does not tell a pack which stack it runs for (the SDK only exposes stack tags, which
 * carry no stack name by default), and `--policy-pack-config` has no pack-wide settings: `all`
 * sets enforcement levels only. So index.ts adds these two properties to every policy's config
 * schema, and each per-stack config file sets them. Defaults are the strictest choice (prod), so a
 * run without a config file is never more lenient than prod. See docs/decisions/0002.
 */
import type { PolicyConfigSchema } from "@pulumi/policy";

export type Tier = "dev" | "staging" | "prod";

export interface StackContext {
  /** Stack name, as used by the exemption register. */
  stack: string;
  /** Report unknown values of security-critical fields as violations instead of advisory notes. */
  failClosedOnUnknown: boolean;
}

export const DEFAULT_CONTEXT: StackContext = { stack: "prod", failClosedOnUnknown: true };

export const CONTEXT_SCHEMA_PROPERTIES: PolicyConfigSchema["properties"] = {
  stack: {
    type: "string",
    pattern: "^[A-Za-z0-9_.-]+$",
    default: DEFAULT_CONTEXT.stack,
    description: "Stack this run is for (dev, staging, prod...). Drives prod-only checks and exemptions.",
  },
  failClosedOnUnknown: {
    type: "boolean",
    default: DEFAULT_CONTEXT.failClosedOnUnknown,
    description: "Report security-critical values that are unknown at preview as violations.",
  },
};

/** prod for `prod` and `prod-*`, staging likewise, dev for anything else. */
export function tierOf(stack: string): Tier {
  const name = stack.toLowerCase();
  if (name === "prod" || name.startsWith("prod-") || name === "production") return "prod";
  if (name === "staging" || name.startsWith("staging-") || name === "stage") return "staging";
  return "dev";
}

/** Applies schema defaults to a policy's config, as the engine does, for callers that skip the engine. */
export function withDefaults<T extends object>(
  schema: PolicyConfigSchema | undefined,
  given: Record<string, unknown>,
): T & StackContext {
  // No prototype: a property named `__proto__` in a policy config stays an ordinary (ignored) key.
  const result: Record<string, unknown> = Object.assign(Object.create(null), DEFAULT_CONTEXT);
  for (const [key, property] of Object.entries(schema?.properties ?? {})) {
    if (property.default !== undefined) result[key] = structuredClone(property.default);
  }
  for (const [key, value] of Object.entries(given)) {
    if (value !== undefined && key !== "enforcementLevel") result[key] = value;
  }
  return result as T & StackContext;
}
