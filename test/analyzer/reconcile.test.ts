import { describe, expect, it } from "vitest";
import { PolicyConfigError } from "../../tools/analyzer/errors";
import {
  type AnalyzerPolicyInfo,
  findUnknownPolicyNames,
  parsePolicyPackConfig,
  reconcilePolicyPackConfig,
  validatePolicyProperties,
} from "../../tools/analyzer/reconcile";

const levelProperty = { type: "string", enum: ["advisory", "mandatory", "remediate", "disabled"] };

function policy(name: string, overrides: Partial<AnalyzerPolicyInfo> = {}): AnalyzerPolicyInfo {
  return {
    name,
    displayName: "",
    description: `${name} description`,
    enforcementLevel: "advisory",
    severity: "",
    type: "resource",
    ...overrides,
  };
}

const labels = policy("labels", {
  configSchema: {
    properties: {
      label: { type: "string", default: "owner" },
      maxAgeDays: { type: "integer", minimum: 1, default: 30 },
      enforcementLevel: levelProperty,
    },
  },
});
const versioning = policy("versioning", { enforcementLevel: "mandatory", configSchema: { properties: {} } });
const noSchema = policy("no-schema");

function parseError(text: string): PolicyConfigError {
  try {
    parsePolicyPackConfig(text, "policies/config/dev.json");
  } catch (error) {
    if (error instanceof PolicyConfigError) return error;
    throw error;
  }
  throw new Error("expected a PolicyConfigError");
}

describe("parsePolicyPackConfig (the engine's parsePolicyPackConfig)", () => {
  it("treats an empty file as no config", () => {
    expect(parsePolicyPackConfig("  \n", "f.json")).toBeUndefined();
  });

  it("reads the string form as a level and the object form as level plus properties", () => {
    expect(
      parsePolicyPackConfig(
        JSON.stringify({
          all: "mandatory",
          versioning: "disabled",
          labels: { enforcementLevel: "advisory", label: "team" },
          onlySettings: { maxAgeDays: 7 },
          nothing: {},
        }),
        "f.json",
      ),
    ).toEqual({
      all: { enforcementLevel: "mandatory" },
      versioning: { enforcementLevel: "disabled" },
      labels: { enforcementLevel: "advisory", properties: { label: "team" } },
      onlySettings: { enforcementLevel: "", properties: { maxAgeDays: 7 } },
    });
  });

  it("rejects an invalid enforcement level in either form, naming file, path, expectation and finding", () => {
    const error = parseError('{"versioning": "blocking", "labels": {"enforcementLevel": 3}}');
    expect(error.message).toBe(
      [
        'policies/config/dev.json: versioning: expected an enforcement level (advisory, mandatory, remediate, disabled), found string "blocking"',
        "policies/config/dev.json: labels.enforcementLevel: expected an enforcement level (advisory, mandatory, remediate, disabled), found integer 3",
      ].join("\n"),
    );
    expect(error.file).toBe("policies/config/dev.json");
  });

  it("rejects values that are neither a string nor an object", () => {
    expect(parseError('{"versioning": true, "labels": null, "x": [1]}').issues).toEqual([
      "versioning: expected an enforcement level (advisory, mandatory, remediate, disabled) or an object of settings, found boolean true",
      "labels: expected an enforcement level (advisory, mandatory, remediate, disabled) or an object of settings, found null",
      "x: expected an enforcement level (advisory, mandatory, remediate, disabled) or an object of settings, found an array",
    ]);
  });

  it("rejects invalid JSON with its line and column, and a document that is not an object", () => {
    // After the position comes Node's own JSON.parse message, whose wording changes between versions.
    expect(parseError('{\n  "versioning": "mandatory",\n}').issues[0]).toMatch(
      /^\(root\): expected valid JSON, found a syntax error at line 3, column 1: /,
    );
    expect(parseError('["mandatory"]').issues).toEqual([
      "(root): expected an object mapping policy names to an enforcement level or settings, found an array",
    ]);
  });
});

