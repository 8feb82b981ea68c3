/**
 * Turns the platform rules into the policies handed to `new PolicyPack` (index.ts): adds the stack
 * context to every config schema, honours exemptions once for all rules, and adds the stack policy
 * that rechecks rule evaluations deferred by unknown values.
 */
import type {
  Policies,
  PolicyConfigSchema,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationPolicy,
} from "@pulumi/policy";
import { type ExemptionRegister, exemptionsInForce, isExactUrn, isExempt, nameFromUrn } from "../exemptions";
import { exemptionRules, type RegisterState } from "../rules/exemptions";
import { platformResourceAndStackRules } from "../rules/index";
import { CONTEXT_SCHEMA_PROPERTIES, DEFAULT_CONTEXT, tierOf, withDefaults } from "./context";
import { type PlatformResourceRule, type PlatformRule, stackRule, tagWithPulumiType } from "./rule";
import { deferrableUnknown, deferredEvaluations, hiddenUnknownMessage, unknownPathOf } from "./unknown";

export interface PackState {
  register: () => RegisterState;
  /** Today's date (YYYY-MM-DD, UTC) for exemption expiry. */
  today: () => string;
}

/** Policy names that exemptions cannot switch off. */
const NOT_EXEMPTIBLE = new Set(["exemption-expired", "exemption-register-valid", "unknown-values-recheck"]);

/**
 * How each resource policy last read its config (the SDK's `args.getConfig`, which reads the
 * configuration in force), so the recheck can run it again the same way.
 */
const lastConfig = new Map<string, () => Record<string, unknown>>();

function recheckRule(rules: PlatformRule[]): PlatformRule {
  const byName = new Map(
    rules
      .filter((rule): rule is PlatformResourceRule => rule.kind === "resource")
      .map((rule) => [rule.name, rule]),
  );
  return stackRule({
    name: "unknown-values-recheck",
    description:
      "Rules that met unknown values during analysis are evaluated again on the stack's final values.",
    severity: "high",
    category: "security",
    checks:
      "Re-runs each resource rule that was deferred by an unknown value (in this run) on the resource's values at the end of the run; violations are reported as `[rule] message`. A value still unknown (a preview) waits for `up` when its property depends on a resource of the stack; a security rule's value that no resource computes fails closed where `failClosedOnUnknown` is set.",
    remediationSteps:
      "Fix the resource as the reported rule asks; values unknown at preview are judged once they are known.",
    check: ({ resources, report }) => {
      const byUrn = new Map(resources.map((r) => [r.urn, r]));
      for (const [policyName, urns] of deferredEvaluations()) {
        const rule = byName.get(policyName);
        if (!rule) continue;
        const rawConfig = lastConfig.get(policyName)?.() ?? {};
        const failClosed =
          rule.meta.category === "security" && withDefaults(undefined, rawConfig).failClosedOnUnknown;
        for (const urn of urns) {
          const resource = byUrn.get(urn);
          if (!resource) continue;
          const args: ResourceValidationArgs = {
            type: resource.type,
            props: resource.props,
            urn: resource.urn,
            name: resource.name,
            opts: resource.opts,
            stackTags: new Map(),
            isType: () => false,
            asType: () => undefined,
            getConfig: <T extends object>() => rawConfig as T,
            notApplicable: (reason?: string): never => {
              throw new Error(reason ?? "not applicable");
            },
          };
          const found: string[] = [];
          try {
            rule.evaluate(args, (message) => found.push(message), rawConfig);
          } catch (error) {
            const path = unknownPathOf(error);
            if (path === undefined) throw error;
            // Still unknown: the end of a preview. Computed by a resource of the stack: judged on `up`.
            if (failClosed && !deferrableUnknown(resource, path))
              report(`[${policyName}] ${hiddenUnknownMessage(path)}`, urn);
            continue;
          }
          for (const message of found) report(`[${policyName}] ${message}`, urn);
        }
      }
    },
  });
}

/** Every rule of the pack, in the order the SDK runs them. */
export function platformRules(state: PackState): PlatformRule[] {
  const rules = platformResourceAndStackRules();
  return [...rules, recheckRule(rules), ...exemptionRules(state.register, state.today)];
}

