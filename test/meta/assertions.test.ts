/**
 * Guard against assertions that only check existence or positivity. `toBeDefined()`, `toBeTruthy()`,
 * `> 0`, `length > 0` and `expect.any()` pass for almost any wrong answer; where the value is known,
 * a test states it. The few places where it is not (a port the system picks, a duration, a count
 * that moves with an SDK release or with the bundled stacks) are listed below with the reason.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(__dirname, "../..");
const TEST_DIR = join(ROOT, "test");

/** Matchers that say "something is there" rather than what it is. */
const WEAK_MATCHER =
  /\.(?:toBeDefined|toBeTruthy|toBeFalsy)\(\)|\.not\.(?:toBeUndefined|toBeNull)\(\)|\.toBeGreaterThan\(0\)|\.toBeGreaterThanOrEqual\([01]\)/g;
/** `expect(x.length).toBeGreaterThan(n)`: a lower bound on a count. */
const LENGTH_BOUND = /\.toBeGreaterThan(?:OrEqual)?\([^)]*\)/g;
const ANY = /expect\.any\(/g;
/** `expect(list.some(...)).toBe(true)` (there is one) and `expect(list.every(...)).toBe(true)` (true of none). */
const TRUE = /\.toBe\(true\)/g;

interface Finding {
  file: string;
  line: number;
  /** The assertion from `expect(` to the matcher's end, whitespace collapsed, template literals as `…`. */
  assertion: string;
}

/** Where a weak form stays, and why: [file, assertion, reason]. */
const ALLOWED: [file: string, assertion: string, reason: string][] = [
  [
    "test/config/fuzz.test.ts",
    "expect(error.problems.length).toBeGreaterThan(0)",
    "random input: how many problems is unknown; each one's wording is checked next",
  ],
  [
    "test/policies/pack-start.test.ts",
    "expect(Number(port)).toBeGreaterThanOrEqual(1)",
    "a free port the system picks; the upper bound is checked too",
  ],
  [
    "test/monitoring/coverage.test.ts",
    "expect(cloudMonitoringSlos).toBeGreaterThanOrEqual(1)",
    "bundled stacks: counts are not pinned (DESIGN), only that the check is not vacuous",
  ],
  [
    "test/monitoring/coverage.test.ts",
    "expect(channels.length, policy.name).toBeGreaterThanOrEqual(1)",
    "bundled stacks: which channels is the stack's routing; that each channel is a channel of the plan is checked exactly",
  ],
  [
    "test/monitoring/coverage.test.ts",
    "expect(policies.length).toBeGreaterThanOrEqual(2 * cloudMonitoringSlos)",
    "bundled stacks: a page and a ticket per SLO at least; other alerts may be added",
  ],
  [
    "test/plan/stacks.test.ts",
    "expect(dependencies.length, `…`).toBeGreaterThanOrEqual(1)",
    "bundled stacks: which resources is the stack's business; that each is a resource of the plan is checked exactly",
  ],
  [
    "test/plan/stacks.test.ts",
    'expect(unknown.some(({ path }) => path === "member")).toBe(true)',
    "bundled stacks: which grants exist is the stack's business; that some member is unknown at preview is the property",
  ],
  [
    "test/package/packed.test.ts",
    'expect([ "components/", "stacks/", "policies/", "tools/plan", "tools/plan-summary", "tools/analyzer", "tools/cli", ].some((allowed) => folder === allowed.replace(/\\/$/, "") || folder.startsWith(allowed)), folder).toBe(true)',
    "membership of each packed folder in a hand-written allow-list is the property",
  ],
  [
    "test/plan-summary/summary.test.ts",
    "expect(omitted, heading).toBeGreaterThanOrEqual(1)",
    "the cut point follows row widths; rows shown + omitted = total is checked exactly",
  ],
  [
    "test/plan-summary/summary.test.ts",
    "expect(markdown.length).toBeGreaterThan(50_000)",
    "the length follows row widths; the upper bound (GitHub's limit) is checked too",
  ],
  [
    "test/plan-summary/inert.test.ts",
    "expect(omitted).toBeGreaterThanOrEqual(1)",
    "the cut point follows row widths; rows shown + omitted = total is checked exactly",
  ],
  [
    "test/analyzer/throughput.test.ts",
    "expect(resources.length).toBeGreaterThan(60)",
    "a sample size for a throughput figure; the exact count is the generator's",
  ],
  ["test/analyzer/throughput.test.ts", "expect(result.startMs).toBeGreaterThan(0)", "a measured duration"],
  ["test/analyzer/throughput.test.ts", "expect(result.analyzeMs).toBeGreaterThan(0)", "a measured duration"],
  [
    "test/analyzer/throughput.test.ts",
    "expect(result.analyzeStackMs).toBeGreaterThan(0)",
    "a measured duration",
  ],
  [
    "test/analyzer/throughput.test.ts",
    "expect(result.violations).toBeGreaterThan(0)",
    "that violations flow through the timed run; the rules' answers are checked by the rule tests",
  ],
  [
    "test/analyzer/wire.test.ts",
    "expect(planned.length).toBeGreaterThan(50)",
    "the bundled dev stack as a sample: its size is not pinned (DESIGN)",
  ],
  [
    "test/analyzer/wire.test.ts",
    "expect(actual.length).toBeGreaterThan(64 * 1024)",
    "a size past the writer's first buffer, so growing it is covered; the bytes are compared exactly",
  ],
  [
    "test/policies/coverage.test.ts",
    "expect(sdkTypes.length).toBeGreaterThan(1000)",
    "the number of @pulumi/gcp types moves with each release",
  ],
  [
    "test/policies/coverage.test.ts",
    "expect(group.reason.length, group.types[0]).toBeGreaterThan(20)",
    "prose; the docs are checked to show it word for word",
  ],
  [
    "test/policies/tokens.test.ts",
    "expect(families.length).toBeGreaterThan(400)",
    "the number of @pulumi/gcp IAM resources moves with each release",
  ],
  [
    "test/plan-summary/summary.test.ts",
    "expect(start, `…`).toBeGreaterThanOrEqual(0)",
    "a helper's precondition (the heading is there); callers assert the section's content",
  ],
  [
    "test/policies/tokens.test.ts",
    "expect(start, `…`).toBeGreaterThanOrEqual(0)",
    "a helper's precondition (the SDK declares the interface); callers assert its fields",
  ],
  [
    "test/policies/tokens.test.ts",
    "expect(match, `…`).not.toBeNull()",
    "a precondition (the SDK declares the interface); its fields are asserted next",
  ],
  ["test/policy-docs.test.ts", "expect(rule.description.length, rule.name).toBeGreaterThan(10)", "prose"],
  [
    "test/policy-docs.test.ts",
    "expect(rule.remediationSteps.length, rule.name).toBeGreaterThan(10)",
    "prose",
  ],
];

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "fixtures" ? [] : testFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

/** The `expect(...)` that the matcher at `matchStart` is called on, up to `matchEnd`, in the findings' form. */
function assertionEndingAt(text: string, matchStart: number, matchEnd: number): string {
  let depth = 0;
  for (let index = matchStart - 1; index >= 0; index--) {
    const char = text[index];
    if (char === ")") depth++;
    else if (char === "(" && --depth === 0) {
      const start = index - "expect".length;
      if (text.slice(start, index) !== "expect") break;
      return text
        .slice(start, matchEnd)
        .replace(/\s+/g, " ")
        .replace(/\( /g, "(")
        .replace(/,? \)/g, ")")
        .replace(/`[^`]*`/g, "`…`");
    }
  }
  return text.slice(matchStart, matchEnd);
}

function weakAssertions(file: string, text: string): Finding[] {
  const findings: Finding[] = [];
  const lineOf = (offset: number) => text.slice(0, offset).split("\n").length;
  for (const match of text.matchAll(WEAK_MATCHER)) {
    const assertion = assertionEndingAt(text, match.index, match.index + match[0].length);
    if (assertion.startsWith("expect")) findings.push({ file, line: lineOf(match.index), assertion });
  }
  for (const match of text.matchAll(LENGTH_BOUND)) {
    const assertion = assertionEndingAt(text, match.index, match.index + match[0].length);
    const subject = assertion.slice("expect(".length, assertion.lastIndexOf(").toBeGreaterThan"));
    const alreadyFound = /\.toBeGreaterThan\(0\)|\.toBeGreaterThanOrEqual\([01]\)/.test(match[0]);
    if (/\.length\)*(?:,|$)/.test(subject) && !alreadyFound)
      findings.push({ file, line: lineOf(match.index), assertion });
  }
  for (const match of text.matchAll(TRUE)) {
    const assertion = assertionEndingAt(text, match.index, match.index + match[0].length);
    if (/^expect\(.*\.(?:some|every)\(/.test(assertion))
      findings.push({ file, line: lineOf(match.index), assertion });
  }
  for (const match of text.matchAll(ANY))
    findings.push({
      file,
      line: lineOf(match.index),
      assertion: text.slice(match.index).split("\n")[0].trim(),
    });
  return findings;
}

const SELF = relative(ROOT, __filename);

describe("assertions in the test suite", () => {
  const findings = testFiles(TEST_DIR)
    .map((path) => relative(ROOT, path))
    .filter((file) => file !== SELF)
    .flatMap((file) => weakAssertions(file, readFileSync(join(ROOT, file), "utf8")));

  it("state the expected value wherever it is known", () => {
    const allowed = new Set(ALLOWED.map(([file, assertion]) => `${file} ${assertion}`));
    const unexplained = findings
      .filter((finding) => !allowed.has(`${finding.file} ${finding.assertion}`))
      .map((finding) => `${finding.file}:${finding.line}: ${finding.assertion}`);
    expect(unexplained).toEqual([]);
  });

  it("allow only weak forms that still exist, each with its reason", () => {
    const found = new Set(findings.map((finding) => `${finding.file} ${finding.assertion}`));
    expect(ALLOWED.filter(([file, assertion]) => !found.has(`${file} ${assertion}`))).toEqual([]);
    expect(ALLOWED.filter(([, , reason]) => reason.trim() === "")).toEqual([]);
  });

  it("recognises the weak forms, across lines too", () => {
    const sample = [
      "expect(thing).toBeDefined();",
      "expect(flag).toBeTruthy();",
      "expect(\n  items.length,\n  'why',\n).toBeGreaterThan(3);",
      "expect(count).toBeGreaterThan(0);",
      "expect(count).toBeGreaterThanOrEqual(1);",
      "expect(value).not.toBeUndefined();",
      "expect(match).not.toBeNull();",
      "expect(x).toEqual(expect.any(String));",
      "expect(count).toBe(3);",
      "expect(end).toBeGreaterThan(start);",
      "expect(size).toBeGreaterThan(1000);",
      "expect(list.some((x) => x > 1)).toBe(true);",
      "expect(list.every((x) => x > 1)).toBe(true);",
      "expect(list.some((x) => x > 1)).toBe(false);",
    ].join("\n");
    expect(weakAssertions("sample.ts", sample).map(({ line, assertion }) => [line, assertion])).toEqual([
      [1, "expect(thing).toBeDefined()"],
      [2, "expect(flag).toBeTruthy()"],
      [7, "expect(count).toBeGreaterThan(0)"],
      [8, "expect(count).toBeGreaterThanOrEqual(1)"],
      [9, "expect(value).not.toBeUndefined()"],
      [10, "expect(match).not.toBeNull()"],
      [6, "expect(items.length, 'why').toBeGreaterThan(3)"],
      [15, "expect(list.some((x) => x > 1)).toBe(true)"],
      [16, "expect(list.every((x) => x > 1)).toBe(true)"],
      [11, "expect.any(String));"],
    ]);
  });
});
