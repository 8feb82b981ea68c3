/**
 * The policy-document reader, case by case: strict JSON as Go's encoding/json reads it (whitespace,
 * numbers, escapes, nesting limit, the offset of each syntax error), every field of the format at
 * every level, and the exact path of each wrong value. Expected documents and messages are written
 * out by hand.
 */
import { describe, expect, it } from "vitest";
import { decodePolicyDocument, goFoldKey } from "../../policies/lib/policy-document";

const EMPTY = { bindings: [], auditConfigs: [] };
const problem = (text: string) => ({ problem: `${text}, so its grants cannot be checked` });
const syntax = (text: string) => problem(`policyData is not valid JSON: ${text}`);

describe("JSON syntax", () => {
  it("whitespace (space, tab, newline, carriage return) around every token", () => {
    expect(
      decodePolicyDocument(' \t\n\r{ \t"bindings"\n:\r[ { "role" : "r" , "members" : [ "m" ] } ] }\r\n '),
    ).toEqual({
      document: { bindings: [{ role: "r", members: ["m"] }], auditConfigs: [] },
    });
  });

  it("a JSON null document is an empty policy, as Go leaves the struct untouched", () => {
    expect(decodePolicyDocument("null")).toEqual({ document: EMPTY });
    expect(decodePolicyDocument(" null ")).toEqual({ document: EMPTY });
  });

  it.each([
    ["1E+2", 100],
    ["1e2", 100],
    ["1e10", 10_000_000_000],
    ["3e0", 3],
    ["-1", -1],
    ["0", 0],
    ["20e-1", 2],
  ])("version %s reads as %d", (text, version) => {
    expect(decodePolicyDocument(`{"version":${text}}`)).toEqual({ document: { ...EMPTY, version } });
  });

  it.each([
    ["1.25", "number 1.25"],
    ["25e-1", "number 2.5"],
    ['"3"', 'string "3"'],
    ["true", "boolean true"],
    ["[]", "an array"],
  ])("version %s is not an integer", (text, found) => {
    expect(decodePolicyDocument(`{"version":${text}}`)).toEqual(
      problem(`policyData.version is ${found}, expected an integer`),
    );
  });

  it("a null version or etag is no version or etag", () => {
    expect(decodePolicyDocument('{"version":null,"etag":null}')).toEqual({ document: EMPTY });
    expect(decodePolicyDocument('{"etag":"BwXhqD","version":3}')).toEqual({
      document: { ...EMPTY, etag: "BwXhqD", version: 3 },
    });
  });

  it.each([
    // Offsets are 0-based positions in the text where the reader stopped.
    ['{x"bindings":[]}', "expected a string at offset 1"],
    ['{"\\u12":[]}', "expected a string at offset 1"],
    ['{"bindings" []}', "expected ':' at offset 12"],
    ['{"bindings":[] ]', "expected ',' or '}' at offset 15"],
    ['{"bindings":[{} {}]}', "expected ',' or ']' at offset 16"],
    ['{"version":x1}', "expected a JSON value at offset 11"],
    ['{"version":01}', "expected ',' or '}' at offset 12"],
    ['{"version":1.}', "expected ',' or '}' at offset 12"],
    ['{"version":1e}', "expected ',' or '}' at offset 12"],
    ['{"version":+1}', "expected a JSON value at offset 11"],
    ['{"bindings":[{"role":"a\tb"}]}', "expected a string at offset 21"],
    ["", "expected a JSON value at offset 0"],
    ['{"bindings":[]', "expected ',' or '}' at offset 14"],
  ])("%j: %s", (text, message) => {
    expect(decodePolicyDocument(text)).toEqual(syntax(message));
  });

  it("escapes in keys and values are decoded", () => {
    expect(
      decodePolicyDocument('{"\\u0062indings":[{"role":"roles\\/owner","members":["a\\"b\\\\c\\n"]}]}'),
    ).toEqual({
      document: { bindings: [{ role: "roles/owner", members: ['a"b\\c\n'] }], auditConfigs: [] },
    });
  });

  it("nesting: values down to level 64 are read, a value at level 65 is refused", () => {
    // The outermost value is level 0; `[`×65 puts the innermost array at level 64.
    expect(decodePolicyDocument(`${"[".repeat(65)}${"]".repeat(65)}`)).toEqual(
      problem("policyData is an array, expected an object"),
    );
    expect(decodePolicyDocument(`${"[".repeat(66)}${"]".repeat(66)}`)).toEqual(
      syntax("nesting too deep at offset 65"),
    );
    // The same through objects: each `{"a":` is five characters, and the value `1` inside the
    // innermost object is one level deeper than that object.
    expect(decodePolicyDocument(`${'{"a":'.repeat(64)}1${"}".repeat(64)}`)).toEqual(
      problem(
        'policyData has the key "a", which is not part of the IAM policy format (expected auditConfigs, bindings, etag, version)',
      ),
    );
    expect(decodePolicyDocument(`${'{"a":'.repeat(65)}1${"}".repeat(65)}`)).toEqual(
      syntax("nesting too deep at offset 325"),
    );
  });
});

