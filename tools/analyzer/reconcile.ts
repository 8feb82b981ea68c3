/**
 * How the Pulumi engine turns a `--policy-pack-config` file into the `configure` request, ported
 * from pulumi/pulumi `pkg/resource/analyzer/config.go` (parsePolicyPackConfig,
 * createConfigWithDefaults, applyConfig, ReconcilePolicyPackConfig, validatePolicyConfig).
 * Pure functions: no I/O, no process. See docs/decisions/0003-offline-policy-engine.md.
 */
import Ajv, { type ErrorObject, type ValidateFunction } from "ajv";
import type { EnforcementLevel, Severity } from "../plan/model";
import { PolicyConfigError } from "./errors";

export const enforcementLevels: readonly EnforcementLevel[] = [
  "advisory",
  "mandatory",
  "remediate",
  "disabled",
];

export function isEnforcementLevel(value: unknown): value is EnforcementLevel {
  return typeof value === "string" && (enforcementLevels as readonly string[]).includes(value);
}

export type JsonSchema = Record<string, unknown>;

export interface PolicyConfigSchema {
  properties: Record<string, JsonSchema>;
  required?: string[];
}

/** A policy as the engine sees it after `getAnalyzerInfo` (plugin.AnalyzerPolicyInfo). */
export interface AnalyzerPolicyInfo {
  name: string;
  displayName: string;
  description: string;
  enforcementLevel: EnforcementLevel;
  severity: Severity;
  type: "resource" | "stack" | "unknown";
  /**
   * Present whenever the pack supports config; like the engine, an `enforcementLevel` string
   * property is injected into it.
   */
  configSchema?: PolicyConfigSchema;
}

/**
 * One policy's config (plugin.AnalyzerPolicyConfig). An empty level means "not set", as the Go
 * zero value does; the engine refuses to send such an entry in `configure`.
 */
export interface PolicyConfigEntry {
  enforcementLevel: EnforcementLevel | "";
  properties?: Record<string, unknown>;
}

export type PolicyPackConfig = Record<string, PolicyConfigEntry>;

/** The reserved config key that sets the level of every policy. */
export const allPoliciesKey = "all";

type JsonKind = "null" | "boolean" | "integer" | "number" | "string" | "array" | "object";

/** The type name gojsonschema (and so the engine) reports for a JSON value. */
function jsonKind(value: unknown): JsonKind {
  if (value === null || value === undefined) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  if (typeof value === "boolean" || typeof value === "string") return typeof value as JsonKind;
  return "object";
}

function describeFound(value: unknown): string {
  const kind = jsonKind(value);
  if (kind === "object" || kind === "array") return `an ${kind}`;
  if (kind === "null") return "null";
  return `${kind} ${JSON.stringify(value)}`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const levelList = enforcementLevels.join(", ");

/** 1-based line and column of a character offset, for JSON syntax errors. */
function lineAndColumn(text: string, offset: number): string {
  const before = text.slice(0, offset).split("\n");
  return `line ${before.length}, column ${before[before.length - 1]!.length + 1}`;
}

/**
 * Parses a policy pack config file the way the engine does (parsePolicyPackConfig): an empty file
 * means no config; each entry is either an enforcement level or an object whose optional
 * `enforcementLevel` is lifted out of its properties; entries with neither are dropped.
 * Unlike the engine, which stops at the first problem (in Go's random map order), every problem is
 * reported, in file order.
 */
export function parsePolicyPackConfig(text: string, file: string): PolicyPackConfig | undefined {
  if (text.trim() === "") return undefined;
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    const reason = (error as Error).message;
    const position = /position (\d+)/.exec(reason);
    const where = position ? ` at ${lineAndColumn(text, Number(position[1]))}` : "";
    throw new PolicyConfigError(file, [
      `(root): expected valid JSON, found a syntax error${where}: ${reason}`,
    ]);
  }
  if (!isPlainObject(document)) {
    throw new PolicyConfigError(file, [
      `(root): expected an object mapping policy names to an enforcement level or settings, found ${describeFound(document)}`,
    ]);
  }
  // No prototype: a policy named `__proto__` is then an ordinary (unknown) key, reported as such,
  // instead of replacing the object's prototype and vanishing from the config.
  const config: PolicyPackConfig = Object.create(null);
  const issues: string[] = [];
  for (const [policy, value] of Object.entries(document)) {
    if (typeof value === "string") {
      if (!isEnforcementLevel(value)) {
        issues.push(`${policy}: expected an enforcement level (${levelList}), found ${describeFound(value)}`);
        continue;
      }
      config[policy] = { enforcementLevel: value };
      continue;
    }
    if (!isPlainObject(value)) {
      issues.push(
        `${policy}: expected an enforcement level (${levelList}) or an object of settings, found ${describeFound(value)}`,
      );
      continue;
    }
    const { enforcementLevel, ...properties } = value;
    let level: EnforcementLevel | "" = "";
    if ("enforcementLevel" in value) {
      if (!isEnforcementLevel(enforcementLevel)) {
        issues.push(
          `${policy}.enforcementLevel: expected an enforcement level (${levelList}), found ${describeFound(enforcementLevel)}`,
        );
        continue;
      }
      level = enforcementLevel;
    }
    const hasProperties = Object.keys(properties).length > 0;
    if (level === "" && !hasProperties) continue;
    config[policy] = hasProperties ? { enforcementLevel: level, properties } : { enforcementLevel: level };
  }
  if (issues.length > 0) throw new PolicyConfigError(file, issues);
  return config;
}

