/**
 * The platform's rule model: plain objects the pack, the tests and the docs generator share.
 *
 * A rule is a `@pulumi/policy` policy plus metadata (`meta`) that index.ts strips before handing it
 * to the SDK. `resourceRule` / `stackRule` add the pieces every rule needs once: matching on type
 * tokens (strings, so the pack never loads the provider SDKs), schema defaults and stack context,
 * and the deferral of values unknown at preview (see unknown.ts).
 */
import type {
  EnforcementLevel,
  PolicyConfigSchema,
  PolicyResource,
  PolicyResourceOptions,
  ReportViolation,
  ResourceValidation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  Severity,
  StackValidation,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import { type StackContext, type Tier, tierOf, withDefaults } from "./context";
import { failClosedMessage, recordDeferral, unknownPathOf } from "./unknown";

/**
 * security: invariants, mandatory on every stack. reliability / cost / governance: advisory in dev,
 * stricter towards prod (see profiles.ts).
 */
/** Resource properties: untyped JSON from the engine, narrowed by the rules with objectOf / listOf. */
// biome-ignore lint/suspicious/noExplicitAny: engine values have no static type; a typed view would need the provider SDKs.
export type Props = Record<string, any>;

export type Category = "security" | "reliability" | "cost" | "governance";

export interface RuleMeta {
  category: Category;
  /** Checkov check ids covering the same ground, when we are confident of them. */
  checkov: string[];
  /** Trivy (AVD) check ids covering the same ground, when we are confident of them. */
  trivy: string[];
  /** One-line summary of what is checked, for docs/policies.md. */
  checks: string;
}

interface RuleBase {
  name: string;
  description: string;
  severity: Severity;
  remediationSteps: string;
  enforcementLevel: EnforcementLevel;
  configSchema?: PolicyConfigSchema;
  meta: RuleMeta;
}

/** What a resource check sees: the resource, its settings and a way to report. */
export interface ResourceCheckInput<C> {
  type: string;
  name: string;
  urn: string;
  /** The SDK's proxy in a real run: reading an unknown value throws, which the rule wrapper handles. */
  props: Props;
  opts: PolicyResourceOptions;
  config: C & StackContext;
  tier: Tier;
  report: (message: string) => void;
}

export interface StackCheckInput<C> {
  resources: PolicyResource[];
  config: C & StackContext;
  tier: Tier;
  report: (message: string, urn?: string) => void;
}

export type PlatformResourceRule = ResourceValidationPolicy &
  RuleBase & {
    kind: "resource";
    validateResource: ResourceValidation;
    /** Types the rule applies to (for docs and rechecks). */
    appliesTo: (type: string) => boolean;
    /**
     * The one type a single-type rule applies to. `validateResource` carries it as the SDK's
     * `__pulumiType` tag, so the SDK skips the rule for other types before deserializing the
     * resource's properties (server.js makeAnalyzeRpcFun, policy.js getPulumiType).
     */
    pulumiType?: string;
    /**
     * The check itself on a resource the rule applies to: throws when it reads a value unknown at
     * preview (the recheck uses it to learn which value, and why).
     */
    evaluate: (
      args: ResourceValidationArgs,
      reportViolation: ReportViolation,
      rawConfig: Record<string, unknown>,
    ) => void;
    /**
     * `validateResource` for a resource of a type the rule applies to, given the policy's config
     * as `args.getConfig()` returns it: lets the pack read the config once per call.
     */
    validateApplicable: (
      args: ResourceValidationArgs,
      reportViolation: ReportViolation,
      rawConfig: Record<string, unknown>,
    ) => void;
  };

export type PlatformStackRule = StackValidationPolicy &
  RuleBase & {
    kind: "stack";
    validateStack: StackValidation;
  };

export type PlatformRule = PlatformResourceRule | PlatformStackRule;

interface RuleDefinition extends Omit<RuleBase, "meta" | "enforcementLevel"> {
  enforcementLevel?: EnforcementLevel;
  category: Category;
  checkov?: string[];
  trivy?: string[];
  checks: string;
}

export type TypeMatcher = readonly string[] | ((type: string) => boolean);

function matcherOf(types: TypeMatcher): (type: string) => boolean {
  if (typeof types === "function") {
    // Type predicates are pure; a stack has few distinct types, so each is judged once.
    const known = new Map<string, boolean>();
    return (type) => {
      let applies = known.get(type);
      if (applies === undefined) {
        applies = types(type);
        known.set(type, applies);
      }
      return applies;
    };
  }
  if (types.length === 1) {
    const only = types[0];
    return (type) => type === only;
  }
  const set = new Set(types);
  return (type) => set.has(type);
}

/** The SDK's tag for a validation function that applies to one type only (`__pulumiType`). */
export function tagWithPulumiType<F extends object>(fn: F, pulumiType: string | undefined): F {
  if (pulumiType) Object.defineProperty(fn, "__pulumiType", { value: pulumiType, enumerable: false });
  return fn;
}

/**
 * `withDefaults` for one rule, remembered for the last config seen: the SDK hands out a fresh
 * shallow copy of the same config on every call, so equal entries mean an equal result. The result
 * is shared between calls; checks only read their config.
 */
function memoizedDefaults<C extends object>(
  configSchema: PolicyConfigSchema | undefined,
): (given: Record<string, unknown>) => C & StackContext {
  let lastGiven: Record<string, unknown> | undefined;
  let lastKeys: string[] = [];
  let lastResult: (C & StackContext) | undefined;
  return (given) => {
    if (lastResult !== undefined && lastGiven !== undefined) {
      if (given === lastGiven) return lastResult;
      const keys = Object.keys(given);
      if (
        keys.length === lastKeys.length &&
        keys.every((key, index) => key === lastKeys[index] && given[key] === lastGiven![key])
      )
        return lastResult;
    }
    lastResult = withDefaults<C>(configSchema, given);
    lastGiven = { ...given };
    lastKeys = Object.keys(given);
    return lastResult;
  };
}

/** What every rule carries, resource or stack: the SDK's fields plus the docs' metadata. */
function ruleBase(def: RuleDefinition): RuleBase {
  return {
    name: def.name,
    description: def.description,
    severity: def.severity,
    remediationSteps: def.remediationSteps,
    enforcementLevel: def.enforcementLevel ?? "mandatory",
    configSchema: def.configSchema,
    meta: metaOf(def),
  };
}

function metaOf(def: RuleDefinition): RuleMeta {
  return { category: def.category, checkov: def.checkov ?? [], trivy: def.trivy ?? [], checks: def.checks };
}

/**
 * A stack rule met an unknown value it did not handle itself: security rules fail closed where the
 * stack says so, others go back to the SDK, which reports them as advisory.
 */
function handleStackCheckError(
  error: unknown,
  rule: { name: string; category: Category },
  context: StackContext,
  report: (message: string) => void,
): void {
  const path = unknownPathOf(error);
  if (path === undefined) throw error;
  if (rule.category === "security" && context.failClosedOnUnknown) {
    report(failClosedMessage(path));
    return;
  }
  throw error;
}

export function resourceRule<C extends object = object>(
  def: RuleDefinition & { types: TypeMatcher; check: (input: ResourceCheckInput<C>) => void },
): PlatformResourceRule {
  const appliesTo = matcherOf(def.types);
  const pulumiType = typeof def.types !== "function" && def.types.length === 1 ? def.types[0] : undefined;
  const configFor = memoizedDefaults<C>(def.configSchema);
  const evaluate = (
    args: ResourceValidationArgs,
    reportViolation: ReportViolation,
    rawConfig: Record<string, unknown>,
  ): void => {
    const config = configFor(rawConfig);
    def.check({
      type: args.type,
      name: args.name,
      urn: args.urn,
      props: args.props,
      opts: args.opts,
      config,
      tier: tierOf(config.stack),
      report: (message: string) => reportViolation(message),
    });
  };
  const validateApplicable = (
    args: ResourceValidationArgs,
    reportViolation: ReportViolation,
    rawConfig: Record<string, unknown>,
  ): void => {
    try {
      evaluate(args, reportViolation, rawConfig);
    } catch (error) {
      if (unknownPathOf(error) === undefined) throw error;
      // Deferred: the unknown-values-recheck stack policy judges it with the property dependencies.
      recordDeferral(def.name, args.urn);
    }
  };
  const validateResource: ResourceValidation = tagWithPulumiType(
    (args: ResourceValidationArgs, reportViolation: ReportViolation) => {
      if (!appliesTo(args.type)) return;
      validateApplicable(args, reportViolation, args.getConfig<Record<string, unknown>>());
    },
    pulumiType,
  );
  return {
    kind: "resource",
    ...ruleBase(def),
    appliesTo,
    ...(pulumiType ? { pulumiType } : {}),
    evaluate,
    validateApplicable,
    validateResource,
  };
}

export function stackRule<C extends object = object>(
  def: RuleDefinition & { check: (input: StackCheckInput<C>) => void },
): PlatformStackRule {
  const validateStack: StackValidation = (args: StackValidationArgs, reportViolation: ReportViolation) => {
    const config = withDefaults<C>(def.configSchema, args.getConfig<Record<string, unknown>>());
    const report = (message: string, urn?: string) => reportViolation(message, urn);
    try {
      def.check({ resources: args.resources, config, tier: tierOf(config.stack), report });
    } catch (error) {
      handleStackCheckError(error, def, config, report);
    }
  };
  return {
    kind: "stack",
    ...ruleBase(def),
    validateStack,
  };
}

/** Settings schema helpers: keep rule files short and the JSON Schema honest. */
export const schema = {
  strings(defaultValue: string[], description: string) {
    return { type: "array" as const, items: { type: "string" as const }, default: defaultValue, description };
  },
  integer(defaultValue: number, minimum: number, description: string) {
    return { type: "integer" as const, minimum, default: defaultValue, description };
  },
  boolean(defaultValue: boolean, description: string) {
    return { type: "boolean" as const, default: defaultValue, description };
  },
};

/** Iterates an array-ish input value; anything else (absent, null) is empty. */
export function listOf(value: unknown): Props[keyof Props][] {
  return Array.isArray(value) ? value : [];
}

/** The object at `value`, or undefined when absent or not an object. */
export function objectOf(value: unknown): Props | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Props) : undefined;
}

/** GCE metadata booleans are strings: "TRUE", "true", "1" all count. */
export function metadataFlag(value: unknown): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "boolean") return value;
  const text = String(value).trim().toLowerCase();
  if (["true", "1", "yes", "on"].includes(text)) return true;
  if (["false", "0", "no", "off"].includes(text)) return false;
  return undefined;
}
