/**
 * Resource properties in the form the engine sends them to an analyzer: MarshalProperties with
 * KeepUnknowns, KeepSecrets and SkipInternalKeys (pulumi/pulumi
 * sdk/go/common/resource/plugin/analyzer_plugin.go, Analyze/AnalyzeStack).
 */
import type { PlannedResource } from "../plan/model";

/** Pulumi's wire signatures (sdk/nodejs/runtime/rpc.ts; the Go engine uses the same constants). */
export const signatureKey = "4dabf18193072939515e22adb298388d";
export const secretSignature = "1b47061264138c4ac30d75fd1eb44270";
export const outputValueSignature = "d0e6a833031e9bbcd3f4e8bde6ca49a4";
/** The SDK's unknown sentinel; the engine reads it as an unknown string and writes it back unchanged. */
export const unknownStringValue = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Internal keys (`__defaults`, ...) never reach analyzers: IsInternalPropertyKey is a `__` prefix. */
function isInternalKey(key: string): boolean {
  return key.startsWith("__");
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function wrapSecret(value: unknown): Record<string, unknown> {
  return { [signatureKey]: secretSignature, value };
}

/**
 * Output values would reach the engine only if the monitor advertised `outputValues`; the mock
 * monitor does not, but handle them as the engine does without KeepOutputValues: a known output is
 * its value, an unknown one is an unknown, and a secret output stays secret.
 */
function marshalValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(marshalValue);
  if (!isRecord(value)) return value;
  if (value[signatureKey] === outputValueSignature) {
    const inner = "value" in value ? marshalValue(value.value) : unknownStringValue;
    return value.secret === true ? wrapSecret(inner) : inner;
  }
  const result: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (item === undefined || isInternalKey(key)) continue;
    result[key] = marshalValue(item);
  }
  return result;
}

/**
 * Splits a secret path such as `a.b[0].c` against the actual object, so keys that themselves
 * contain dots (label keys like `app.kubernetes.io/name`) still resolve: the longest key that
 * matches the path's start wins.
 */
function wrapSecretAt(container: unknown, path: string): unknown {
  if (path === "") return wrapSecret(container);
  if (Array.isArray(container)) {
    const match = /^\[(\d+)\](?:\.)?(.*)$/.exec(path);
    if (!match) return container;
    const index = Number(match[1]);
    if (index >= container.length) return container;
    const copy = [...container];
    copy[index] = wrapSecretAt(copy[index], match[2]!);
    return copy;
  }
  if (!isRecord(container)) return container;
  const candidates = Object.keys(container)
    .filter((key) => path === key || path.startsWith(`${key}.`) || path.startsWith(`${key}[`))
    .sort((a, b) => b.length - a.length);
  const key = candidates[0];
  if (key === undefined) return container;
  const rest = path.slice(key.length).replace(/^\./, "");
  return { ...container, [key]: wrapSecretAt(container[key], rest) };
}

/**
 * The resource's inputs as the engine would marshal them: secrets (redacted to "[secret]" by the
 * plan) are re-wrapped in the secret envelope, unknown sentinels stay, internal keys go.
 */
export function engineProperties(resource: PlannedResource): Record<string, unknown> {
  let properties: unknown = resource.inputs;
  for (const path of resource.secretPaths ?? []) {
    properties = wrapSecretAt(properties, path);
  }
  return marshalValue(properties) as Record<string, unknown>;
}