/**
 * Names in a config that are neither a policy of the pack nor `all`. The engine accepts such
 * names silently (a typo then disables nothing and enforces nothing); the runner rejects them.
 */
export function findUnknownPolicyNames(
  policies: readonly AnalyzerPolicyInfo[],
  config: PolicyPackConfig | undefined,
): string[] {
  const known = new Set(policies.map((policy) => policy.name));
  return Object.keys(config ?? {}).filter((name) => name !== allPoliciesKey && !known.has(name));
}

/** createConfigWithDefaults: every policy at its own level, with its schema's `default`s. */
function configWithDefaults(policies: readonly AnalyzerPolicyInfo[]): PolicyPackConfig {
  // No prototype: names from the config file (kept, as the engine keeps them) are plain keys.
  const result: PolicyPackConfig = Object.create(null);
  for (const policy of policies) {
    let properties: Record<string, unknown> | undefined;
    for (const [key, schema] of Object.entries(policy.configSchema?.properties ?? {})) {
      if ("default" in schema) {
        properties ??= {};
        properties[key] = schema.default;
      }
    }
    result[policy.name] = properties
      ? { enforcementLevel: policy.enforcementLevel, properties }
      : {
          enforcementLevel: policy.enforcementLevel,
        };
  }
  return result;
}

/** applyConfig: `all` first (level only), then each entry, its properties merged over the defaults. */
function applyConfig(result: PolicyPackConfig, toApply: PolicyPackConfig): PolicyPackConfig {
  const allLevel = toApply[allPoliciesKey]?.enforcementLevel;
  if (allLevel) {
    for (const [name, entry] of Object.entries(result)) {
      result[name] = { ...entry, enforcementLevel: allLevel };
    }
  }
  for (const [name, given] of Object.entries(toApply)) {
    const current = result[name];
    const enforcementLevel = given.enforcementLevel || current?.enforcementLevel || "";
    let properties = current?.properties;
    const givenProperties = given.properties ?? {};
    if (Object.keys(givenProperties).length > 0) {
      properties = { ...(properties ?? {}), ...givenProperties };
    }
    result[name] = properties ? { enforcementLevel, properties } : { enforcementLevel };
  }
  return result;
}

/** The object schema the engine validates one policy's properties against (convertSchema). */
function objectSchema(schema: PolicyConfigSchema): JsonSchema {
  const result: JsonSchema = { type: "object" };
  if (Object.keys(schema.properties).length > 0) result.properties = schema.properties;
  if (schema.required && schema.required.length > 0) result.required = schema.required;
  return result;
}

/** Go's shortest `%v` of a big.Float (how gojsonschema prints limits): exponent form from 1e6 or below 1e-4. */
function goNumber(value: number): string {
  if (value === 0) return "0";
  const [mantissa, exponentText] = value.toExponential().split("e") as [string, string];
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 6) {
    const sign = exponent < 0 ? "-" : "+";
    return `${mantissa}e${sign}${String(Math.abs(exponent)).padStart(2, "0")}`;
  }
  return String(value);
}

/**
 * gojsonschema's wording (its DefaultLocale, `field: description`) for an ajv error, so messages
 * read exactly as `pulumi preview` prints them. Unmapped keywords keep ajv's own message.
 */