function schemaWithContext(schema: PolicyConfigSchema | undefined): PolicyConfigSchema {
  return {
    properties: { ...(schema?.properties ?? {}), ...CONTEXT_SCHEMA_PROPERTIES },
    ...(schema?.required ? { required: schema.required } : {}),
  };
}

function liveExemptions(state: PackState, rawConfig: Record<string, unknown>) {
  const { register } = state.register();
  if (!register) return [];
  return exemptionsInForce(register, withDefaults(undefined, rawConfig).stack, state.today());
}

/**
 * `isExempt(liveExemptions(...), policy, urn, name)` for one resource policy, answered without
 * reading the date or matching globs when the register has no entry for the policy on the stack
 * (the common case): the entries for (register, stack) are filtered once and kept.
 */
function exemptionMatcher(
  state: PackState,
  policy: string,
  security: boolean,
): (rawConfig: Record<string, unknown>, urn: string, name: string) => boolean {
  let forRegister: ExemptionRegister | undefined;
  const byStack = new Map<string, ExemptionRegister>();
  return (rawConfig, urn, name) => {
    const { register } = state.register();
    if (!register) return false;
    if (register !== forRegister) {
      forRegister = register;
      byStack.clear();
    }
    // withDefaults(undefined, rawConfig).stack, without copying the whole config.
    const stack = (rawConfig.stack !== undefined ? rawConfig.stack : DEFAULT_CONTEXT.stack) as string;
    let entries = byStack.get(stack);
    if (!entries) {
      entries = {
        exemptions: register.exemptions.filter(
          (entry) => entry.policy === policy && entry.stacks.includes(stack),
        ),
      };
      byStack.set(stack, entries);
    }
    if (entries.exemptions.length === 0) return false;
    const inForce = exemptionsInForce(entries, stack, state.today());
    // On prod, a security policy is exempted only for exact URNs, whatever the register says.
    if (security && tierOf(stack) === "prod")
      return inForce.some((entry) => isExactUrn(entry.resource) && entry.resource === urn);
    return isExempt(inForce, policy, urn, name) !== undefined;
  };
}

/** The SDK view of one rule: metadata stripped, context schema added, exemptions honoured. */
export function toPolicy(
  rule: PlatformRule,
  state: PackState,
): ResourceValidationPolicy | StackValidationPolicy {
  const base = {
    name: rule.name,
    description: rule.description,
    severity: rule.severity,
    remediationSteps: rule.remediationSteps,
    enforcementLevel: rule.enforcementLevel,
    configSchema: schemaWithContext(rule.configSchema),
    tags: [rule.meta.category],
  };
  const exemptible = !NOT_EXEMPTIBLE.has(rule.name);
  if (rule.kind === "resource") {
    const exempt = exemptible
      ? exemptionMatcher(state, rule.name, rule.meta.category === "security")
      : () => false;
    return {
      ...base,
      // Keeps the rule's type tag, so the SDK still skips it for other types without deserializing.
      validateResource: tagWithPulumiType(
        (args: ResourceValidationArgs, reportViolation: ReportViolation) => {
          lastConfig.set(rule.name, args.getConfig);
          if (!rule.appliesTo(args.type)) return;
          const config = args.getConfig<Record<string, unknown>>();
          if (exempt(config, args.urn, args.name)) return;
          rule.validateApplicable(args, reportViolation, config);
        },
        rule.pulumiType,
      ),
    };
  }
  return {
    ...base,
    validateStack: (args, reportViolation) => {
      const rawConfig = args.getConfig<Record<string, unknown>>();
      const prodSecurity =
        rule.meta.category === "security" && tierOf(withDefaults(undefined, rawConfig).stack) === "prod";
      const inForce = (exemptible ? liveExemptions(state, rawConfig) : []).filter(
        (entry) => !prodSecurity || isExactUrn(entry.resource),
      );
      const report: ReportViolation = (message, urn) => {
        if (urn && isExempt(inForce, rule.name, urn, nameFromUrn(urn))) return;
        reportViolation(message, urn);
      };
      return rule.validateStack(args, report);
    },
  };
}

export function buildPolicies(state: PackState): Policies {
  return platformRules(state).map((rule) => toPolicy(rule, state));
}
