import { isMap, isScalar, LineCounter, parseDocument } from "yaml";
import type { z } from "zod";
import {
  describeValue,
  formatZodIssues,
  nearestName,
  type PathSegment,
  UserInputError,
  yamlErrorText,
} from "./errors";
import { INPUT_LIMITS, readInputFile } from "./input-file";
import { type PlatformConfig, platformConfigSchema } from "./schema";
import { secretsProviderProblems } from "./secrets-provider";

/** `platform:ci.state.secretsKey` from the unvalidated config, when it is a string. */
function stateSecretsKeyOf(platform: Record<string, unknown>): string | undefined {
  const ci = platform.ci as { state?: { secretsKey?: unknown } } | undefined;
  const key = ci?.state?.secretsKey;
  return typeof key === "string" ? key : undefined;
}

/** The config namespace of this project (`name` in Pulumi.yaml). */
export const CONFIG_NAMESPACE = "platform";
/** Namespaces a stack file may also set: providers' and Pulumi's own settings. */
export const FOREIGN_NAMESPACES = ["gcp", "kubernetes", "pulumi"] as const;
/** Top-level keys of a `Pulumi.<stack>.yaml` besides `config`. */
const STACK_FILE_KEYS = ["config", "secretsprovider", "encryptedkey", "encryptionsalt", "environment"];

export interface LoadedStackConfig {
  config: PlatformConfig;
  /** Every config key as the engine passes it to the program: fully qualified, values as strings. */
  engineConfig: Record<string, string>;
  /** Fully qualified keys whose values are `secure:` secrets. */
  secretKeys: string[];
}

/** Offline stand-in for a `secure:` value, which only the stack's secrets provider can decrypt. */
export const OFFLINE_SECRET_PLACEHOLDER = "offline-plan-secret-placeholder";

export function readStackFile(file: string): LoadedStackConfig {
  const text = readInputFile(file, {
    what: "a readable stack config file",
    maxBytes: INPUT_LIMITS.stackFile,
  });
  return parseStackFile(file, text);
}

