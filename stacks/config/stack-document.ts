import { isMap, isScalar, LineCounter, parseDocument } from "yaml";
import { describeValue, nearestName, type PathSegment, UserInputError, yamlErrorText } from "./errors";
import { INPUT_LIMITS, readInputFile } from "./input-file";
import { secretsProviderProblems } from "./secrets-provider";

/**
 * Reading a `Pulumi.<stack>.yaml` as the engine does before it runs anything: YAML, the config
 * split by namespace, values as the program receives them. Free of the zod schema (load.ts
 * validates): a plan starts the policy pack from this, before it pays for the schema and the SDKs.
 */

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
export const STACK_FILE_KEYS = ["config", "secretsprovider", "encryptedkey", "encryptionsalt", "environment"];

/** Offline stand-in for a `secure:` value, which only the stack's secrets provider can decrypt. */
export const OFFLINE_SECRET_PLACEHOLDER = "offline-plan-secret-placeholder";

/** A problem found while reading; one that suggests a platform key is worded by load.ts. */
export type DocumentProblem =
  | string
  | { unknownNamespace: { fullKey: string; namespace: string; where: string } };

/**
 * A stack file read as YAML, its config split the way the engine hands it to a program, before the
 * platform config is validated. Problems found so far are reported with the schema's, in one pass.
 */
export interface StackDocument {
  file: string;
  /** `platform:*` keys, unvalidated. */
  platform: Record<string, unknown>;
  engineConfig: Record<string, string>;
  secretKeys: string[];
  problems: DocumentProblem[];
  /** The line of a path inside `config`. */
  locateConfig: (path: readonly PathSegment[]) => number | undefined;
}

export function readStackDocument(file: string): StackDocument {
  const text = readInputFile(file, {
    what: "a readable stack config file",
    maxBytes: INPUT_LIMITS.stackFile,
  });
  return parseStackDocument(file, text);
}

/** Reads the YAML and splits the namespaces; throws a UserInputError only when there is no config to read. */
export function parseStackDocument(file: string, text: string): StackDocument {
  const { root, locate } = parseYamlInput(file, text);
  return stackDocumentOf(file, root, locate);
}

/**
 * A YAML file a user wrote, as a value: duplicate keys, alias bombs and nesting deeper than the
 * parser's stack are refused, one line per problem. `locate` finds the line of a path in it.
 */
export function parseYamlInput(
  file: string,
  text: string,
): { root: unknown; locate: (path: readonly PathSegment[]) => number | undefined } {
  const lineCounter = new LineCounter();
  let document: ReturnType<typeof parseDocument>;
  try {
    document = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  } catch (error) {
    throw new UserInputError([yamlProblem(file, (error as Error).message)]);
  }
  if (document.errors.length > 0) {
    // Too deep a nesting fails at every level of it, wherever the parser's stack ran out: once,
    // without a position that depends on the machine.
    if (document.errors.some((error) => isStackOverflow(error.message)))
      throw new UserInputError([yamlProblem(file, "Maximum call stack size exceeded")]);
    throw new UserInputError(
      document.errors.map((error) => {
        const position = error.linePos?.[0];
        const where = position ? ` (line ${position.line}, column ${position.col})` : "";
        return yamlProblem(file, error.message, where);
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
  try {
    // toJS resolves aliases and merge keys, and can still refuse (an alias to a missing anchor).
    return { root: document.toJS({ maxAliasCount: 100 }), locate };
  } catch (error) {
    throw new UserInputError([yamlProblem(file, (error as Error).message)]);
  }
}

function yamlProblem(file: string, message: string, where = ""): string {
  const found = isStackOverflow(message) ? "values nested too deeply to read" : yamlErrorText(message);
  return `${file}: (YAML): expected valid YAML, found ${found}${where}`;
}

function isStackOverflow(message: string): boolean {
  return message.startsWith("Maximum call stack size exceeded");
}

/**
 * The stack document of a file's top-level value, as YAML gave it; `locate` finds the line of a
 * path (undefined where unknown, shown as "?").
 */
export function stackDocumentOf(
  file: string,
  root: unknown,
  locate: (path: readonly PathSegment[]) => number | undefined,
): StackDocument {
  if (root === null || typeof root !== "object" || Array.isArray(root)) {
    throw new UserInputError([
      `${file}: (top level): expected a mapping with a \`config\` key, found ${describeValue(root)}`,
    ]);
  }
  const topLevelProblems: string[] = [];
  for (const key of Object.keys(root)) {
    if (!STACK_FILE_KEYS.includes(key)) {
      const near = nearestName(key, STACK_FILE_KEYS);
      topLevelProblems.push(
        `${file}: ${key}: expected one of ${STACK_FILE_KEYS.join(", ")}, found unknown key \`${key}\`${near ? `; did you mean \`${near}\`?` : ""} (line ${locate([key]) ?? "?"})`,
      );
    }
  }
  const rawConfig = (root as Record<string, unknown>).config;
  if (rawConfig === null || typeof rawConfig !== "object" || Array.isArray(rawConfig)) {
    throw new UserInputError([
      ...topLevelProblems,
      `${file}: config: expected a mapping of config keys, found ${describeValue(rawConfig)}`,
    ]);
  }
  const {
    platform,
    engineConfig,
    secretKeys,
    problems: keyProblems,
  } = splitNamespaces(file, rawConfig as Record<string, unknown>, (path) => locate(["config", ...path]));
  const problems: DocumentProblem[] = [...topLevelProblems, ...keyProblems];
  problems.push(
    ...secretsProviderProblems({
      file,
      root: root as Record<string, unknown>,
      secretKeys,
      stateSecretsKey: stateSecretsKeyOf(platform),
      locate: (key) => locate([key]),
    }),
  );
  return {
    file,
    platform,
    engineConfig,
    secretKeys,
    problems,
    locateConfig: (path) => locate(["config", ...path]),
  };
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
  problems: DocumentProblem[];
} {
  const platform: Record<string, unknown> = {};
  const engineConfig: Record<string, string> = {};
  const secretKeys: string[] = [];
  const problems: DocumentProblem[] = [];
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
      // Worded once the schema is loaded: its keys are the suggestions (load.ts).
      problems.push({ unknownNamespace: { fullKey, namespace, where } });
    }
  }
  return { platform, engineConfig, secretKeys, problems };
}

export function containsSecureValue(value: unknown): boolean {
  if (isSecureValue(value)) return true;
  if (value === null || typeof value !== "object") return false;
  return Object.values(value).some(containsSecureValue);
}

/** Replaces every `secure:` value, however deep, by the offline placeholder. */
export function withPlaceholders(value: unknown): unknown {
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

/** Where a stack's config file lives in this repository. */
export function stackFilePath(stack: string): string {
  return `stacks/Pulumi.${stack}.yaml`;
}
