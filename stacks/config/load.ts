import type { z } from "zod";
import { formatZodIssues, nearestName, type PathSegment, UserInputError } from "./errors";
import { type PlatformConfig, platformConfigSchema } from "./schema";
import {
  CONFIG_NAMESPACE,
  type DocumentProblem,
  FOREIGN_NAMESPACES,
  parseStackDocument,
  readStackDocument,
  type StackDocument,
} from "./stack-document";

export {
  CONFIG_NAMESPACE,
  FOREIGN_NAMESPACES,
  OFFLINE_SECRET_PLACEHOLDER,
  parseStackDocument,
  readStackDocument,
  type StackDocument,
  stackFilePath,
} from "./stack-document";

export interface LoadedStackConfig {
  config: PlatformConfig;
  /** Every config key as the engine passes it to the program: fully qualified, values as strings. */
  engineConfig: Record<string, string>;
  /** Fully qualified keys whose values are `secure:` secrets. */
  secretKeys: string[];
}

export function readStackFile(file: string): LoadedStackConfig {
  return validateStackDocument(readStackDocument(file));
}

/** Parses the text of a `Pulumi.<stack>.yaml`, validating the whole platform config. */
export function parseStackFile(file: string, text: string): LoadedStackConfig {
  return validateStackDocument(parseStackDocument(file, text));
}

/** A reading problem in words; an unknown namespace gets the nearest platform key as a suggestion. */
function problemText(file: string, problem: DocumentProblem): string {
  if (typeof problem === "string") return problem;
  const { fullKey, namespace, where } = problem.unknownNamespace;
  const platformKeys = Object.keys(platformConfigSchema.shape).map((key) => `${CONFIG_NAMESPACE}:${key}`);
  const near = nearestName(fullKey, platformKeys);
  return `${file}: config.${fullKey}: expected a \`${CONFIG_NAMESPACE}:\` key or one of the namespaces ${FOREIGN_NAMESPACES.join(", ")}, found namespace \`${namespace}\`${near ? `; did you mean \`${near}\`?` : ""}${where}`;
}

/** Validates the platform config of a stack file; every problem of the file in one UserInputError. */
export function validateStackDocument(document: StackDocument): LoadedStackConfig {
  const { file, platform, engineConfig, secretKeys } = document;
  const schema = platformConfigSchema;
  const problems = document.problems.map((problem) => problemText(file, problem));
  const parsed = schema.safeParse(platform, { reportInput: true });
  if (!parsed.success) {
    problems.push(
      ...formatZodIssues(parsed.error.issues, {
        file,
        input: platform,
        displayPath: toDisplayPath,
        locate: document.locateConfig,
        knownKeys: (path) => knownKeysAt(schema, path),
        defaultAt: (path) => defaultAt(schema, path),
      }),
    );
  }
  if (problems.length > 0 || !parsed.success) throw new UserInputError(problems);
  return { config: parsed.data, engineConfig, secretKeys };
}

/** `["environments", 0, "team"]` is shown as `platform:environments[0].team`. */
function toDisplayPath(path: readonly PathSegment[]): PathSegment[] {
  if (path.length === 0) return [`${CONFIG_NAMESPACE}:*`];
  return [`${CONFIG_NAMESPACE}:${String(path[0])}`, ...path.slice(1)];
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
  const schema = platformConfigSchema;
  const parsed = schema.safeParse(platform, { reportInput: true });
  if (parsed.success) return parsed.data;
  throw new UserInputError(
    formatZodIssues(parsed.error.issues, {
      file,
      input: platform,
      displayPath: toDisplayPath,
      knownKeys: (path) => knownKeysAt(schema, path),
      defaultAt: (path) => defaultAt(schema, path),
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