/** Parses the text of a `Pulumi.<stack>.yaml`, validating the whole platform config. */
export function parseStackFile(file: string, text: string): LoadedStackConfig {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  if (document.errors.length > 0) {
    throw new UserInputError(
      document.errors.map((error) => {
        const position = error.linePos?.[0];
        const where = position ? ` (line ${position.line}, column ${position.col})` : "";
        return `${file}: (YAML): expected valid YAML, found ${yamlErrorText(error.message)}${where}`;
      }),
    );
  }
  const locate = (path: readonly PathSegment[]): number | undefined => {
    const node = document.getIn(path, true) as { range?: [number, number, number] } | undefined;
    const parentNode = document.getIn(path.slice(0, -1), true) as
      | { range?: [number, number, number] }
      | undefined;
    const offset = keyOffset(document, path) ?? node?.range?.[0] ?? parentNode?.range?.[0];
    return offset === undefined ? undefined : lineCounter.linePos(offset).line;
  };
  let root: unknown;
  try {
    // toJS resolves aliases and merge keys, and can still refuse (an alias to a missing anchor).
    root = document.toJS({ maxAliasCount: 100 });
  } catch (error) {
    throw new UserInputError([
      `${file}: (YAML): expected valid YAML, found ${yamlErrorText((error as Error).message)}`,
    ]);
  }
  if (root === null || typeof root !== "object" || Array.isArray(root)) {
    throw new UserInputError([
      `${file}: (top level): expected a mapping with a \`config\` key, found ${describeValue(root)}`,
    ]);
  }
  const problems: string[] = [];
  for (const key of Object.keys(root)) {
    if (!STACK_FILE_KEYS.includes(key)) {
      const near = nearestName(key, STACK_FILE_KEYS);
      problems.push(
        `${file}: ${key}: expected one of ${STACK_FILE_KEYS.join(", ")}, found unknown key \`${key}\`${near ? `; did you mean \`${near}\`?` : ""} (line ${locate([key]) ?? "?"})`,
      );
    }
  }
  const rawConfig = (root as Record<string, unknown>).config;
  if (rawConfig === null || typeof rawConfig !== "object" || Array.isArray(rawConfig)) {
    throw new UserInputError([
      ...problems,
      `${file}: config: expected a mapping of config keys, found ${describeValue(rawConfig)}`,
    ]);
  }
  const {
    platform,
    engineConfig,
    secretKeys,
    problems: keyProblems,
  } = splitNamespaces(file, rawConfig as Record<string, unknown>, (path) => locate(["config", ...path]));
  problems.push(...keyProblems);
  problems.push(
    ...secretsProviderProblems({
      file,
      root: root as Record<string, unknown>,
      secretKeys,
      stateSecretsKey: stateSecretsKeyOf(platform),
      locate: (key) => locate([key]),
    }),
  );
  const parsed = platformConfigSchema.safeParse(platform, { reportInput: true });
  if (!parsed.success) {
    problems.push(
      ...formatZodIssues(parsed.error.issues, {
        file,
        input: platform,
        displayPath: toDisplayPath,
        locate: (path) => locate(["config", ...path]),
        knownKeys: (path) => knownKeysAt(platformConfigSchema, path),
        defaultAt: (path) => defaultAt(platformConfigSchema, path),
      }),
    );
  }
  if (problems.length > 0 || !parsed.success) throw new UserInputError(problems);
  return { config: parsed.data, engineConfig, secretKeys };
}

function keyOffset(
  document: ReturnType<typeof parseDocument>,
  path: readonly PathSegment[],
): number | undefined {
  const parent = document.getIn(path.slice(0, -1), true);
  if (!isMap(parent)) return undefined;
  const key = path[path.length - 1];
  const pair = parent.items.find((item) => isScalar(item.key) && item.key.value === key);
  return (pair?.key as { range?: [number, number, number] } | undefined)?.range?.[0];
}

/** `["environments", 0, "team"]` is shown as `platform:environments[0].team`. */
function toDisplayPath(path: readonly PathSegment[]): PathSegment[] {
  if (path.length === 0) return [`${CONFIG_NAMESPACE}:*`];
  return [`${CONFIG_NAMESPACE}:${String(path[0])}`, ...path.slice(1)];
}

/**
 * Separates `platform:*` keys (validated by the schema) from provider keys, and records each key
 * the way the engine hands config to a program (`PULUMI_CONFIG`): JSON text for structured values.
 */
function splitNamespaces(
  file: string,
  rawConfig: Record<string, unknown>,
  locate: (path: readonly PathSegment[]) => number | undefined,
): {
  platform: Record<string, unknown>;
  engineConfig: Record<string, string>;
  secretKeys: string[];
  problems: string[];
} {
  const platform: Record<string, unknown> = {};
  const engineConfig: Record<string, string> = {};
  const secretKeys: string[] = [];
  const problems: string[] = [];
  const knownPlatformKeys = Object.keys(platformConfigSchema.shape).map(
    (key) => `${CONFIG_NAMESPACE}:${key}`,
  );
  for (const [fullKey, rawValue] of Object.entries(rawConfig)) {
    const separator = fullKey.indexOf(":");
    const namespace = separator > 0 ? fullKey.slice(0, separator) : "";
    const key = fullKey.slice(separator + 1);
    const where = ` (line ${locate([fullKey]) ?? "?"})`;
    if (namespace === "" || key === "") {
      problems.push(
        `${file}: config.${fullKey}: expected a key of the form \`namespace:key\`, like \`${CONFIG_NAMESPACE}:tier\`, found \`${fullKey}\`${where}`,
      );
      continue;
    }
    // `pulumi config set --secret --path` nests `secure:` values inside an object: the whole key
    // is then secret, as the engine treats it.
    const isSecret = containsSecureValue(rawValue);
    const value = isSecret ? withPlaceholders(rawValue) : rawValue;
    if (isSecret) secretKeys.push(fullKey);
    engineConfig[fullKey] = typeof value === "string" ? value : JSON.stringify(value);
    if (namespace === CONFIG_NAMESPACE) {
      platform[key] = value;
    } else if (!(FOREIGN_NAMESPACES as readonly string[]).includes(namespace)) {
      const near = nearestName(fullKey, knownPlatformKeys);
      problems.push(
        `${file}: config.${fullKey}: expected a \`${CONFIG_NAMESPACE}:\` key or one of the namespaces ${FOREIGN_NAMESPACES.join(", ")}, found namespace \`${namespace}\`${near ? `; did you mean \`${near}\`?` : ""}${where}`,
      );
    }
  }
  return { platform, engineConfig, secretKeys, problems };
}

function containsSecureValue(value: unknown): boolean {
  if (isSecureValue(value)) return true;
  if (value === null || typeof value !== "object") return false;
  return Object.values(value).some(containsSecureValue);
}

/** Replaces every `secure:` value, however deep, by the offline placeholder. */
function withPlaceholders(value: unknown): unknown {
  if (isSecureValue(value)) return OFFLINE_SECRET_PLACEHOLDER;
  if (Array.isArray(value)) return value.map(withPlaceholders);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, withPlaceholders(item)]));
}

function isSecureValue(value: unknown): boolean {
  return (
    value !== null &&
    typeof value === "object" &&
    !Array.isArray(value) &&
    Object.keys(value).length === 1 &&
    typeof (value as { secure?: unknown }).secure === "string"
  );
}

/**
 * Parses config the way the engine hands it to a running program (`pulumi.runtime.allConfig()`):
 * used by `stacks/index.ts` under a real `pulumi preview` / `up`, where the file was already read.
 */
export function parseEngineConfig(file: string, engineConfig: Record<string, string>): PlatformConfig {
  const platform: Record<string, unknown> = {};
  for (const [fullKey, text] of Object.entries(engineConfig)) {
    if (!fullKey.startsWith(`${CONFIG_NAMESPACE}:`)) continue;
    platform[fullKey.slice(CONFIG_NAMESPACE.length + 1)] = parseConfigValue(text);
  }
  const parsed = platformConfigSchema.safeParse(platform, { reportInput: true });
  if (parsed.success) return parsed.data;
  throw new UserInputError(
    formatZodIssues(parsed.error.issues, {
      file,
      input: platform,
      displayPath: toDisplayPath,
      knownKeys: (path) => knownKeysAt(platformConfigSchema, path),
      defaultAt: (path) => defaultAt(platformConfigSchema, path),
    }),
  );
}

/** Structured values arrive as JSON text; plain strings arrive as they are. */
function parseConfigValue(text: string): unknown {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null ? value : text;
  } catch {
    return text;
  }
}

/** The schema node at a path, through objects, arrays, optionals and defaults. */
function schemaAt(schema: z.ZodType, path: readonly PathSegment[]): unknown {
  let current: unknown = schema;
  for (const segment of path) {
    current = unwrap(current);
    const def = (current as { _zod?: { def?: Record<string, unknown> } })._zod?.def;
    if (!def) return [];
    if (def.type === "object" && typeof segment === "string") {
      current = (def.shape as Record<string, unknown>)[segment];
    } else if (def.type === "array" && typeof segment === "number") {
      current = def.element;
    } else {
      return undefined;
    }
  }
  return current;
}

/** The keys an object schema accepts at a path, for "did you mean" hints. */
export function knownKeysAt(schema: z.ZodType, path: readonly PathSegment[]): string[] {
  const def = (unwrap(schemaAt(schema, path)) as { _zod?: { def?: Record<string, unknown> } })?._zod?.def;
  return def?.type === "object" ? Object.keys(def.shape as Record<string, unknown>) : [];
}

/** The default a schema applies at a path when the key is missing, if it has one. */
export function defaultAt(schema: z.ZodType, path: readonly PathSegment[]): unknown {
  let current = schemaAt(schema, path);
  for (;;) {
    const def = (current as { _zod?: { def?: Record<string, unknown> } })?._zod?.def;
    if (!def) return undefined;
    if (def.type === "default") {
      const value = def.defaultValue;
      return typeof value === "function" ? (value as () => unknown)() : value;
    }
    if (def.type === "optional" || def.type === "nullable") current = def.innerType;
    else return undefined;
  }
}

function unwrap(schema: unknown): unknown {
  let current = schema;
  for (;;) {
    const def = (current as { _zod?: { def?: Record<string, unknown> } })?._zod?.def;
    if (def && (def.type === "optional" || def.type === "default" || def.type === "nullable"))
      current = def.innerType;
    else if (def && def.type === "pipe") current = def.in;
    else return current;
  }
}

/** Where a stack's config file lives in this repository. */
export function stackFilePath(stack: string): string {
  return `stacks/Pulumi.${stack}.yaml`;
}