describe("reconcilePolicyPackConfig (the engine's ReconcilePolicyPackConfig)", () => {
  const policies = [labels, noSchema, versioning];

  it("starts from each policy's own level and its schema defaults", () => {
    expect(reconcilePolicyPackConfig(policies, undefined, undefined)).toEqual({
      config: {
        labels: { enforcementLevel: "advisory", properties: { label: "owner", maxAgeDays: 30 } },
        "no-schema": { enforcementLevel: "advisory" },
        versioning: { enforcementLevel: "mandatory" },
      },
      validationErrors: [],
    });
  });

  it("applies `all` to every policy, then per-policy entries over it, and keeps `all` itself", () => {
    const config = parsePolicyPackConfig(
      JSON.stringify({ all: "disabled", versioning: "mandatory", labels: { label: "team" } }),
      "f.json",
    );
    expect(reconcilePolicyPackConfig(policies, undefined, config).config).toEqual({
      all: { enforcementLevel: "disabled" },
      labels: { enforcementLevel: "disabled", properties: { label: "team", maxAgeDays: 30 } },
      "no-schema": { enforcementLevel: "disabled" },
      versioning: { enforcementLevel: "mandatory" },
    });
  });

  it("applies the pack's initial config before the file, and the file wins", () => {
    const initial = { labels: { enforcementLevel: "mandatory" as const, properties: { maxAgeDays: 90 } } };
    const file = { labels: { enforcementLevel: "" as const, properties: { label: "cost-center" } } };
    expect(reconcilePolicyPackConfig([labels], initial, file).config).toEqual({
      labels: { enforcementLevel: "mandatory", properties: { label: "cost-center", maxAgeDays: 90 } },
    });
  });

  it("keeps names the pack does not know, as the engine does; findUnknownPolicyNames reports them", () => {
    const config = { typo: { enforcementLevel: "mandatory" as const } };
    expect(reconcilePolicyPackConfig([noSchema], undefined, config).config).toEqual({
      "no-schema": { enforcementLevel: "advisory" },
      typo: { enforcementLevel: "mandatory" },
    });
    expect(findUnknownPolicyNames(policies, { ...config, all: { enforcementLevel: "advisory" } })).toEqual([
      "typo",
    ]);
  });

  it("a policy named __proto__ or constructor is an unknown name like any other, not the config's prototype", () => {
    const config = parsePolicyPackConfig(
      '{"__proto__": {"enforcementLevel": "disabled"}, "constructor": "disabled", "no-schema": "mandatory"}',
      "f.json",
    );
    expect(Object.keys(config ?? {})).toEqual(["__proto__", "constructor", "no-schema"]);
    expect(findUnknownPolicyNames([noSchema], config)).toEqual(["__proto__", "constructor"]);
    const reconciled = reconcilePolicyPackConfig([noSchema], undefined, config).config;
    expect(Object.entries(reconciled)).toEqual([
      ["no-schema", { enforcementLevel: "mandatory" }],
      ["__proto__", { enforcementLevel: "disabled" }],
      ["constructor", { enforcementLevel: "disabled" }],
    ]);
  });

  it("validates each policy's merged properties against its schema with the engine's messages, sorted", () => {
    const config = parsePolicyPackConfig(JSON.stringify({ labels: { label: 7, maxAgeDays: 0 } }), "f.json");
    expect(reconcilePolicyPackConfig(policies, undefined, config)).toEqual({
      config: expect.anything(),
      validationErrors: [
        "labels: label: Invalid type. Expected: string, given: integer",
        "labels: maxAgeDays: Must be greater than or equal to 1",
      ],
    });
  });

  it("validates a policy without config as {}, so a required property without default fails", () => {
    const strict = policy("strict", {
      configSchema: { properties: { owner: { type: "string" } }, required: ["owner"] },
    });
    expect(reconcilePolicyPackConfig([strict], undefined, undefined).validationErrors).toEqual([
      "strict: owner is required",
    ]);
  });
});

describe("validatePolicyProperties (gojsonschema wording)", () => {
  const schema = {
    properties: {
      mode: { enum: ["strict", "lax"] },
      ratio: { type: "number", exclusiveMaximum: 1, multipleOf: 0.5 },
      big: { type: "integer", maximum: 1_000_000 },
      name: { type: "string", minLength: 2, maxLength: 3, pattern: "^[a-z]+$" },
      tags: { type: "array", minItems: 1, uniqueItems: true, items: { type: "string" } },
      either: { type: ["string", "boolean"] },
    },
  };

  it("words each keyword as the engine does", () => {
    expect(
      validatePolicyProperties(schema, {
        mode: "off",
        ratio: 1.25,
        big: 2_000_000,
        name: "ABCD",
        tags: ["a", "a"],
        either: 1.5,
      }).sort(),
    ).toEqual(
      [
        'mode: mode must be one of the following: "strict", "lax"',
        "ratio: Must be less than 1",
        "ratio: Must be a multiple of 0.5",
        "big: Must be less than or equal to 1e+06",
        "name: String length must be less than or equal to 3",
        "name: Does not match pattern '^[a-z]+$'",
        "tags: array items[0,1] must be unique",
        "either: Invalid type. Expected: [string,boolean], given: number",
      ].sort(),
    );
  });
});