function engineStyleMessage(error: ErrorObject): string {
  const segments = error.instancePath.split("/").slice(1);
  const field = segments.length === 0 ? "(root)" : segments.join(".");
  const params = error.params as Record<string, unknown>;
  const at = (description: string, path = field) => `${path}: ${description}`;
  switch (error.keyword) {
    case "required":
      return at(`${String(params.missingProperty)} is required`);
    case "type": {
      const expected = String(params.type).includes(",") ? `[${params.type}]` : String(params.type);
      return at(`Invalid type. Expected: ${expected}, given: ${jsonKind(error.data)}`);
    }
    case "enum":
      return at(
        `${field} must be one of the following: ${(params.allowedValues as unknown[]).map((value) => JSON.stringify(value)).join(", ")}`,
      );
    case "const":
      return at(`${field} does not match: ${JSON.stringify(params.allowedValue)}`);
    case "minimum":
      return at(`Must be greater than or equal to ${goNumber(params.limit as number)}`);
    case "maximum":
      return at(`Must be less than or equal to ${goNumber(params.limit as number)}`);
    case "exclusiveMinimum":
      return at(`Must be greater than ${goNumber(params.limit as number)}`);
    case "exclusiveMaximum":
      return at(`Must be less than ${goNumber(params.limit as number)}`);
    case "multipleOf":
      return at(`Must be a multiple of ${goNumber(params.multipleOf as number)}`);
    case "minLength":
      return at(`String length must be greater than or equal to ${params.limit}`);
    case "maxLength":
      return at(`String length must be less than or equal to ${params.limit}`);
    case "pattern":
      return at(`Does not match pattern '${params.pattern}'`);
    case "format":
      return at(`Does not match format '${params.format}'`);
    case "minItems":
      return at(`Array must have at least ${params.limit} items`);
    case "maxItems":
      return at(`Array must have at most ${params.limit} items`);
    case "uniqueItems": {
      const [first, second] = [params.j as number, params.i as number].sort((a, b) => a - b);
      return at(`array items[${first},${second}] must be unique`);
    }
    case "minProperties":
      return at(`Must have at least ${params.limit} properties`);
    case "maxProperties":
      return at(`Must have at most ${params.limit} properties`);
    case "additionalProperties":
      return at(`Additional property ${String(params.additionalProperty)} is not allowed`);
    case "dependencies":
      return at(`Has a dependency on ${String(params.missingProperty)}`);
    case "anyOf":
      return at("Must validate at least one schema (anyOf)");
    case "oneOf":
      return at("Must validate one and only one schema (oneOf)");
    case "not":
      return at("Must not validate the schema (not)");
    default:
      return at(error.message ?? error.keyword);
  }
}

// One validator instance. Formats are not checked (ajv ships none without ajv-formats); the
// engine's gojsonschema checks a few.
const ajv = new Ajv({ allErrors: true, strict: false, verbose: true, validateFormats: false, logger: false });
/**
 * Compiled validators by schema text. The platform pack's 78 policies have 12 distinct schemas, and
 * compiling is most of a reconcile's time (~0.1 s of a plan, on its path from the program's end to
 * the analysis); ajv's own cache is keyed by the schema object, a new one on every reconcile.
 */
const validators = new Map<string, ValidateFunction>();

function validatorFor(schema: object): ValidateFunction {
  const key = JSON.stringify(schema);
  let validate = validators.get(key);
  if (!validate) {
    validate = ajv.compile(schema);
    validators.set(key, validate);
  }
  return validate;
}

/**
 * validatePolicyConfig: the engine's messages for one policy's properties, `(root): ` trimmed as
 * the engine trims it.
 */
export function validatePolicyProperties(
  schema: PolicyConfigSchema,
  properties: Record<string, unknown>,
): string[] {
  const validate = validatorFor(objectSchema(schema));
  if (validate(properties)) return [];
  return (validate.errors ?? []).map((error) => engineStyleMessage(error).replace(/^\(root\): /, ""));
}

export interface ReconciledConfig {
  /** What `configure` receives: every policy, plus any extra names the config mentioned. */
  config: PolicyPackConfig;
  /** `<policy>: <message>` per schema violation, sorted as the engine sorts them before printing. */
  validationErrors: string[];
}

/**
 * ReconcilePolicyPackConfig: schema defaults and each policy's own level, then the pack's initial
 * config, then the given config (each via applyConfig), then each policy that has a schema is
 * validated (a policy without config is validated as `{}`, so `required` bites).
 */
export function reconcilePolicyPackConfig(
  policies: readonly AnalyzerPolicyInfo[],
  initialConfig: PolicyPackConfig | undefined,
  config: PolicyPackConfig | undefined,
): ReconciledConfig {
  let result = configWithDefaults(policies);
  if (initialConfig) result = applyConfig(result, initialConfig);
  if (config) result = applyConfig(result, config);
  const validationErrors: string[] = [];
  for (const policy of policies) {
    if (!policy.configSchema) continue;
    const properties = result[policy.name]?.properties ?? {};
    for (const message of validatePolicyProperties(policy.configSchema, properties)) {
      validationErrors.push(`${policy.name}: ${message}`);
    }
  }
  validationErrors.sort();
  return { config: result, validationErrors };
}
