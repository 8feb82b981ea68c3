import * as pulumi from "@pulumi/pulumi";
import { mockInvokeResult, mockResourceState, type OutputMode, previewResourceState } from "./mock-outputs";
import type { PlannedResource, StackOutputs } from "./model";

/** Pulumi's wire marker for a secret value inside a serialized property map. */
const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG_VALUE = "1b47061264138c4ac30d75fd1eb44270";
const RESOURCE_REF_SIG_VALUE = "5cf8f73096256a8f31e491e813e4eb8e";
const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";
const STACK_REFERENCE_TYPE = "pulumi:pulumi:StackReference";
/** Pulumi's wire marker for a value unknown at preview (`rpc.unknownValue`). */
export const UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
/** How an unknown output is written in plan JSON and outputs files; its path is listed too. */
export const UNKNOWN_MARKER = "[unknown]";

export interface MockRunOptions<T> {
  project: string;
  stack: string;
  organization?: string;
  /** Stack config as the engine passes it: fully qualified keys, string values (objects as JSON). */
  config?: Record<string, string>;
  /** Fully qualified config keys whose values are secrets. */
  secretKeys?: string[];
  /**
   * "preview" (a first `pulumi preview`: computed outputs are unknown unless the inputs fix them)
   * or "known" (realistic values, as after a first `up`; the default for component tests).
   */
  outputs?: OutputMode;
  /** Declares the resources; its return value becomes the stack outputs. */
  program: () => T | Promise<T>;
  /**
   * Outputs of the stacks the program reads through `pulumi.StackReference`, by stack name
   * (`org/project/stack`), in wire form (unknown values as UNKNOWN_VALUE). A reference to any
   * other stack fails the plan, as a real preview fails on a stack it cannot read.
   */
  stackReferences?: (name: string) => Record<string, unknown> | undefined;
}

export interface MockRunResult<T> {
  resources: PlannedResource[];
  outputs: T;
  /** What the root stack registered as its outputs (what `pulumi stack output` shows). */
  stackOutputs: StackOutputs;
}

/** A StackReference the plan has no outputs for. */
export class MissingStackReferenceError extends Error {
  constructor(readonly stackName: string) {
    super(`stack reference ${stackName}: no planned outputs for it`);
    this.name = "MissingStackReferenceError";
  }
}

/**
 * Runs a Pulumi program under Pulumi's own mock runtime and records every registration the way the
 * engine would see it: type, name, engine-style URN, parent, custom, protect, inputs.
 *
 * Pulumi's mock monitor builds URNs from the immediate parent's type only and would prefix
 * top-level resources with the stack type; the engine qualifies a child's type with the parent's
 * whole type chain and omits the root stack. The URNs here follow the engine, because they are the
 * ones a real `pulumi up` writes into state and the URN snapshot protects.
 */
export async function runUnderMocks<T>(options: MockRunOptions<T>): Promise<MockRunResult<T>> {
  const recorded: PlannedResource[] = [];
  const preview = options.outputs === "preview";
  const missingReferences: string[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        if (args.type === STACK_REFERENCE_TYPE) {
          const name = args.id ?? args.name;
          const outputs = options.stackReferences?.(name);
          if (!outputs) {
            missingReferences.push(name);
            throw new MissingStackReferenceError(name);
          }
          return { id: name, state: { name, outputs, secretOutputNames: [] } };
        }
        if (!args.custom) return { id: "", state: args.inputs };
        // Pulumi's own preview mechanism: in a dry run the SDK resolves an output whose value is the
        // unknown sentinel, or an empty id, as unknown, and serializes inputs built from it as unknown.
        if (preview) return previewResourceState(args.type, args.name, args.inputs);
        return mockResourceState(args.type, args.name, args.inputs);
      },
      call: (args) => mockInvokeResult(args.token, args.inputs),
    },
    options.project,
    options.stack,
    true,
    options.organization ?? "organization",
  );
  pulumi.runtime.setAllConfig(options.config ?? {}, options.secretKeys ?? []);

  // setMocks installs a MockMonitor; wrap its registration so every request is recorded.
  const monitor = (pulumi.runtime as unknown as { getMonitor(): MonitorLike }).getMonitor();
  monitor.newUrn = engineUrn;
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, callback) => {
    recorded.push(toPlannedResource(req, options.stack, options.project));
    return register(req, callback);
  };
  let stackOutputs: StackOutputs = { values: {}, unknownPaths: [], secretPaths: [] };
  const registerOutputs = monitor.registerResourceOutputs.bind(monitor);
  monitor.registerResourceOutputs = (req, callback) => {
    if (req.getUrn().split("::")[2] === ROOT_STACK_TYPE) {
      stackOutputs = markedOutputs(req.getOutputs()?.toJavaScript() ?? {});
    }
    return registerOutputs(req, callback);
  };

  let outputs: T | undefined;
  const restoreStacks = cheapStackTraces();
  // A failed registration whose promise nobody awaits (an input that could not be resolved) is an
  // unhandled rejection; the language host turns it into a failed preview, and so does the plan.
  // Outputs waiting on it never resolve, so the run stops at the first one.
  const unhandled: unknown[] = [];
  let rejectRun: (reason: unknown) => void = () => {};
  const failed = new Promise<never>((_, reject) => {
    rejectRun = reject;
  });
  const onUnhandled = (reason: unknown) => {
    unhandled.push(reason);
    rejectRun(reason);
  };
  process.on("unhandledRejection", onUnhandled);
  try {
    const completed = (async () => {
      await pulumi.runtime.runInPulumiStack(async () => {
        outputs = await options.program();
        return outputs as Record<string, unknown> | undefined;
      });
      await (pulumi.runtime as unknown as { waitForRPCs?: () => Promise<void> }).waitForRPCs?.();
    })();
    await Promise.race([completed, failed]);
    // A registration that failed at the end of the run is reported a few turns later.
    for (let turn = 0; turn < 3 && unhandled.length === 0; turn++) await new Promise(setImmediate);
    if (unhandled.length > 0) throw unhandled[0];
  } catch (error) {
    // Whatever the program made of the failed read, the cause is the missing reference.
    if (missingReferences.length > 0) throw new MissingStackReferenceError(missingReferences[0]);
    throw error;
  } finally {
    process.removeListener("unhandledRejection", onUnhandled);
    restoreStacks();
  }
  return { resources: recorded, outputs: outputs as T, stackOutputs };
}

