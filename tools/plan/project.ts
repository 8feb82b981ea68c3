import { existsSync, readdirSync, realpathSync, statSync } from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import { TIERS, type Tier } from "../../components/environment/tiers";
import {
  describeValue,
  formatPath,
  nearestName,
  type PathSegment,
  UserInputError,
} from "../../stacks/config/errors";
import { INPUT_LIMITS, InputFileError, readInputFile } from "../../stacks/config/input-file";
import {
  containsSecureValue,
  parseYamlInput,
  STACK_FILE_KEYS,
  withPlaceholders,
} from "../../stacks/config/stack-document";
import { quoteText, terminalText } from "../../stacks/config/terminal-text";
import type { StackOutputs } from "./model";

/**
 * Planning a product team's Pulumi project (`npx platform-plan --stack dev` in the team's folder):
 * its `Pulumi.yaml`, its stack file and its program, read as the Pulumi CLI reads them. Kept free
 * of Pulumi imports, like input.ts: the policy pack starts before the SDKs load.
 */

import { PROJECT_FILES } from "./package-root";

export { isPlatformRepository, PACKAGE_ROOT } from "./package-root";

export interface ProjectInput {
  stack: string;
  /** `name` of Pulumi.yaml: part of every URN. */
  project: string;
  /** The program file Pulumi runs (`main`, resolved as Node resolves it). */
  program: string;
  stackFile: string;
  /** Config as the engine passes it: fully qualified keys, string values (objects as JSON). */
  engineConfig: Record<string, string>;
  secretKeys: string[];
  /**
   * Whether the language host compiles TypeScript (`runtime.options.typescript` in Pulumi.yaml,
   * true unless set to false): with false, Node loads `main` as it is, as `pulumi preview` does.
   */
  typescript?: boolean;
}

const projectFileSchema = z.object({
  name: z.string().regex(/^[A-Za-z0-9_.-]{1,100}$/),
  runtime: z.union([
    z.literal("nodejs"),
    z
      .object({ name: z.literal("nodejs"), options: z.record(z.string(), z.unknown()).optional() })
      .passthrough(),
  ]),
  main: z.string().optional(),
  stackConfigDir: z.string().optional(),
});

/** Reads `Pulumi.yaml` and the stack's `Pulumi.<stack>.yaml` in `cwd`; every mistake is a UserInputError. */
export function loadProjectInput(options: { stack: string; stackFile?: string; cwd?: string }): ProjectInput {
  const cwd = options.cwd ?? process.cwd();
  const projectFile = PROJECT_FILES.find((name) => existsSync(path.join(cwd, name))) ?? "Pulumi.yaml";
  const project = readYamlFile(cwd, projectFile, "a Pulumi project file", INPUT_LIMITS.projectFile);
  if (project === null || typeof project !== "object" || Array.isArray(project))
    throw new UserInputError([
      `${projectFile}: (top level): expected a mapping with the project's name and runtime, found ${describeValue(project)}`,
    ]);
  const parsed = projectFileSchema.safeParse(project);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue.path.join(".") || "(top level)";
    const found = describeValue(
      issue.path.reduce<unknown>((value, key) => (value as Record<PropertyKey, unknown>)?.[key], project),
    );
    const expected =
      issue.path[0] === "runtime"
        ? issue.path[1] === "options"
          ? "a mapping of runtime options"
          : "nodejs (platform-plan runs Node.js programs)"
        : issue.path[0] === "name"
          ? "a project name"
          : "a string";
    throw new UserInputError([`${projectFile}: ${where}: expected ${expected}, found ${found}`]);
  }
  const { name, main, stackConfigDir, runtime } = parsed.data;
  const typescript = typeof runtime === "object" ? (runtime.options?.typescript ?? true) : true;
  if (typeof typescript !== "boolean")
    throw new UserInputError([
      `${projectFile}: runtime.options.typescript: expected true or false, found ${describeValue(typescript)}`,
    ]);
  const stackFileName = `Pulumi.${options.stack}${path.extname(projectFile)}`;
  const stackFile =
    options.stackFile ??
    (stackConfigDir === undefined
      ? stackFileName
      : path.join(
          insideProject(cwd, projectFile, "stackConfigDir", stackConfigDir, "a folder"),
          stackFileName,
        ));
  const { engineConfig, secretKeys } = engineConfigOf(name, readStackConfig(cwd, stackFile), stackFile);
  // Project-level config (Pulumi.yaml `config`) applies where the stack file sets nothing.
  for (const [key, value] of Object.entries(projectConfigValues(name, project, projectFile)))
    if (!Object.hasOwn(engineConfig, key)) engineConfig[key] = value;
  return {
    stack: options.stack,
    project: name,
    program: resolveProgram(cwd, projectFile, main),
    stackFile,
    engineConfig,
    secretKeys,
    typescript,
  };
}

