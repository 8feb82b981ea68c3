/**
 * IAM policy documents (`policyData` of every `*IAMPolicy` resource, and the JSON the
 * `get*IAMPolicy` data sources build for them), read the way the provider reads them.
 *
 * The provider decodes `policyData` with Go's `encoding/json` into the Resource Manager `Policy`
 * struct. Go matches object keys to struct fields case-insensitively, with Unicode simple case
 * folding: `Bindings`, `BINDINGS` and `bindingſ` (U+017F) all fill `bindings`; `K` (U+212A, Kelvin)
 * folds to `k`. A reader that looks only at `bindings` sees none of those grants. Go ignores keys
 * it does not know and merges repeated keys into the same field, so a document can say one thing to
 * a naive reader and another to Google: this decoder refuses both (a key outside the policy format,
 * or a key given twice after folding) instead of guessing. Values of the wrong JSON type, which
 * make the provider fail, are refused too.
 */

export interface PolicyCondition {
  title?: string;
  description?: string;
  expression?: string;
  location?: string;
}

export interface PolicyBinding {
  role: string;
  members: string[];
  condition?: PolicyCondition;
}

export interface PolicyAuditLogConfig {
  logType: string;
  exemptedMembers: string[];
}

export interface PolicyAuditConfig {
  service: string;
  auditLogConfigs: PolicyAuditLogConfig[];
}

export interface PolicyDocument {
  bindings: PolicyBinding[];
  auditConfigs: PolicyAuditConfig[];
  etag?: string;
  version?: number;
}

export type DecodedPolicy = { document: PolicyDocument; problem?: undefined } | { problem: string };

/** A JSON value whose objects keep every key in order, repeats included (JSON.parse keeps the last). */
type JsonValue = null | boolean | number | string | JsonValue[] | { entries: [string, JsonValue][] };

class PolicySyntaxError extends Error {}

/** Strict JSON (RFC 8259, as Go accepts it) with objects as entry lists. */
function parseJson(text: string): JsonValue {
  let at = 0;
  const fail = (what: string): never => {
    throw new PolicySyntaxError(`${what} at offset ${at}`);
  };
  const skipSpace = () => {
    while (at < text.length && " \t\n\r".includes(text[at])) at++;
  };
  const parseString = (): string => {
    // biome-ignore lint/suspicious/noControlCharactersInRegex: JSON forbids raw control characters in strings.
    const match = /^"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9A-Fa-f]{4}))*"/.exec(text.slice(at));
    if (!match) return fail("expected a string");
    at += match[0].length;
    return JSON.parse(match[0]) as string;
  };
  const parseValue = (depth: number): JsonValue => {
    if (depth > 64) fail("nesting too deep");
    skipSpace();
    const char = text[at];
    if (char === "{") {
      at++;
      const entries: [string, JsonValue][] = [];
      skipSpace();
      if (text[at] === "}") {
        at++;
        return { entries };
      }
      for (;;) {
        skipSpace();
        const key = parseString();
        skipSpace();
        if (text[at] !== ":") fail("expected ':'");
        at++;
        entries.push([key, parseValue(depth + 1)]);
        skipSpace();
        if (text[at] === ",") {
          at++;
          continue;
        }
        if (text[at] === "}") {
          at++;
          return { entries };
        }
        fail("expected ',' or '}'");
      }
    }
    if (char === "[") {
      at++;
      const items: JsonValue[] = [];
      skipSpace();
      if (text[at] === "]") {
        at++;
        return items;
      }
      for (;;) {
        items.push(parseValue(depth + 1));
        skipSpace();
        if (text[at] === ",") {
          at++;
          continue;
        }
        if (text[at] === "]") {
          at++;
          return items;
        }
        fail("expected ',' or ']'");
      }
    }
    if (char === '"') return parseString();
    const literal = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(at));
    if (!literal) return fail("expected a JSON value");
    at += literal[0].length;
    return JSON.parse(literal[0]) as JsonValue;
  };
  const value = parseValue(0);
  skipSpace();
  if (at !== text.length) fail("unexpected text after the document");
  return value;
}

/**
 * Go's key folding for ASCII field names: a key matches a field when every character folds to the
 * field's letter. Besides ASCII case, Unicode simple folding maps U+017F (ſ) to s and U+212A
 * (Kelvin sign) to k; no other character folds onto an ASCII letter.
 */
export function goFoldKey(key: string): string {
  let folded = "";
  for (const char of key) {
    if (char === "\u017f") folded += "s";
    else if (char === "\u212a") folded += "k";
    else if (/^[A-Za-z]$/.test(char)) folded += char.toLowerCase();
    else folded += char;
  }
  return folded;
}

type Fields = Record<string, string>;

