/** IAM policy documents decoded as the provider decodes them (Go encoding/json into the Policy struct). */
import { describe, expect, it } from "vitest";
import { decodePolicyDocument, goFoldKey } from "../../policies/lib/policy-document";

describe("decodePolicyDocument", () => {
  it("reads the document a get*IAMPolicy data source builds, conditions and audit configs included", () => {
    const text =
      '{"auditConfigs":[{"auditLogConfigs":[{"logType":"DATA_READ"}],"service":"allServices"}],"bindings":[{"condition":{"description":"","expression":"request.time < timestamp(\\"2027-01-01T00:00:00Z\\")","title":"expires"},"members":["group:ops@example.com"],"role":"roles/viewer"}]}';
    expect(decodePolicyDocument(text)).toEqual({
      document: {
        auditConfigs: [
          { service: "allServices", auditLogConfigs: [{ logType: "DATA_READ", exemptedMembers: [] }] },
        ],
        bindings: [
          {
            role: "roles/viewer",
            members: ["group:ops@example.com"],
            condition: {
              description: "",
              expression: 'request.time < timestamp("2027-01-01T00:00:00Z")',
              title: "expires",
            },
          },
        ],
      },
    });
  });
  it("matches keys as Go does: any ASCII case, ſ for s, the Kelvin sign for k, escapes decoded", () => {
    expect(goFoldKey("BINDINGS")).toBe("bindings");
    expect(goFoldKey("binding\u017f")).toBe("bindings");
    expect(goFoldKey("\u212aey")).toBe("key");
    const decoded = decodePolicyDocument(
      '{"\\u0042indings":[{"ROLE":"roles/owner","member\u017f":["allUsers"]}],"Version":3}',
    );
    expect(decoded).toEqual({
      document: { bindings: [{ role: "roles/owner", members: ["allUsers"] }], auditConfigs: [], version: 3 },
    });
  });
  it("treats null as Go does: an absent field", () => {
    expect(decodePolicyDocument('{"bindings":null,"etag":null}')).toEqual({
      document: { bindings: [], auditConfigs: [] },
    });
    expect(decodePolicyDocument('{"bindings":[{"role":null,"members":[null]}]}')).toEqual({
      document: { bindings: [{ role: "", members: [""] }], auditConfigs: [] },
    });
  });
  it.each([
    [
      '{"bindings":[],"bindings":[]}',
      'policyData has the key bindings twice ("bindings" and "bindings"); the provider would merge them',
    ],
    [
      '{"bindings":[{"role":"r","members":[],"Members":["allUsers"]}]}',
      'policyData.bindings[0] has the key members twice ("members" and "Members"); the provider would merge them',
    ],
    [
      '{"policy":{}}',
      'policyData has the key "policy", which is not part of the IAM policy format (expected auditConfigs, bindings, etag, version)',
    ],
    ['{"bindings":{}}', "policyData.bindings is an object, expected an array"],
    ['{"bindings":[{"role":7}]}', "policyData.bindings[0].role is number 7, expected a string"],
    ['{"version":1.5}', "policyData.version is number 1.5, expected an integer"],
    ["[]", "policyData is an array, expected an object"],
    ['{"bindings":[]} x', "policyData is not valid JSON: unexpected text after the document at offset 16"],
    ["{'bindings':[]}", "policyData is not valid JSON: expected a string at offset 1"],
  ])("refuses %s", (text, problem) => {
    expect(decodePolicyDocument(text)).toEqual({ problem: `${problem}, so its grants cannot be checked` });
  });
});
