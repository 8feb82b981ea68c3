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
];
