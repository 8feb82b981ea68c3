/**
 * Mutants that no test can kill because the mutated program behaves exactly like the original.
 * Each is named by its file, Stryker's mutator, the original source text and the replacement, so
 * the entry follows the code when lines move and stops matching when the code changes. They are
 * left out of the scores in docs/mutation-scores.md (neither killed nor survived), with the reason.
 */
export interface EquivalentMutant {
  file: string;
  mutatorName: string;
  original: string;
  replacement: string;
  /**
   * Text the mutant's whole source line(s) must contain, when the original text occurs in the file
   * at places where the mutant is not equivalent: the entry then marks only the intended site.
   */
  within?: string;
  reason: string;
}

export const EQUIVALENT_MUTANTS: readonly EquivalentMutant[] = [
  {
    file: "stacks/config/cidr.ts",
    mutatorName: "EqualityOperator",
    original: "i < parsed.length",
    replacement: "i <= parsed.length",
    reason:
      "the extra outer pass (i = length) starts the inner loop at length + 1, which runs no iteration: same pairs",
  },
  {
    file: "components/ci-identity/claims.ts",
    mutatorName: "Regex",
    original: "/[^a-z0-9-]+/g",
    replacement: "/[^a-z0-9-]/g",
    reason:
      "each character becomes a dash instead of each run, and the next replace collapses runs of dashes",
  },
  {
    file: "policies/lib/iam.ts",
    mutatorName: "ArrayDeclaration",
    original: "[]",
    replacement: '["Stryker was here"]',
    reason:
      "a string in place of an empty list of bindings, dataset accesses or role entities yields no member and no grant either",
  },
  {
    file: "policies/lib/iam.ts",
    mutatorName: "StringLiteral",
    original: '""',
    replacement: '"Stryker was here!"',
    reason:
      'in `props.entity ?? ""`: any text without an entity prefix reads as no member, like the empty string',
  },
  {
    file: "policies/lib/iam.ts",
    mutatorName: "ConditionalExpression",
    original: "colon >= 0",
    replacement: "true",
    reason:
      "without a colon, indexOf is -1 and text.slice(-1 + 1) is the whole text, as the other branch gives",
  },
  {
    file: "policies/lib/iam.ts",
    mutatorName: "Regex",
    original: "/^(.+)\\.iam\\.gserviceaccount\\.com$/",
    replacement: "/(.+)\\.iam\\.gserviceaccount\\.com$/",
    reason: "`(.+)` already starts at the first character: the leftmost match is the anchored one",
  },
  {
    file: "tools/access/simulate.ts",
    mutatorName: "ConditionalExpression",
    original: "byAccount.size === 0",
    replacement: "false",
    reason:
      "skipping a provider without grants only saves work: evaluateProvider has no side effect and never throws (CEL errors are values), and the loop over no grants decides nothing",
  },
  {
    file: "tools/access/simulate.ts",
    mutatorName: "StringLiteral",
    original: '"utf8"',
    replacement: '""',
    reason: "Buffer.byteLength counts a string in UTF-8 when the encoding is empty",
  },
  {
    file: "tools/access/simulate.ts",
    mutatorName: "ConditionalExpression",
    original: 'expr.exprKind.case === "callExpr"',
    replacement: "true",
    reason:
      "only a call expression's value has a `function` field: for any other expression it is undefined, never `_&&_`",
  },
  {
    file: "tools/access/simulate.ts",
    mutatorName: "BlockStatement",
    original: "{\n    return undefined;\n  }",
    replacement: "{}",
    within: "catch",
    reason: "an empty catch block makes the function return undefined, as `return undefined` does",
  },
  {
    file: "tools/access/simulate.ts",
    mutatorName: "ConditionalExpression",
    original: "!parsed",
    replacement: "false",
    within: "if (!parsed) return false;",
    reason:
      "memberMatches is only called with pool members of the provider's pool (public members short-circuit before it), which always parse",
  },
  {
    file: "tools/access/simulate.ts",
    mutatorName: "BooleanLiteral",
    original: "false",
    replacement: "true",
    within: "if (!parsed) return false;",
    reason:
      "memberMatches is only called with pool members of the provider's pool (public members short-circuit before it), which always parse",
  },
  {
    file: "tools/access/simulate.ts",
    mutatorName: "StringLiteral",
    original: '""',
    replacement: '"Stryker was here!"',
    within: 'parsed.value ?? ""',
    reason: "parseMember always sets the value of a group or attribute member: the fallback is never used",
  },
  {
    file: "tools/access/simulate.ts",
    mutatorName: "Regex",
    original: "/^attribute\\.([a-z0-9_]+)\\/(.+)$/",
    replacement: "/^attribute\\.([a-z0-9_]+)\\/(.+)/",
    reason:
      "the text comes from the member pattern's `(.+)$`, which holds no line terminator: the greedy `(.+)` reaches its end either way",
  },
  {
    file: "tools/access/simulate.ts",
    mutatorName: "OptionalChaining",
    original: "parseMember(member)?.attribute",
    replacement: "parseMember(member).attribute",
    reason:
      "describeCandidates only sees the members of a refusal at the binding: pool members that parsed (a public member would have matched)",
  },
  {
    file: "tools/access/simulate.ts",
    mutatorName: "OptionalChaining",
    original: "parsed?.kind",
    replacement: "parsed.kind",
    reason:
      "describeCandidates only sees the members of a refusal at the binding: pool members that parsed (a public member would have matched)",
  },
  {
    file: "policies/lib/policy-document.ts",
    mutatorName: "ConditionalExpression",
    original: "at < text.length",
    replacement: "true",
    within: '" \\t\\n\\r".includes(text[at])',
    reason:
      "past the end text[at] is undefined, which the whitespace string does not include: the loop stops there anyway",
  },
  {
    file: "policies/lib/policy-document.ts",
    mutatorName: "EqualityOperator",
    original: "at < text.length",
    replacement: "at <= text.length",
    within: '" \\t\\n\\r".includes(text[at])',
    reason:
      "past the end text[at] is undefined, which the whitespace string does not include: the loop stops there anyway",
  },
  {
    file: "policies/lib/policy-document.ts",
    mutatorName: "Regex",
    original: "/^[A-Za-z]$/",
    replacement: "/[A-Za-z]$/",
    reason:
      "the text tested is one code point (a for-of character): one ASCII letter matches with or without the anchor",
  },
  {
    file: "policies/lib/policy-document.ts",
    mutatorName: "Regex",
    original: "/^[A-Za-z]$/",
    replacement: "/^[A-Za-z]/",
    reason:
      "the text tested is one code point (a for-of character): one ASCII letter matches with or without the anchor",
  },
  {
    file: "policies/lib/policy-document.ts",
    mutatorName: "ConditionalExpression",
    original: 'typeof version !== "number"',
    replacement: "false",
    reason:
      "Number.isInteger is false for every value that is not a number: the second test refuses the same values",
  },
  {
    file: "policies/lib/policy-document.ts",
    mutatorName: "ConditionalExpression",
    original: "!(error instanceof PolicySyntaxError)",
    replacement: "false",
    reason:
      "for any string the reader throws only PolicySyntaxError: JSON.parse is given only text its own patterns matched, and nesting is bounded",
  },
];
