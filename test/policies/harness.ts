/**
 * Calls policies the way the SDK does, without a server: props wrapped in the SDK's own
 * unknown-checking proxy, a getConfig returning the given settings, and a violation collector.
 */
import type {
  PolicyResource,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import type { PlatformRule } from "../../policies/lib/rule";
import { UNKNOWN_STRING } from "../../policies/lib/unknown";
import { topLevelUrn } from "../helpers/planned-resource";

// The proxy is internal to the SDK (its .d.ts exports nothing), so it is loaded untyped.
const { unknownCheckingProxy } = require("@pulumi/policy/proxy") as {
  unknownCheckingProxy: <T extends object>(value: T) => T;
};

/** Put this where the engine would send an unknown value. */
export const UNKNOWN = UNKNOWN_STRING;

export interface Violation {
  message: string;
  urn?: string;
}

export interface Outcome {
  violations: Violation[];
  messages: string[];
  /** The error the policy threw (the SDK turns unknown-value errors into advisory notes). */
  error?: unknown;
}

export interface FakeResource {
  type: string;
  name?: string;
  props?: Record<string, unknown>;
  protect?: boolean;
  parent?: string;
  urn?: string;
  dependencies?: string[];
  propertyDependencies?: Record<string, string[]>;
}

/** A top-level resource's URN; rule fixtures are judged on the dev stack unless they say otherwise. */
export function urnOf(type: string, name: string, stack = "dev"): string {
  return topLevelUrn(type, name, stack);
}

function collector(): { report: ReportViolation; outcome: Outcome } {
  const outcome: Outcome = { violations: [], messages: [] };
  const report: ReportViolation = (message, urn) => {
    outcome.violations.push({ message, urn });
    outcome.messages.push(message);
  };
  return { report, outcome };
}

function optsOf(resource: FakeResource) {
  return {
    protect: resource.protect ?? false,
    ignoreChanges: [],
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: [],
    ...(resource.parent ? { parent: resource.parent } : {}),
  };
}

export function resourceArgs(
  resource: FakeResource,
  config: Record<string, unknown> = {},
): ResourceValidationArgs {
  const name = resource.name ?? "example";
  return {
    type: resource.type,
    props: unknownCheckingProxy(structuredClone(resource.props ?? {})),
    urn: resource.urn ?? urnOf(resource.type, name),
    name,
    opts: optsOf(resource),
    stackTags: new Map(),
    isType: () => false,
    asType: () => undefined,
    getConfig: <T extends object>() => structuredClone(config) as T,
    notApplicable: (reason?: string): never => {
      throw new Error(`not applicable: ${reason}`);
    },
  };
}

/** Runs a resource policy (a platform rule or the SDK policy built from it) on one fake resource. */
export function runResource(
  rule: PlatformRule | ResourceValidationPolicy | StackValidationPolicy,
  resource: FakeResource,
  config: Record<string, unknown> = {},
): Outcome {
  if (!("validateResource" in rule) || !rule.validateResource)
    throw new Error(`${rule.name} is not a resource policy`);
  const { report, outcome } = collector();
  const validations = Array.isArray(rule.validateResource) ? rule.validateResource : [rule.validateResource];
  try {
    for (const validate of validations) validate(resourceArgs(resource, config), report);
  } catch (error) {
    outcome.error = error;
  }
  return outcome;
}

/** Builds the stack view the SDK gives validateStack: parents and dependencies resolved to objects. */
export function stackResources(resources: FakeResource[]): PolicyResource[] {
  const built = resources.map((resource, index) => {
    const name = resource.name ?? `r${index}`;
    const policyResource: PolicyResource = {
      type: resource.type,
      name,
      urn: resource.urn ?? urnOf(resource.type, name),
      props: unknownCheckingProxy(structuredClone(resource.props ?? {})),
      opts: optsOf(resource),
      dependencies: [],
      propertyDependencies: {},
      isType: () => false,
      asType: () => undefined,
    };
    return policyResource;
  });
  const byUrn = new Map(built.map((r) => [r.urn, r]));
  resources.forEach((resource, index) => {
    const target = built[index];
    if (resource.parent) target.parent = byUrn.get(resource.parent);
    target.dependencies = (resource.dependencies ?? []).flatMap((urn) => byUrn.get(urn) ?? []);
    for (const [key, urns] of Object.entries(resource.propertyDependencies ?? {})) {
      target.propertyDependencies[key] = urns.flatMap((urn) => byUrn.get(urn) ?? []);
    }
  });
  return built;
}

export function runStack(
  rule: PlatformRule | ResourceValidationPolicy | StackValidationPolicy,
  resources: FakeResource[] | PolicyResource[],
  config: Record<string, unknown> = {},
): Outcome {
  if (!("validateStack" in rule)) throw new Error(`${rule.name} is not a stack policy`);
  const { report, outcome } = collector();
  const built =
    resources.length > 0 &&
    "dependencies" in resources[0] &&
    Array.isArray(resources[0].dependencies) &&
    "opts" in resources[0]
      ? (resources as PolicyResource[])
      : stackResources(resources as FakeResource[]);
  const args: StackValidationArgs = {
    resources: built,
    stackTags: new Map(),
    getConfig: <T extends object>() => structuredClone(config) as T,
    notApplicable: (reason?: string): never => {
      throw new Error(`not applicable: ${reason}`);
    },
  };
  try {
    rule.validateStack(args, report);
  } catch (error) {
    outcome.error = error;
  }
  return outcome;
}

/** Finds a rule by name in a list, failing loudly on typos. */
export function ruleNamed<T extends { name: string }>(rules: readonly T[], name: string): T {
  const rule = rules.find((candidate) => candidate.name === name);
  if (!rule) throw new Error(`no rule named ${name}`);
  return rule;
}