describe("goFoldKey", () => {
  it("lowers ASCII letters, folds ſ and the Kelvin sign, and keeps every other character", () => {
    expect(goFoldKey("ROLE")).toBe("role");
    expect(goFoldKey("a_1-b.C")).toBe("a_1-b.c");
    expect(goFoldKey("ROLÉ")).toBe("rolÉ");
    expect(goFoldKey("ÄÖÜ")).toBe("ÄÖÜ");
    expect(goFoldKey("\u017f\u212a")).toBe("sk");
    expect(goFoldKey("")).toBe("");
  });
});

describe("every field of the format", () => {
  it("conditions with all four fields, audit configs with exempted members", () => {
    const text = JSON.stringify({
      bindings: [
        {
          role: "roles/viewer",
          members: ["user:a@example.com", "user:b@example.com"],
          condition: { title: "t", description: "d", expression: "e", location: "l" },
        },
        { role: "roles/owner", members: [], condition: null },
      ],
      auditConfigs: [
        {
          service: "storage.googleapis.com",
          auditLogConfigs: [
            { logType: "DATA_READ", exemptedMembers: ["user:a@example.com"] },
            { logType: "ADMIN_READ" },
          ],
        },
      ],
    });
    expect(decodePolicyDocument(text)).toEqual({
      document: {
        bindings: [
          {
            role: "roles/viewer",
            members: ["user:a@example.com", "user:b@example.com"],
            condition: { title: "t", description: "d", expression: "e", location: "l" },
          },
          { role: "roles/owner", members: [] },
        ],
        auditConfigs: [
          {
            service: "storage.googleapis.com",
            auditLogConfigs: [
              { logType: "DATA_READ", exemptedMembers: ["user:a@example.com"] },
              { logType: "ADMIN_READ", exemptedMembers: [] },
            ],
          },
        ],
      },
    });
    const [, ownerBinding] = (decodePolicyDocument(text) as { document: { bindings: object[] } }).document
      .bindings;
    expect(Object.keys(ownerBinding)).toEqual(["role", "members"]);
  });

  it("keys in any case at the nested levels too", () => {
    expect(
      decodePolicyDocument(
        '{"AUDITCONFIGS":[{"Service":"s","AuditLogConfigs":[{"LOGTYPE":"DATA_WRITE","ExemptedMembers":["x"]}]}],"Etag":"e"}',
      ),
    ).toEqual({
      document: {
        bindings: [],
        auditConfigs: [
          { service: "s", auditLogConfigs: [{ logType: "DATA_WRITE", exemptedMembers: ["x"] }] },
        ],
        etag: "e",
      },
    });
  });
});

describe("a value of the wrong type names its path", () => {
  it.each([
    ['{"bindings":["roles/owner"]}', 'policyData.bindings[0] is string "roles/owner", expected an object'],
    ['{"bindings":[null]}', "policyData.bindings[0] is null, expected an object"],
    ['{"bindings":[7]}', "policyData.bindings[0] is number 7, expected an object"],
    ['{"bindings":[[]]}', "policyData.bindings[0] is an array, expected an object"],
    [
      '{"bindings":[{"role":"r","members":"allUsers"}]}',
      'policyData.bindings[0].members is string "allUsers", expected an array',
    ],
    [
      '{"bindings":[{"role":"r","members":["a",1]}]}',
      "policyData.bindings[0].members[1] is number 1, expected a string",
    ],
    [
      '{"bindings":[{"role":"r","condition":"x"}]}',
      'policyData.bindings[0].condition is string "x", expected an object',
    ],
    [
      '{"bindings":[{},{"role":"r","condition":{"title":5}}]}',
      "policyData.bindings[1].condition.title is number 5, expected a string",
    ],
    [
      '{"bindings":[{"role":"r","condition":{"foo":""}}]}',
      'policyData.bindings[0].condition has the key "foo", which is not part of the IAM policy format (expected description, expression, location, title)',
    ],
    ['{"auditConfigs":{}}', "policyData.auditConfigs is an object, expected an array"],
    ['{"auditConfigs":[{"service":1}]}', "policyData.auditConfigs[0].service is number 1, expected a string"],
    [
      '{"auditConfigs":[{"auditLogConfigs":{}}]}',
      "policyData.auditConfigs[0].auditLogConfigs is an object, expected an array",
    ],
    [
      '{"auditConfigs":[{"auditLogConfigs":[{"logType":true}]}]}',
      "policyData.auditConfigs[0].auditLogConfigs[0].logType is boolean true, expected a string",
    ],
    [
      '{"auditConfigs":[{"auditLogConfigs":[{},{"exemptedMembers":"x"}]}]}',
      'policyData.auditConfigs[0].auditLogConfigs[1].exemptedMembers is string "x", expected an array',
    ],
    [
      '{"auditConfigs":[{"auditLogConfigs":[{"logType":"DATA_READ","members":[]}]}]}',
      'policyData.auditConfigs[0].auditLogConfigs[0] has the key "members", which is not part of the IAM policy format (expected exemptedMembers, logType)',
    ],
    [
      '{"auditConfigs":[{"service":"s","role":"r"}]}',
      'policyData.auditConfigs[0] has the key "role", which is not part of the IAM policy format (expected auditLogConfigs, service)',
    ],
    ['{"etag":1}', "policyData.etag is number 1, expected a string"],
    ['"policy"', 'policyData is string "policy", expected an object'],
  ])("%s", (text, message) => {
    expect(decodePolicyDocument(text)).toEqual(problem(message));
  });
});