/** The root stack's serialized outputs as plain JSON, with unknown and secret values marked. */
export function markedOutputs(serialized: Record<string, unknown>): StackOutputs {
  const unknownPaths: string[] = [];
  const secretPaths: string[] = [];
  const unknownsMarked = markUnknowns(serialized, "", unknownPaths) as Record<string, unknown>;
  const values = redactSecrets(unknownsMarked, "", secretPaths) as Record<string, unknown>;
  return { values, unknownPaths, secretPaths };
}

function markUnknowns(value: unknown, path: string, unknownPaths: string[]): unknown {
  if (value === UNKNOWN_VALUE) {
    unknownPaths.push(path);
    return UNKNOWN_MARKER;
  }
  if (Array.isArray(value))
    return value.map((item, index) => markUnknowns(item, `${path}[${index}]`, unknownPaths));
  if (value === null || typeof value !== "object") return value;
  const result: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    result[key] = markUnknowns(item, path ? `${path}.${key}` : key, unknownPaths);
  }
  return result;
}

/**
 * Turns outputs read from a planned-outputs file back into wire form: each path listed as unknown
 * becomes Pulumi's unknown value, so the program reading it sees what a preview would.
 */
export function wireOutputs(
  values: Record<string, unknown>,
  unknownPaths: readonly string[],
): Record<string, unknown> {
  const unknown = new Set(unknownPaths);
  const visit = (value: unknown, path: string): unknown => {
    if (unknown.has(path)) return UNKNOWN_VALUE;
    if (Array.isArray(value)) return value.map((item, index) => visit(item, `${path}[${index}]`));
    if (value === null || typeof value !== "object") return value;
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, visit(item, path ? `${path}.${key}` : key)]),
    );
  };
  return visit(values, "") as Record<string, unknown>;
}

/** Set to keep full, source-mapped stack traces while a program runs (for debugging a crash). */
export const FULL_STACK_TRACES_ENV = "PLATFORM_PLAN_STACK_TRACES";

/**
 * Pulumi's SDK records `new Error().stack` for every promise it tracks (leak diagnostics) and every
 * resource; with tsx's source maps on, formatting those traces is most of a large plan's time
 * (measured: 100 environments, 9.8 s → 2.6 s). The traces are never shown by a successful plan,
 * so they are switched off while the program runs and restored afterwards.
 */
function cheapStackTraces(): () => void {
  if (process.env[FULL_STACK_TRACES_ENV] === "1") return () => {};
  const limit = Error.stackTraceLimit;
  const sourceMaps = (process as { sourceMapsEnabled?: boolean }).sourceMapsEnabled === true;
  Error.stackTraceLimit = 0;
  process.setSourceMapsEnabled(false);
  return () => {
    Error.stackTraceLimit = limit;
    process.setSourceMapsEnabled(sourceMaps);
  };
}

