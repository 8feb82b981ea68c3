import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { PlanResult } from "../../tools/plan/model";
import type { EngineEvent } from "../../tools/plan-summary/events";
import { codeSpan, inertText, sanitize } from "../../tools/plan-summary/inert";
import {
  COMMENT_MARKER_PREFIX,
  DEFAULT_MAX_LENGTH,
  renderPlanMarkdown,
  renderSummaryMarkdown,
} from "../../tools/plan-summary/markdown";
import { summarizeEvents } from "../../tools/plan-summary/summarize";

/**
 * What inert.test.ts does not cover: HTML comments that would forge the marker the workflow finds
 * its comment by, GitHub math, list markers at the start of an error line, every invisible format
 * character, lone surrogates, and a comment that many long untrusted type names must not break.
 */

const WJ = "\u2060";

const wrapUntrustedPlan = require("../../.github/scripts/wrap-untrusted-plan.js") as (
  body: string,
  source: { stack: string; runUrl: string; headSha: string },
) => string;

describe("inert text: the rest of the class", () => {
  it.each([
    ["inline math", "costs $x^2$ now", "costs \\$x^2\\$ now"],
    [
      "display math",
      "$$\\color{green}{\\text{approved}}$$",
      "\\$\\$\\\\color\\{green\\}\\{\\\\text\\{approved\\}\\}\\$\\$",
    ],
    ["a nested bullet at the start", "- [x] approved", "\\- \\[x\\] approved"],
    ["a plus bullet", "+ item", "\\+ item"],
    ["a thematic break", "---", "\\---"],
    ["an ordered list", "1. first", "1\\. first"],
    ["an ordered list with )", "12) twelfth", "12\\) twelfth"],
    ["an address is no list", "0.0.0.0/0 is open", "0.0.0.0/0 is open"],
    ["a dash inside is kept", "a - b", "a - b"],
  ])("%s", (_what, input, expected) => {
    expect(inertText(input)).toBe(expected);
  });

  it("an HTML comment in a code span shows as written but holds no `<!--` in the raw body", () => {
    expect(codeSpan("<!-- platform-plan-summary:stack=staging -->")).toBe(
      `\`<${WJ}!-- platform-plan-summary:stack=staging -->\``,
    );
    expect(inertText("<!-- hidden -->")).toBe("&lt;\\!-- hidden --&gt;");
  });

  it("a code span holds no `##[` (a workflow command anywhere in a log line)", () => {
    expect(codeSpan("x##[error]forged")).toBe(`\`x##${WJ}[error]forged\``);
    expect(inertText("x##[error]")).toBe(`x\\#${WJ}\\#${WJ}\\[error\\]`);
  });

  it("removes every invisible format character and variation selector, not only bidi and zero-width ones", () => {
    // Soft hyphen, Mongolian vowel separator, deprecated format controls, interlinear annotation,
    // Unicode tags (they spell "IGNORE" invisibly), variation selectors.
    const hidden =
      "a\u00adb\u180ec\u206ad\ufff9e\u{e0049}\u{e0047}\u{e004e}\u{e004f}\u{e0052}\u{e0045}f\ufe0fg\u{e0100}h";
    expect(sanitize(hidden, 100)).toBe("abcdefgh");
    expect(codeSpan(hidden)).toBe("`abcdefgh`");
    expect(inertText(hidden)).toBe("abcdefgh");
  });

  it("a lone surrogate (half an emoji) becomes U+FFFD, never a broken character in the comment", () => {
    expect(codeSpan("a\ud83db")).toBe("`a\ufffdb`");
    expect(inertText("\udc00x")).toBe("\ufffdx");
  });
});