/** Keys of a project-level config declaration; anything else is a value written in short. */
const CONFIG_DECLARATION_KEYS = ["type", "description", "items", "default", "value", "secret"];

/**
 * The values Pulumi.yaml's `config` gives each key, as the engine hands them to the program: a
 * declaration's `default` (the project's own keys) or `value` (another namespace's, like
 * `gcp:region`), or the value itself written in short.
 */
function projectConfigValues(project: string, document: object, projectFile: string): Record<string, string> {
  const config = (document as { config?: unknown }).config;
  if (config === undefined || config === null) return {};
  if (typeof config !== "object" || Array.isArray(config))
    throw new UserInputError([
      `${projectFile}: config: expected a mapping of config keys, found ${describeValue(config)}`,
    ]);
  const values: Record<string, string> = {};
  for (const [key, declared] of Object.entries(config)) {
    const qualified = qualifiedKey(project, key, projectFile);
    const isDeclaration =
      declared !== null &&
      typeof declared === "object" &&
      !Array.isArray(declared) &&
      Object.keys(declared).some((name) => CONFIG_DECLARATION_KEYS.includes(name));
    let value: unknown = declared;
    if (isDeclaration) {
      const { default: fallback, value: fixed } = declared as { default?: unknown; value?: unknown };
      const own = qualified.startsWith(`${project}:`);
      if (!own && fallback !== undefined)
        throw new UserInputError([
          `${projectFile}: config.${terminalText(key)}.default: expected \`value\` (a key of another namespace than ${project} takes a value, not a default), found ${describeValue(fallback)}`,
        ]);
      value = fixed ?? fallback;
    }
    if (value === undefined || value === null) continue;
    values[qualified] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return values;
}

/**
 * A path of the project file, relative to the project's folder and inside it, as the Pulumi CLI
 * requires of `main` ("must be a relative path", "must be a subfolder"). The plan holds
 * `stackConfigDir` to the same rule: it reads the project's own files, nothing beside them
 * (`--stack-file` names any other file explicitly).
 */
function insideProject(cwd: string, projectFile: string, key: string, value: string, what: string): string {
  if (path.isAbsolute(value))
    throw new UserInputError([
      `${projectFile}: ${key}: expected ${what} relative to the project folder, found the absolute path ${quoteText(value)}`,
    ]);
  const resolved = path.resolve(cwd, value);
  if (leadsOutside(cwd, resolved))
    throw new UserInputError([
      `${projectFile}: ${key}: expected ${what} inside the project folder, found ${quoteText(value)}, which leads outside it`,
    ]);
  return path.relative(cwd, resolved) || ".";
}

/** Whether `file` lies outside the folder `from` (a path from one to the other climbs out of it). */
function leadsOutside(from: string, file: string): boolean {
  const relative = path.relative(from, file);
  return relative === ".." || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative);
}

