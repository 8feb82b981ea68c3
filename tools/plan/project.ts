import { existsSync, readFileSync, realpathSync, statSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { z } from "zod";
import { TIERS, type Tier } from "../../components/environment/tiers";
import { describeValue, UserInputError, yamlErrorText } from "../../stacks/config/errors";
import { OFFLINE_SECRET_PLACEHOLDER } from "../../stacks/config/load";
import type { StackOutputs } from "./model";

/**
 * Planning a product team's Pulumi project (`npx platform-plan --stack dev` in the team's folder):
 * its `Pulumi.yaml`, its stack file and its program, read as the Pulumi CLI reads them. Kept free
 * of Pulumi imports, like input.ts: the policy pack starts before the SDKs load.
 */

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
}

const projectFileSchema = z.object({
  name: z.string().regex(/^[A-Za-z0-9_.-]{1,100}$/),
  runtime: z.union([z.literal("nodejs"), z.object({ name: z.literal("nodejs") }).passthrough()]),
  main: z.string().optional(),
  stackConfigDir: z.string().optional(),
});

/** Reads `Pulumi.yaml` and the stack's `Pulumi.<stack>.yaml` in `cwd`; every mistake is a UserInputError. */
export function loadProjectInput(options: { stack: string; stackFile?: string; cwd?: string }): ProjectInput {
  const cwd = options.cwd ?? process.cwd();
  const projectFile = "Pulumi.yaml";
  const project = readYaml(path.join(cwd, projectFile), projectFile);
  const parsed = projectFileSchema.safeParse(project);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue.path.join(".") || "(top level)";
    const found = describeValue(
      issue.path.reduce<unknown>((value, key) => (value as Record<PropertyKey, unknown>)?.[key], project),
    );
    const expected =
      issue.path[0] === "runtime"
        ? "nodejs (platform-plan runs Node.js programs)"
        : issue.path[0] === "name"
          ? "a project name"
          : "a string";
    throw new UserInputError([`${projectFile}: ${where}: expected ${expected}, found ${found}`]);
  }
  const stackFile =
    options.stackFile ?? path.join(parsed.data.stackConfigDir ?? ".", `Pulumi.${options.stack}.yaml`);
  const stackDocument = readYaml(path.resolve(cwd, stackFile), stackFile) ?? {};
  const config = (stackDocument as { config?: unknown }).config ?? {};
  if (config === null || typeof config !== "object" || Array.isArray(config))
    throw new UserInputError([
      `${stackFile}: config: expected a mapping of config keys, found ${describeValue(config)}`,
    ]);
  const { engineConfig, secretKeys } = engineConfigOf(parsed.data.name, config as Record<string, unknown>);
  return {
    stack: options.stack,
    project: parsed.data.name,
    program: resolveProgram(cwd, parsed.data.main ?? "."),
    stackFile,
    engineConfig,
    secretKeys,
  };
}

/** Config as the engine hands it to a program: keys qualified with the project, JSON for structures. */
export function engineConfigOf(
  project: string,
  config: Record<string, unknown>,
): { engineConfig: Record<string, string>; secretKeys: string[] } {
  const engineConfig: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [key, value] of Object.entries(config)) {
    const qualified = key.includes(":") ? key : `${project}:${key}`;
    if (isSecure(value)) {
      engineConfig[qualified] = OFFLINE_SECRET_PLACEHOLDER;
      secretKeys.push(qualified);
    } else {
      engineConfig[qualified] = typeof value === "string" ? value : JSON.stringify(value);
    }
  }
  return { engineConfig, secretKeys };
}

function isSecure(value: unknown): boolean {
  return value !== null && typeof value === "object" && Object.keys(value).length === 1 && "secure" in value;
}

/** `main` as the language host runs it: a file, or a folder whose package.json `main` or index is the program. */
function resolveProgram(cwd: string, main: string): string {
  const target = path.resolve(cwd, main);
  const candidates = [target, `${target}.ts`, `${target}.js`];
  if (existsSync(target) && statSync(target).isDirectory()) {
    const manifest = path.join(target, "package.json");
    const packageMain = existsSync(manifest)
      ? (JSON.parse(readFileSync(manifest, "utf8")).main as string | undefined)
      : undefined;
    if (packageMain)
      candidates.unshift(path.resolve(target, packageMain), path.resolve(target, `${packageMain}.ts`));
    candidates.push(path.join(target, "index.ts"), path.join(target, "index.js"));
  }
  const found = candidates.find((file) => existsSync(file) && statSync(file).isFile());
  if (!found)
    throw new UserInputError([
      `Pulumi.yaml: main: expected a program file (index.ts or index.js), found none at ${main}`,
    ]);
  return found;
}

function readYaml(file: string, shown: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : String(error);
    throw new UserInputError([`${shown}: (file): expected a readable file, found ${reason}`]);
  }
  try {
    return parse(text);
  } catch (error) {
    throw new UserInputError([
      `${shown}: (YAML): expected valid YAML, found ${yamlErrorText((error as Error).message)}${positionOf(error)}`,
    ]);
  }
}

/** A file of a stack's planned outputs: `npm run plan -- --json FILE` or `--outputs FILE` of the platform repository. */
export interface PlannedStackOutputs {
  file: string;
  stack: string;
  project: string;
  outputs: StackOutputs;
}

const outputsFileSchema = z.object({
  stack: z.string(),
  project: z.string(),
  outputs: z.object({
    values: z.record(z.string(), z.unknown()),
    unknownPaths: z.array(z.string()),
    secretPaths: z.array(z.string()),
  }),
});

/** The default folder of planned outputs, each `<anything>.json`, read when `--stack-outputs` is not given. */
export const STACK_OUTPUTS_DIR = "stack-outputs";

export function readStackOutputsFiles(
  files: string[] | undefined,
  cwd = process.cwd(),
): PlannedStackOutputs[] {
  let list = files;
  if (!list) {
    const folder = path.join(cwd, STACK_OUTPUTS_DIR);
    list = existsSync(folder)
      ? require("node:fs")
          .readdirSync(folder)
          .filter((name: string) => name.endsWith(".json"))
          .sort()
          .map((name: string) => path.join(STACK_OUTPUTS_DIR, name))
      : [];
  }
  return (list ?? []).map((file) => {
    let data: unknown;
    try {
      data = JSON.parse(readFileSync(path.resolve(cwd, file), "utf8"));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new UserInputError([
        `${file}: (file): expected the JSON of a planned stack (\`npm run plan -- --stack <name> --outputs FILE\`), found ${code === "ENOENT" ? "no such file" : (error as Error).message}`,
      ]);
    }
    const parsed = outputsFileSchema.safeParse(data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new UserInputError([
        `${file}: ${issue.path.join(".") || "(top level)"}: expected ${issue.path.length === 0 ? "an object" : issue.code === "invalid_type" ? issue.expected : issue.message}, found ${describeValue(issue.path.reduce<unknown>((value, key) => (value as Record<PropertyKey, unknown>)?.[key], data))}`,
      ]);
    }
    return { file, ...parsed.data };
  });
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
      `command line: --tier: expected one of dev, staging, prod, found ${JSON.stringify(explicit)}`,
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

/** " (line 3, column 1)" for a YAML parser error that knows where it is, else nothing. */
function positionOf(error: unknown): string {
  const position = (error as { linePos?: { line: number; col: number }[] }).linePos?.[0];
  return position ? ` (line ${position.line}, column ${position.col})` : "";
}
