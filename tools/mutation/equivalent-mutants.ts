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
  {
    file: "policies/lib/address-space.ts",
    mutatorName: "Regex",
    original: "/^[0-9A-Fa-f:.]+$/",
    replacement: "/[0-9A-Fa-f:.]+$/",
    reason:
      "every character outside the IPv6 alphabet is refused later anyway: in a word by the word pattern, in the IPv4 tail by the IPv4 pattern; this first test only adds the single `::` rule",
  },
  {
    file: "policies/lib/address-space.ts",
    mutatorName: "Regex",
    original: "/^[0-9A-Fa-f:.]+$/",
    replacement: "/^[0-9A-Fa-f:.]+/",
    reason:
      "every character outside the IPv6 alphabet is refused later anyway: in a word by the word pattern, in the IPv4 tail by the IPv4 pattern; this first test only adds the single `::` rule",
  },
  {
    file: "policies/lib/address-space.ts",
    mutatorName: "ArrayDeclaration",
    original: "[]",
    replacement: '["Stryker was here"]',
    within: "(text.match(/::/g) ?? [])",
    reason: "no `::` and one non-`::` entry both count fewer than two `::`",
  },
  {
    file: "policies/lib/address-space.ts",
    mutatorName: "MethodExpression",
    original: "text.slice(lastColon + 1)",
    replacement: "text",
    within: 'if (text.slice(lastColon + 1).includes("."))',
    reason:
      "a dot outside the text after the last colon sits in a word, which the word pattern refuses; the IPv4 tail read next comes from the same last colon either way",
  },
  {
    file: "policies/lib/address-space.ts",
    mutatorName: "ArithmeticOperator",
    original: "lastColon + 1",
    replacement: "lastColon - 1",
    within: 'if (text.slice(lastColon + 1).includes("."))',
    reason:
      "a dot outside the text after the last colon sits in a word, which the word pattern refuses; the IPv4 tail read next comes from the same last colon either way",
  },
  {
    file: "policies/lib/address-space.ts",
    mutatorName: "StringLiteral",
    original: '":"',
    replacement: '""',
    within: 'if (head.endsWith(":") && !head.endsWith("::"))',
    reason: "head is the text up to and including its last colon: it always ends with one",
  },
  {
    file: "policies/lib/address-space.ts",
    mutatorName: "StringLiteral",
    original: '"::"',
    replacement: '""',
    within: 'head.includes("::") ? head.split("::")',
    reason: "splitting a head without `::` on `::` gives [head] and no right part, as the other branch does",
  },
  {
    file: "policies/lib/address-space.ts",
    mutatorName: "ConditionalExpression",
    original: "family === 6 && prefix >= 96",
    replacement: "true",
    reason:
      "an IPv4 value is below 2^32, and an interval wider than /96 starts at an even multiple of 2^32: neither can start at 0xffff << 32, so the test on the start alone decides",
  },
  {
    file: "policies/lib/address-space.ts",
    mutatorName: "LogicalOperator",
    original: "family === 6 && prefix >= 96",
    replacement: "family === 6 || prefix >= 96",
    reason:
      "an IPv4 value is below 2^32, and an interval wider than /96 starts at an even multiple of 2^32: neither can start at 0xffff << 32, so the test on the start alone decides",
  },
  {
    file: "policies/lib/address-space.ts",
    mutatorName: "ConditionalExpression",
    original: "family === 6",
    replacement: "true",
    within: "family === 6 && prefix >= 96",
    reason:
      "an IPv4 value is below 2^32, and an interval wider than /96 starts at an even multiple of 2^32: neither can start at 0xffff << 32, so the test on the start alone decides",
  },
  {
    file: "policies/lib/address-space.ts",
    mutatorName: "ConditionalExpression",
    original: "prefix >= 96",
    replacement: "true",
    within: "family === 6 && prefix >= 96",
    reason:
      "an IPv4 value is below 2^32, and an interval wider than /96 starts at an even multiple of 2^32: neither can start at 0xffff << 32, so the test on the start alone decides",
  },
  {
    file: "policies/lib/address-space.ts",
    mutatorName: "EqualityOperator",
    original: "a.from < b.from",
    replacement: "a.from <= b.from",
    reason:
      "V8's sort only asks whether the comparator is negative (a before b); which of two intervals with the same start comes first does not change their union",
  },
  {
    file: "policies/lib/address-space.ts",
    mutatorName: "ConditionalExpression",
    original: "a.from > b.from",
    replacement: "true",
    reason:
      "V8's sort only asks whether the comparator is negative (a before b); which of two intervals with the same start comes first does not change their union",
  },
  {
    file: "policies/lib/address-space.ts",
    mutatorName: "ConditionalExpression",
    original: "a.from > b.from",
    replacement: "false",
    reason:
      "V8's sort only asks whether the comparator is negative (a before b); which of two intervals with the same start comes first does not change their union",
  },
  {
    file: "policies/lib/address-space.ts",
    mutatorName: "EqualityOperator",
    original: "a.from > b.from",
    replacement: "a.from >= b.from",
    reason:
      "V8's sort only asks whether the comparator is negative (a before b); which of two intervals with the same start comes first does not change their union",
  },
  {
    file: "policies/lib/address-space.ts",
    mutatorName: "EqualityOperator",
    original: "a.from > b.from",
    replacement: "a.from <= b.from",
    reason:
      "V8's sort only asks whether the comparator is negative (a before b); which of two intervals with the same start comes first does not change their union",
  },
  {
    file: "policies/lib/address-space.ts",
    mutatorName: "EqualityOperator",
    original: "next.from <= current.to + 1n",
    replacement: "next.from < current.to + 1n",
    reason:
      "two adjacent intervals left apart hold the same addresses, and each is measured against the non-public ranges on its own",
  },
  {
    file: "policies/lib/address-space.ts",
    mutatorName: "EqualityOperator",
    original: "next.to > current.to",
    replacement: "next.to >= current.to",
    reason: "with equal bounds both branches pick the same value",
  },
  {
    file: "policies/lib/address-space.ts",
    mutatorName: "EqualityOperator",
    original: "interval.from > reserved.from",
    replacement: "interval.from >= reserved.from",
    reason: "with equal bounds both branches pick the same value",
  },
  {
    file: "policies/lib/address-space.ts",
    mutatorName: "EqualityOperator",
    original: "interval.to < reserved.to",
    replacement: "interval.to <= reserved.to",
    reason: "with equal bounds both branches pick the same value",
  },
  {
    file: "policies/lib/address-space.ts",
    mutatorName: "Regex",
    original: "/\\.0$/",
    replacement: "/\\.0/",
    reason: "toFixed(1) leaves one digit after the only dot: `.0` can only be the end",
  },
  {
    file: "tools/access/grants.ts",
    mutatorName: "StringLiteral",
    original: '"policy"',
    replacement: '""',
    within: 'kind: "policy"',
    reason: "bindingsOf reads policyData for every kind but member and binding: an empty kind reads it too",
  },
  {
    file: "tools/access/grants.ts",
    mutatorName: "ArrayDeclaration",
    original: "[]",
    replacement: '["Stryker was here"]',
    within: "      : [];",
    reason: "a permission named `Stryker was here` impersonates nothing, like no permission",
  },
  {
    file: "tools/access/grants.ts",
    mutatorName: "ArrayDeclaration",
    original: "[]",
    replacement: '["Stryker was here"]',
    within: "held(permissionsOf(role) ?? [])",
    reason: "permissionsOf is defined for every predefined role: the fallback is never used",
  },
  {
    file: "tools/access/grants.ts",
    mutatorName: "StringLiteral",
    original: '""',
    replacement: '"Stryker was here!"',
    within: "add(emailOf(String(resource.inputs.serviceAccountId ??",
    reason: "neither an empty id nor that text is an account e-mail: neither names an account",
  },
  {
    file: "policies/rules/reach.ts",
    mutatorName: "ConditionalExpression",
    original: "match[2] !== undefined",
    replacement: "true",
    reason:
      "the set of pull-request events holds strings only: has(undefined) is false, as the skipped test gives",
  },
  {
    file: "policies/rules/reach.ts",
    mutatorName: "ConditionalExpression",
    original: "account.member !== undefined",
    replacement: "true",
    reason: "grant members are always strings: an undefined account member never equals one",
  },
  {
    file: "policies/rules/reach.ts",
    mutatorName: "ConditionalExpression",
    original: "!list.includes(account)",
    replacement: "true",
    reason: "an account listed twice is queued twice, and the second visit is skipped by `seen`",
  },
  {
    file: "policies/rules/reach.ts",
    mutatorName: "ConditionalExpression",
    original: "account.member",
    replacement: "true",
    within: "if (account.member)",
    reason:
      "actsAs is keyed by grant members, which are strings: looking up undefined finds nothing to follow",
  },
  {
    file: "policies/rules/reach.ts",
    mutatorName: "ConditionalExpression",
    original: "found.length > 0",
    replacement: "true",
    reason: "a principal recorded with an empty list reports nothing",
  },
  {
    file: "policies/rules/reach.ts",
    mutatorName: "EqualityOperator",
    original: "found.length > 0",
    replacement: "found.length >= 0",
    reason: "a principal recorded with an empty list reports nothing",
  },
  {
    file: "policies/rules/reach.ts",
    mutatorName: "ConditionalExpression",
    original: "repository !== undefined",
    replacement: "true",
    reason: "platformRepositoryIds holds strings: has(undefined) is false, as the skipped test gives",
  },
  {
    file: "policies/rules/reach.ts",
    mutatorName: "StringLiteral",
    original: '"resource"',
    replacement: '""',
    reason:
      "a grant on a resource other than an account or the hierarchy never covers an account (grantCovers is false for any other level), so that level name is never shown",
  },
];