/** The `config` of a stack file, as a mapping (an empty or config-less file has none). */
function readStackConfig(cwd: string, stackFile: string): Record<string, unknown> {
  const document = readYamlFile(cwd, stackFile, "a readable stack config file", INPUT_LIMITS.stackFile);
  if (document === null || document === undefined) return {};
  if (typeof document !== "object" || Array.isArray(document))
    throw new UserInputError([
      `${stackFile}: (top level): expected a mapping with a \`config\` key, found ${describeValue(document)}`,
    ]);
  const unknownKeys = Object.keys(document).filter((key) => !STACK_FILE_KEYS.includes(key));
  if (unknownKeys.length > 0)
    throw new UserInputError(
      unknownKeys.map((key) => {
        const near = nearestName(key, STACK_FILE_KEYS);
        return `${stackFile}: ${terminalText(key)}: expected one of ${STACK_FILE_KEYS.join(", ")}, found unknown key \`${terminalText(key)}\`${near ? `; did you mean \`${near}\`?` : ""}`;
      }),
    );
  const config = (document as { config?: unknown }).config ?? {};
  if (typeof config !== "object" || Array.isArray(config))
    throw new UserInputError([
      `${stackFile}: config: expected a mapping of config keys, found ${describeValue(config)}`,
    ]);
  return config as Record<string, unknown>;
}

/**
 * Config as the engine hands it to a program: keys qualified with the project (a key without a
 * namespace is the project's, as `pulumi config set` writes it), JSON for structures, and a key
 * holding a `secure:` value anywhere secret, its ciphertexts replaced by a placeholder.
 */
export function engineConfigOf(
  project: string,
  config: Record<string, unknown>,
  file = "stack file",
): { engineConfig: Record<string, string>; secretKeys: string[] } {
  const engineConfig: Record<string, string> = {};
  const written = new Map<string, string>();
  const secretKeys: string[] = [];
  for (const [key, rawValue] of Object.entries(config)) {
    const qualified = qualifiedKey(project, key, file);
    const earlier = written.get(qualified);
    if (earlier !== undefined)
      throw new UserInputError([
        `${file}: config.${terminalText(key)}: expected each key once, found it also as \`${terminalText(earlier)}\` (both are ${terminalText(qualified)})`,
      ]);
    written.set(qualified, key);
    const badSecure = pathOfBadSecure(rawValue, "");
    if (badSecure !== undefined)
      throw new UserInputError([
        `${file}: config.${terminalText(key)}${badSecure.at}.secure: expected the ciphertext string \`pulumi config set --secret\` writes, found ${describeValue(badSecure.found)}`,
      ]);
    const isSecret = containsSecureValue(rawValue);
    const value = isSecret ? withPlaceholders(rawValue) : rawValue;
    if (isSecret) secretKeys.push(qualified);
    engineConfig[qualified] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return { engineConfig, secretKeys };
}

