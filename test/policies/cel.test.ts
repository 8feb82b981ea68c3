import { describe, expect, it } from "vitest";
import { clauseText, tokenizeCel, topLevelClauses } from "../../policies/lib/cel";
import { pinsRepositoryOwner } from "../../policies/rules/identity";

const clauses = (text: string) => topLevelClauses(text)?.map(clauseText);

describe("CEL top-level clauses", () => {
  it("splits at top-level && and flattens parenthesised conjunctions", () => {
    expect(clauses(`a == "1" && (b in ["x", "y"] && !(c in ["z"])) && d`)).toEqual([
      'a == "1"',
      'b in [ "x" , "y" ]',
      '! ( c in [ "z" ] )',
      "d",
    ]);
  });
  it("keeps a top-level || or ? : as one clause (&& binds tighter)", () => {
    expect(clauses(`a && b || c`)).toEqual(["a && b || c"]);
    expect(clauses(`a && (b || c)`)).toEqual(["a", "b || c"]);
    expect(clauses(`a ? b : c && d`)).toEqual(["a ? b : c && d"]);
  });
  it("does not split inside string literals, and knows escapes, triple quotes, raw strings and comments", () => {
    expect(clauses(`a == "x && y" && b == 'it\\'s || no'`)).toEqual(['a == "x && y"', "b == 'it\\'s || no'"]);
    expect(clauses(`a == """x " && y""" && b`)).toEqual(['a == """x " && y"""', "b"]);
    expect(clauses(`a == r"\\" && b`)).toEqual(['a == r"\\"', "b"]);
    expect(clauses("a // || true\n&& b")).toEqual(["a", "b"]);
  });
  it("refuses text it cannot read", () => {
    expect(topLevelClauses(`a == "open`)).toBeUndefined();
    expect(topLevelClauses(`(a && b`)).toBeUndefined();
    expect(topLevelClauses(`a && && b`)).toBeUndefined();
    expect(topLevelClauses("a # b")).toBeUndefined();
    expect(tokenizeCel(`a == 'x'`)?.map((t) => t.kind)).toEqual(["identifier", "operator", "string"]);
  });
});

describe("pinsRepositoryOwner", () => {
  it.each([
    `assertion.repository_owner_id == "81234567" && assertion.repository_id in ["1"]`,
    `assertion.repository_owner_id=='81234567'`,
    `(assertion.repository_id == "1") && ((assertion.repository_owner_id == "81234567"))`,
    `"81234567" == assertion.repository_owner_id && x`,
  ])("accepts %s", (condition) => {
    expect(pinsRepositoryOwner(condition)).toBe(true);
  });
  it.each([
    `assertion.repository_owner_id == "1" || true`,
    `true || assertion.repository_owner_id == "1"`,
    `assertion.repository_owner_id == "1" && x || true`,
    `(assertion.repository_owner_id == "1" || true) && x`,
    `assertion.repository_owner_id == "1" ? true : true`,
    `assertion.repository_owner_id != "1"`,
    `assertion.repository_owner_id == "1" + "2"`,
    `assertion.repository_owner_id == 1`,
    `assertion.repository_owner_id == r"1"`,
    `assertion.repository_owner_id == "1".x`,
    `!assertion.repository_owner_id == "1"`,
    `x == "assertion.repository_owner_id == '1'"`,
    `assertion.repository_owner_id == "1" && "unterminated`,
  ])("refuses %s", (condition) => {
    expect(pinsRepositoryOwner(condition)).toBe(false);
  });
});