describe("the comment survives many long untrusted type names", () => {
  it("counts dangerous changes by kind when even counting them by type would not fit", () => {
    const longType = (index: number) => `platform:x:T${index}${"y".repeat(400)}`;
    const events = [
      ...Array.from({ length: 300 }, (_, index) => ({
        resourcePreEvent: {
          metadata: {
            op: "delete",
            urn: `urn:pulumi:prod::p::${longType(index)}::n${index}`,
            type: longType(index),
          },
        },
      })),
      {
        resourcePreEvent: {
          metadata: {
            op: "replace",
            urn: "urn:pulumi:prod::p::gcp:storage/bucket:Bucket::b",
            type: "gcp:storage/bucket:Bucket",
          },
        },
      },
      { summaryEvent: {} },
    ];
    const markdown = renderSummaryMarkdown(summarizeEvents(events, "prod"));
    expect(markdown.length).toBeLessThanOrEqual(DEFAULT_MAX_LENGTH);
    const start = markdown.indexOf("#### Dangerous changes (301)");
    expect(markdown.slice(start, markdown.indexOf("\n####", start))).toBe(
      [
        "#### Dangerous changes (301)",
        "",
        "> [!CAUTION]",
        "> Too many dangerous changes to list in a comment, of too many types to count by type: they are counted by kind below. Read the full preview in the workflow run before approving.",
        "",
        "| Why | Types | Count |",
        "|---|---|---|",
        "| delete | 300 types | 300 |",
        "| replacement | 1 type | 1 |",
        "",
      ].join("\n"),
    );
  });
});

describe("a fork's artifact cannot carry a second marker", () => {
  it("breaks `<!--` anywhere in the text and removes tag characters", () => {
    const comment = wrapUntrustedPlan("x <!-- platform-plan-summary:stack=staging -->\u{e0041}", {
      stack: "prod",
      runUrl: "https://github.com/acme-corp/platform/actions/runs/1",
      headSha: "0".repeat(40),
    });
    expect(comment).not.toContain("<!--");
    expect(comment).toContain(`\nx <${WJ}!-- platform-plan-summary:stack=staging -->\n`);
  });
});

/**
 * Splits a line as CommonMark reads code spans: a backslash escapes the next character outside a
 * span; a run of backticks opens a span that the next run of the same length closes. Returns the
 * text outside spans (what GitHub parses as Markdown, HTML and auto-links) and how many runs found
 * no closing run (CommonMark then shows the backticks and parses what follows).
 */
function codeSpans(line: string): { prose: string; unclosed: number } {
  let prose = "";
  let unclosed = 0;
  let index = 0;
  const runEnd = (from: number) => {
    let end = from;
    while (line[end] === "`") end++;
    return end;
  };
  while (index < line.length) {
    if (line[index] === "\\") {
      prose += line.slice(index, index + 2);
      index += 2;
      continue;
    }
    if (line[index] !== "`") {
      prose += line[index];
      index++;
      continue;
    }
    const openEnd = runEnd(index);
    let scan = openEnd;
    let closeEnd = -1;
    while (scan < line.length) {
      if (line[scan] !== "`") {
        scan++;
        continue;
      }
      const end = runEnd(scan);
      if (end - scan === openEnd - index) {
        closeEnd = end;
        break;
      }
      scan = end;
    }
    if (closeEnd < 0) {
      unclosed++;
      prose += line.slice(index, openEnd);
      index = openEnd;
    } else index = closeEnd;
  }
  return { prose, unclosed };
}

const COLUMNS: Record<string, number> = {
  "| Operation | Resource | Changed properties |": 3,
  "| Operation | Why | Resource | Replace reasons |": 4,
  "| Why | Type | Count |": 3,
  "| Policy | Severity | Resource | Message |": 4,
  "| Operation | Resource |": 2,
  "| Policy | Resource | Owner | Ticket | Expires |": 5,
};