/** Where a `secure:` mapping holds something else than a ciphertext string (`.a.b`, `[0]`), if anywhere. */
function pathOfBadSecure(value: unknown, at: string): { at: string; found: unknown } | undefined {
  if (value === null || typeof value !== "object") return undefined;
  if (!Array.isArray(value) && Object.keys(value).length === 1 && "secure" in value) {
    const found = (value as { secure: unknown }).secure;
    return typeof found === "string" ? undefined : { at, found };
  }
  for (const [key, item] of Object.entries(value)) {
    const found = pathOfBadSecure(item, Array.isArray(value) ? `${at}[${key}]` : `${at}.${key}`);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * `name` → `<project>:name`; `ns:name` and the old `ns:config:name` → `ns:name`; any other key of
 * `file`'s config is refused.
 */
function qualifiedKey(project: string, key: string, file: string): string {
  const parts = key.split(":");
  if (!parts.some((part) => part === "")) {
    if (parts.length === 1) return `${project}:${key}`;
    if (parts.length === 2) return key;
    if (parts.length === 3 && parts[1] === "config") return `${parts[0]}:${parts[2]}`;
  }
  throw new UserInputError([
    `${file}: config.${terminalText(key)}: expected a key of the form \`namespace:name\`, or \`name\` for the project's own, found \`${terminalText(key)}\``,
  ]);
}

/**
 * `main` as the language host runs it: a file, or a folder whose package.json `main` or index is
 * the program; inside the project folder, even through a symbolic link.
 */
function resolveProgram(cwd: string, projectFile: string, main: string | undefined): string {
  const shown = main === undefined || main === "" ? "." : main;
  const target = path.resolve(
    cwd,
    insideProject(cwd, projectFile, "main", shown, "a program file or folder"),
  );
  const candidates = [target, `${target}.ts`, `${target}.js`];
  if (existsSync(target) && statSync(target).isDirectory()) {
    const packageMain = packageMainOf(cwd, target);
    if (packageMain)
      candidates.unshift(path.resolve(target, packageMain), path.resolve(target, `${packageMain}.ts`));
    candidates.push(path.join(target, "index.ts"), path.join(target, "index.js"));
  }
  const found = candidates.find((file) => existsSync(file) && statSync(file).isFile());
  if (!found)
    throw new UserInputError([
      `${projectFile}: main: expected a program file (index.ts or index.js), found none at ${shown}`,
    ]);
  // A folder's package.json may name a file beside the folder, and a link may lead anywhere.
  const shownFound = path.relative(cwd, found);
  if (leadsOutside(cwd, found))
    throw new UserInputError([
      `${projectFile}: main: expected a program file inside the project folder, found ${shownFound}, which is outside it`,
    ]);
  if (leadsOutside(realpathSync(cwd), realpathSync(found)))
    throw new UserInputError([
      `${projectFile}: main: expected a program file inside the project folder, found ${shownFound}, a symbolic link to a file outside it`,
    ]);
  return found;
}

/** The `main` of a program folder's package.json, as Node reads it (a string, else none). */
function packageMainOf(cwd: string, folder: string): string | undefined {
  const manifest = path.join(folder, "package.json");
  if (!existsSync(manifest)) return undefined;
  const shown = path.relative(cwd, manifest);
  const text = readInputText(cwd, shown, "the program's package.json", INPUT_LIMITS.projectFile);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new UserInputError([`${shown}: (JSON): expected valid JSON, found ${jsonErrorText(error, text)}`]);
  }
  const main = (data as { main?: unknown } | null)?.main;
  return typeof main === "string" && main !== "" ? main : undefined;
}

/** A file of the project read as text: a regular UTF-8 file within the limit, named as the user knows it. */
function readInputText(cwd: string, shown: string, what: string, maxBytes: number): string {
  try {
    return readInputFile(path.resolve(cwd, shown), { what, maxBytes });
  } catch (error) {
    if (error instanceof InputFileError) throw new InputFileError(shown, error.options, error.found);
    throw error;
  }
}

function readYamlFile(cwd: string, shown: string, what: string, maxBytes: number): unknown {
  return parseYamlInput(shown, readInputText(cwd, shown, what, maxBytes)).root;
}

/** A JSON.parse error with its position as a line and column. */
function jsonErrorText(error: unknown, text: string): string {
  const message = (error as Error).message.replace(/ in JSON at position \d+.*$/s, "");
  const position = /at position (\d+)/.exec((error as Error).message);
  if (!position) return message;
  const before = text.slice(0, Number(position[1]));
  const line = before.split("\n").length;
  const column = before.length - before.lastIndexOf("\n");
  return `${message} (line ${line}, column ${column})`;
}

/** A file of a stack's planned outputs: `npm run plan -- --json FILE` or `--outputs FILE` of the platform repository. */
export interface PlannedStackOutputs {
  file: string;
  stack: string;
  project: string;
  outputs: StackOutputs;
}

const outputsFileSchema = z.object({
  stack: z.string().regex(/^[A-Za-z0-9_.-]{1,100}$/),
  project: z.string().regex(/^[A-Za-z0-9_.-]{1,100}$/),
  outputs: z.object({
    values: z.record(z.string(), z.unknown()),
    unknownPaths: z.array(z.string()),
    secretPaths: z.array(z.string()),
  }),
});

/** The default folder of planned outputs, each `<anything>.json`, read when `--stack-outputs` is not given. */
export const STACK_OUTPUTS_DIR = "stack-outputs";

const OUTPUTS_FILE = "the JSON of a planned stack (`npm run plan -- --stack <name> --outputs FILE`)";

export function readStackOutputsFiles(
  files: string[] | undefined,
  cwd = process.cwd(),
): PlannedStackOutputs[] {
  const list = files ?? defaultStackOutputsFiles(cwd);
  const read: PlannedStackOutputs[] = [];
  for (const file of list) {
    const planned = readStackOutputsFile(cwd, file);
    const earlier = read.find((other) => other.project === planned.project && other.stack === planned.stack);
    if (earlier)
      throw new UserInputError([
        `${file}: stack: expected one planned-outputs file per stack, found ${planned.project}/${planned.stack} in ${earlier.file} too`,
      ]);
    read.push(planned);
  }
  return read;
}

function defaultStackOutputsFiles(cwd: string): string[] {
  const folder = path.join(cwd, STACK_OUTPUTS_DIR);
  if (!existsSync(folder)) return [];
  if (!statSync(folder).isDirectory())
    throw new UserInputError([
      `${STACK_OUTPUTS_DIR}: (file): expected a folder of planned-outputs files (*.json), found a file`,
    ]);
  return readdirSync(folder)
    .filter((name) => name.endsWith(".json"))
    .sort()
    .map((name) => path.join(STACK_OUTPUTS_DIR, name));
}

function readStackOutputsFile(cwd: string, file: string): PlannedStackOutputs {
  const text = readInputText(cwd, file, OUTPUTS_FILE, INPUT_LIMITS.stackOutputs);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new UserInputError([
      `${file}: (JSON): expected ${OUTPUTS_FILE}, found ${jsonErrorText(error, text)}`,
    ]);
  }
  // A `__proto__` key would become an object's prototype wherever the values are copied.
  const reserved = pathOfKey(data, "__proto__", "");
  if (reserved !== undefined)
    throw new UserInputError([
      `${file}: ${reserved}: expected an output name, found the reserved key __proto__`,
    ]);
  const parsed = outputsFileSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const found = describeValue(
      issue.path.reduce<unknown>((value, key) => (value as Record<PropertyKey, unknown>)?.[key], data),
    );
    const expected =
      issue.path.length === 0
        ? "an object with stack, project and outputs"
        : issue.code === "invalid_type"
          ? (JSON_TYPES[issue.expected] ?? issue.expected)
          : issue.code === "invalid_format"
            ? "a stack or project name (letters, digits, '-', '_' or '.')"
            : issue.message;
    throw new UserInputError([
      `${file}: ${formatPath(issue.path as PathSegment[])}: expected ${expected}, found ${found}`,
    ]);
  }
  const { values, unknownPaths, secretPaths } = parsed.data.outputs;
  const paths = valuePaths(values);
  for (const [key, listed] of [
    ["unknownPaths", unknownPaths],
    ["secretPaths", secretPaths],
  ] as const) {
    const index = listed.findIndex((item) => !paths.has(item));
    if (index >= 0)
      throw new UserInputError([
        `${file}: outputs.${key}[${index}]: expected the path of a value in outputs.values, found ${quoteText(listed[index])}`,
      ]);
  }
  return { file, ...parsed.data };
}