interface RegisterRequestLike {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getProtect(): boolean;
  getProvider(): string;
  getDependenciesList(): string[];
  getPropertydependenciesMap(): {
    forEach(callback: (value: { getUrnsList(): string[] }, key: string) => void): void;
  };
  getAliasesList?(): AliasLike[];
  getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
}

interface AliasLike {
  getUrn(): string;
  getSpec():
    | {
        getName(): string;
        getType(): string;
        getStack(): string;
        getProject(): string;
        getParenturn(): string;
        getNoparent(): boolean;
      }
    | undefined;
}

interface MonitorLike {
  newUrn: (parent: string, type: string, name: string) => string;
  registerResource: (req: RegisterRequestLike, callback: unknown) => unknown;
  registerResourceOutputs: (req: RegisterOutputsRequestLike, callback: unknown) => unknown;
}

interface RegisterOutputsRequestLike {
  getUrn(): string;
  getOutputs(): { toJavaScript(): Record<string, unknown> } | undefined;
}

function engineUrn(this: unknown, parent: string, type: string, name: string): string {
  const stack = pulumi.getStack();
  const project = pulumi.getProject();
  return urnFor(stack, project, parent, type, name);
}

/** The engine's URN rule: the parent's qualified type chain, `$`-joined, without the root stack. */
export function urnFor(
  stack: string,
  project: string,
  parentUrn: string,
  type: string,
  name: string,
): string {
  let qualifiedType = type;
  if (parentUrn) {
    const parentQualifiedType = parentUrn.split("::")[2];
    if (parentQualifiedType !== ROOT_STACK_TYPE) qualifiedType = `${parentQualifiedType}$${type}`;
  }
  return `urn:pulumi:${stack}::${project}::${qualifiedType}::${name}`;
}

function toPlannedResource(req: RegisterRequestLike, stack: string, project: string): PlannedResource {
  const type = req.getType();
  const name = req.getName();
  const parent = req.getParent() || null;
  const secretPaths: string[] = [];
  const raw = req.getObject()?.toJavaScript() ?? {};
  const inputs = redactSecrets(raw, "", secretPaths) as Record<string, unknown>;
  const resource: PlannedResource = {
    urn: urnFor(stack, project, parent ?? "", type, name),
    type,
    name,
    parent,
    custom: req.getCustom(),
    protect: req.getProtect(),
    inputs,
  };
  if (secretPaths.length > 0) resource.secretPaths = secretPaths;
  const dependencies = req.getDependenciesList();
  if (dependencies.length > 0) resource.dependencies = [...new Set(dependencies)];
  const propertyDependencies: Record<string, string[]> = {};
  req.getPropertydependenciesMap().forEach((value, key) => {
    const urns = value.getUrnsList();
    if (urns.length > 0) propertyDependencies[key] = [...new Set(urns)];
  });
  if (Object.keys(propertyDependencies).length > 0)
    resource.propertyDependencies = Object.fromEntries(Object.entries(propertyDependencies).sort());
  if (req.getProvider()) resource.provider = req.getProvider();
  const aliases = (req.getAliasesList?.() ?? []).map((alias) => aliasUrn(alias, resource, stack, project));
  if (aliases.length > 0) resource.aliases = aliases;
  return resource;
}

/** The old URN an alias points at: explicit, or the resource's own URN with the spec's changes. */
function aliasUrn(alias: AliasLike, resource: PlannedResource, stack: string, project: string): string {
  if (alias.getUrn()) return alias.getUrn();
  const spec = alias.getSpec();
  if (!spec) return resource.urn;
  const parent = spec.getNoparent() ? "" : spec.getParenturn() || (resource.parent ?? "");
  return urnFor(
    spec.getStack() || stack,
    spec.getProject() || project,
    parent,
    spec.getType() || resource.type,
    spec.getName() || resource.name,
  );
}

/** Replaces Pulumi secret envelopes with "[secret]" and resource references with their URN. */
function redactSecrets(value: unknown, path: string, secretPaths: string[]): unknown {
  if (Array.isArray(value))
    return value.map((item, index) => redactSecrets(item, `${path}[${index}]`, secretPaths));
  if (value === null || typeof value !== "object") return value;
  const record = value as Record<string, unknown>;
  if (record[SECRET_SIG_KEY] === SECRET_SIG_VALUE) {
    secretPaths.push(path);
    return "[secret]";
  }
  if (record[SECRET_SIG_KEY] === RESOURCE_REF_SIG_VALUE) return record.urn;
  const result: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(record)) {
    result[key] = redactSecrets(item, path ? `${path}.${key}` : key, secretPaths);
  }
  return result;
}