/** The struct fields of each level of the format, by folded key. */
const POLICY_FIELDS: Fields = {
  auditconfigs: "auditConfigs",
  bindings: "bindings",
  etag: "etag",
  version: "version",
};
const BINDING_FIELDS: Fields = { condition: "condition", members: "members", role: "role" };
const CONDITION_FIELDS: Fields = {
  description: "description",
  expression: "expression",
  location: "location",
  title: "title",
};
const AUDIT_CONFIG_FIELDS: Fields = { auditlogconfigs: "auditLogConfigs", service: "service" };
const AUDIT_LOG_CONFIG_FIELDS: Fields = { exemptedmembers: "exemptedMembers", logtype: "logType" };

/** The object's entries by field name; refuses unknown and repeated keys. */
function fieldsOf(value: JsonValue, fields: Fields, path: string): Map<string, JsonValue> {
  if (value === null || typeof value !== "object" || Array.isArray(value))
    throw new PolicySyntaxError(`${path} is ${describe(value)}, expected an object`);
  const found = new Map<string, JsonValue>();
  const spelled = new Map<string, string>();
  for (const [key, entry] of value.entries) {
    const field = fields[goFoldKey(key)];
    if (field === undefined)
      throw new PolicySyntaxError(
        `${path} has the key ${JSON.stringify(key)}, which is not part of the IAM policy format (expected ${Object.values(fields).join(", ")})`,
      );
    const earlier = spelled.get(field);
    if (earlier !== undefined)
      throw new PolicySyntaxError(
        `${path} has the key ${field} twice (${JSON.stringify(earlier)} and ${JSON.stringify(key)}); the provider would merge them`,
      );
    spelled.set(field, key);
    found.set(field, entry);
  }
  return found;
}

function describe(value: JsonValue | undefined): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return "an object";
  return `${typeof value} ${JSON.stringify(value)}`;
}

/** Go leaves a field untouched for JSON null: absent and null read the same. */
function stringField(value: JsonValue | undefined, path: string): string {
  if (value === undefined || value === null) return "";
  if (typeof value !== "string")
    throw new PolicySyntaxError(`${path} is ${describe(value)}, expected a string`);
  return value;
}

function listField<T>(value: JsonValue | undefined, path: string, item: (v: JsonValue, p: string) => T): T[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new PolicySyntaxError(`${path} is ${describe(value)}, expected an array`);
  return value.map((entry, index) => item(entry, `${path}[${index}]`));
}

function decodeBinding(value: JsonValue, path: string): PolicyBinding {
  const fields = fieldsOf(value, BINDING_FIELDS, path);
  const binding: PolicyBinding = {
    role: stringField(fields.get("role"), `${path}.role`),
    members: listField(fields.get("members"), `${path}.members`, stringField),
  };
  const condition = fields.get("condition");
  if (condition !== undefined && condition !== null) {
    const parts = fieldsOf(condition, CONDITION_FIELDS, `${path}.condition`);
    binding.condition = {};
    for (const field of Object.values(CONDITION_FIELDS)) {
      if (parts.has(field))
        binding.condition[field as keyof PolicyCondition] = stringField(
          parts.get(field),
          `${path}.condition.${field}`,
        );
    }
  }
  return binding;
}

function decodeAuditConfig(value: JsonValue, path: string): PolicyAuditConfig {
  const fields = fieldsOf(value, AUDIT_CONFIG_FIELDS, path);
  return {
    service: stringField(fields.get("service"), `${path}.service`),
    auditLogConfigs: listField(
      fields.get("auditLogConfigs"),
      `${path}.auditLogConfigs`,
      (entry, entryPath) => {
        const parts = fieldsOf(entry, AUDIT_LOG_CONFIG_FIELDS, entryPath);
        return {
          logType: stringField(parts.get("logType"), `${entryPath}.logType`),
          exemptedMembers: listField(
            parts.get("exemptedMembers"),
            `${entryPath}.exemptedMembers`,
            stringField,
          ),
        };
      },
    ),
  };
}

/**
 * Decodes a policy document as the provider does, or says why it cannot be trusted. Messages name
 * the path inside the document (`policyData.bindings[0].members`).
 */
export function decodePolicyDocument(text: string): DecodedPolicy {
  try {
    const root = parseJson(text);
    if (root === null) return { document: { bindings: [], auditConfigs: [] } };
    const fields = fieldsOf(root, POLICY_FIELDS, "policyData");
    const document: PolicyDocument = {
      bindings: listField(fields.get("bindings"), "policyData.bindings", decodeBinding),
      auditConfigs: listField(fields.get("auditConfigs"), "policyData.auditConfigs", decodeAuditConfig),
    };
    const etag = fields.get("etag");
    if (etag !== undefined && etag !== null) document.etag = stringField(etag, "policyData.etag");
    const version = fields.get("version");
    if (version !== undefined && version !== null) {
      if (typeof version !== "number" || !Number.isInteger(version))
        throw new PolicySyntaxError(`policyData.version is ${describe(version)}, expected an integer`);
      document.version = version;
    }
    return { document };
  } catch (error) {
    if (!(error instanceof PolicySyntaxError)) throw error;
    const detail = error.message.startsWith("policyData")
      ? error.message
      : `policyData is not valid JSON: ${error.message}`;
    return { problem: `${detail}, so its grants cannot be checked` };
  }
}