const JSON_TYPES: Record<string, string> = {
  string: "a string",
  object: "an object",
  record: "an object",
  array: "a list",
};

/** Every path of a value, written as the plan writes them (`ci.pool.name`, `ids[1]`). */
function valuePaths(values: Record<string, unknown>): Set<string> {
  const paths = new Set<string>();
  const visit = (value: unknown, at: string) => {
    if (at) paths.add(at);
    if (Array.isArray(value)) {
      for (const [index, item] of value.entries()) visit(item, `${at}[${index}]`);
    } else if (value !== null && typeof value === "object")
      for (const [key, item] of Object.entries(value)) visit(item, at ? `${at}.${key}` : key);
  };
  visit(values, "");
  return paths;
}

/** Where a key occurs in parsed JSON, as a path (`outputs.values.__proto__`), or undefined. */
function pathOfKey(value: unknown, key: string, at: string): string | undefined {
  if (value === null || typeof value !== "object") return undefined;
  for (const [name, item] of Object.entries(value)) {
    const here = Array.isArray(value) ? `${at}[${name}]` : at ? `${at}.${name}` : name;
    if (name === key && !Array.isArray(value)) return here;
    const found = pathOfKey(item, key, here);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** The planned outputs a StackReference name (`org/project/stack` or `project/stack`) stands for. */
export function outputsForReference(
  name: string,
  planned: PlannedStackOutputs[],
): PlannedStackOutputs | undefined {
  const parts = name.split("/");
  if (parts.length < 2) return undefined;
  const [project, stack] = parts.slice(-2);
  return planned.find((candidate) => candidate.project === project && candidate.stack === stack);
}

/**
 * The tier whose policy profile applies: `--tier`, else the stack's name when it is a tier, else
 * the `tier` output of the platform stack it reads (when the planned outputs agree on one).
 */
export function tierFor(stack: string, explicit: string | undefined, planned: PlannedStackOutputs[]): Tier {
  if (explicit !== undefined) {
    if ((TIERS as readonly string[]).includes(explicit)) return explicit as Tier;
    throw new UserInputError([
      `command line: --tier: expected one of dev, staging, prod, found ${quoteText(explicit)}`,
    ]);
  }
  if ((TIERS as readonly string[]).includes(stack)) return stack as Tier;
  const tiers = [
    ...new Set(planned.map((p) => p.outputs.values.tier).filter((tier) => typeof tier === "string")),
  ];
  if (tiers.length === 1 && (TIERS as readonly string[]).includes(tiers[0] as string))
    return tiers[0] as Tier;
  throw new UserInputError([
    `command line: --tier: expected dev, staging or prod for stack ${stack} (its policy profile), found nothing`,
  ]);
}