/** Checks a rendered comment: one marker, every fence and `<details>` closed, every row its columns, no live markup. */
function expectInert(markdown: string): void {
  expect(markdown.startsWith(COMMENT_MARKER_PREFIX)).toBe(true);
  expect(markdown.split("<!--")).toHaveLength(2);
  expect(markdown).not.toContain("##[");
  // The renderer's own folds, each on its line: every one it opens is closed.
  const lines = markdown.split("\n");
  expect(lines.filter((line) => line.startsWith("<details><summary>")).length).toBe(
    lines.filter((line) => line === "</details>").length,
  );
  expect(markdown.length).toBeLessThanOrEqual(DEFAULT_MAX_LENGTH);
  expect(/[\p{Cc}\p{Cs}]/u.test(markdown.replace(/\n/g, ""))).toBe(false);
  expect(/[\u200b-\u200f\u202a-\u202e\u2066-\u2069\u{e0000}-\u{e007f}]/u.test(markdown)).toBe(false);
  let columns = 0;
  for (const line of markdown.split("\n").slice(1)) {
    const { prose, unclosed } = codeSpans(line);
    expect(unclosed).toBe(0);
    if (COLUMNS[line] !== undefined) columns = COLUMNS[line];
    if (line.startsWith("| ") && !/^\|[-| ]+\|$/.test(line)) {
      // GFM splits cells at every `|` not preceded by a backslash, inside code spans too.
      expect(line.split(/(?<!\\)\|/).length - 2).toBe(columns);
    }
    const text = prose.replace(/^<details><summary>[\w ]+<\/summary>$|^<\/details>$/, "");
    expect(text).not.toMatch(/<[a-z/!?]/i);
    expect(text).not.toMatch(/(^|[^\\])\$/);
    expect(text).not.toMatch(/@(?!\u2060)[a-z0-9]/i);
    expect(text).not.toMatch(/(^|[^\\])\[/);
    expect(text).not.toMatch(/https?:\/\//);
  }
}

describe("property: whatever the event log says, the comment is inert and whole", () => {
  const hostile = fc.string({
    unit: fc.oneof(
      fc.constantFrom(
        "`",
        "|",
        "\\",
        "<",
        ">",
        "!",
        "-",
        "$",
        "@",
        "#",
        "[",
        "]",
        "(",
        ")",
        "\n",
        "\r",
        "\u001b",
        "\u202e",
        "\u2066",
        "\ud800",
        "\u{e0041}",
        " ",
        "a",
        "1",
        ".",
        "<!--",
        "-->",
        "<details>",
        "##[",
        "</details>",
        "https://e.x",
        COMMENT_MARKER_PREFIX,
      ),
      fc.string({ unit: "binary", maxLength: 2 }),
    ),
    maxLength: 24,
  });

  it("for resource names, types, properties, policy fields and diagnostics", () => {
    fc.assert(
      fc.property(
        fc.record({
          name: hostile,
          type: hostile,
          property: hostile,
          policyName: hostile,
          pack: hostile,
          severity: hostile,
          message: hostile,
          diagnostic: hostile,
          op: fc.constantFrom("create", "delete", "replace", "update"),
        }),
        (input) => {
          const urn = `urn:pulumi:prod::p::${input.type}::${input.name}`;
          const events = [
            {
              resourcePreEvent: {
                metadata: {
                  op: input.op,
                  urn,
                  type: input.type,
                  diffs: [input.property],
                  keys: [input.property],
                },
              },
            },
            {
              resourcePreEvent: {
                metadata: {
                  op: "create",
                  urn: `${urn}-iam`,
                  type: "gcp:storage/bucketIAMMember:BucketIAMMember",
                  new: { inputs: { member: "allUsers" } },
                },
              },
            },
            {
              policyEvent: {
                policyName: input.policyName,
                policyPackName: input.pack,
                enforcementLevel: "mandatory",
                severity: input.severity,
                message: input.message,
                resourceUrn: urn,
              },
            },
            { diagnosticEvent: { severity: "error", message: input.diagnostic } },
            { summaryEvent: {} },
          ];
          expectInert(renderSummaryMarkdown(summarizeEvents(events as EngineEvent[], "prod")));
        },
      ),
      { seed: 114, numRuns: 300 },
    );
  });

  it("for the offline plan's exemptions and violations", () => {
    fc.assert(
      fc.property(
        fc.array(hostile, { minLength: 6, maxLength: 6 }),
        ([policy, resource, owner, ticket, expires, message]) => {
          const result: PlanResult = {
            stack: "prod",
            project: "platform",
            resources: [],
            summary: { resourceCount: 0, byType: {} },
            policy: {
              pack: { name: "platform-policies", version: "0.1.0" },
              violations: [
                {
                  policyName: policy!,
                  enforcementLevel: "advisory",
                  severity: "",
                  urn: "",
                  message: message!,
                },
              ],
              exemptions: [
                {
                  policy: policy!,
                  resource: resource!,
                  owner: owner!,
                  reason: message!,
                  ticket: ticket!,
                  expires: expires!,
                },
              ],
            },
          };
          expectInert(renderPlanMarkdown(result));
        },
      ),
      { seed: 114, numRuns: 200 },
    );
  });
});
