import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { formatGaps } from "../../components/oncall/checks";
import { ExemptionRegisterError, loadExemptions } from "../../policies/exemptions";
import { describeValue, formatPath, formatZodIssues, UserInputError } from "../../stacks/config/errors";
import {
  isSafeTerminalText,
  quoteText,
  terminalLines,
  terminalText,
} from "../../stacks/config/terminal-text";
import { stackNameProblem } from "../../tools/cli/args";
import type { PlanResult } from "../../tools/plan/model";
import { engineConfigOf } from "../../tools/plan/project";
import { describeFailure } from "../../tools/plan/project-plan";
import { renderOutputs, renderPlanText, renderPolicy } from "../../tools/plan/report";
import { renderRisk, summarizeRisk } from "../../tools/plan/risk";
import { EventLogError, parseEventLog } from "../../tools/plan-summary/events";
import { plannedResource } from "../helpers/planned-resource";

/**
 * Untrusted text in terminal and CI-log lines: the plan's text report and the error messages that
 * quote what a user wrote. GitHub's runner reads `::command::` at the start of a line (after white
 * space) and `##[command]` anywhere in one.
 */

/** A line the Actions runner would execute as a workflow command. */
const isWorkflowCommand = (line: string) => /^\s*::/.test(line) || line.includes("##[");
const UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}\p{Variation_Selector}]/u;

describe("terminalText", () => {
  it.each([
    ["plain name", "bucket-1", "bucket-1"],
    [
      "a URN (`::` inside is not a command)",
      "urn:pulumi:prod::p::gcp:storage/bucket:Bucket::b",
      "urn:pulumi:prod::p::gcp:storage/bucket:Bucket::b",
    ],
    ["non-ASCII letters and emoji", "café-😀", "café-😀"],
    ["a newline forging a line", "x\n::error::forged", '"x\\n::error::forged"'],
    ["a carriage return overwriting the line", "ok\rFAILED", '"ok\\rFAILED"'],
    ["an ANSI colour", "\u001b[31mred\u001b[0m", '"\\u001b[31mred\\u001b[0m"'],
    [
      "an OSC 8 link",
      "\u001b]8;;https://e.x\u0007a\u001b]8;;\u0007",
      '"\\u001b]8;;https://e.x\\u0007a\\u001b]8;;\\u0007"',
    ],
    ["an 8-bit CSI (C1)", "\u009b31m", '"\\u009b31m"'],
    ["a bidi override (Trojan Source)", "report\u202etxt.exe", '"report\\u202etxt.exe"'],
    ["a zero-width space", "ad\u200bmin", '"ad\\u200bmin"'],
    ["a Unicode tag character (hidden text)", "a\u{e0041}", '"a\\udb40\\udc41"'],
    ["a variation selector", "a\ufe0f", '"a\\ufe0f"'],
    ["a line separator", "a\u2028b", '"a\\u2028b"'],
    ["a lone surrogate", "a\ud800", '"a\\ud800"'],
    ["a workflow command at the start", "::add-mask::x", '"::add-mask::x"'],
    ["a workflow command after white space", "  ::stop-commands::t", '"  ::stop-commands::t"'],
    ["the legacy command form anywhere", "a ##[error]b", '"a ##\\u005berror]b"'],
    ["quotes and backslashes once quoted", '"\\\n', '"\\"\\\\\\n"'],
  ])("%s", (_what, input, expected) => {
    expect(terminalText(input)).toBe(expected);
  });

  it("quotes are added only when needed: a safe text keeps its quotes and backslashes as they are", () => {
    expect(terminalText('say "hi" \\o/')).toBe('say "hi" \\o/');
    expect(quoteText('say "hi"')).toBe('"say \\"hi\\""');
  });

  it("property: one line, no control, escape, invisible character or workflow command; JSON.parse gives the text back", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: "binary", maxLength: 30 }),
          fc.string({
            unit: fc.constantFrom(
              ":",
              "#",
              "[",
              " ",
              "\n",
              "\r",
              "\u001b",
              "\u202e",
              "\u2028",
              '"',
              "\\",
              "a",
              "\ud800",
              "\u{e0041}",
            ),
            maxLength: 30,
          }),
        ),
        (text) => {
          const shown = terminalText(text);
          expect(UNSAFE.test(shown)).toBe(false);
          expect(isWorkflowCommand(shown)).toBe(false);
          // Also as the first thing on a report line (the tree's roots, after indentation).
          expect(isWorkflowCommand(`  ${shown}  type`)).toBe(false);
          expect(shown === text ? isSafeTerminalText(text) : JSON.parse(shown) === text).toBe(true);
          expect(JSON.parse(quoteText(text))).toBe(text);
        },
      ),
      { seed: 114, numRuns: 1000 },
    );
  });
});

describe("error messages quoting stack-file input", () => {
  it("describeValue quotes a string with its escapes and cuts it at a code point", () => {
    expect(describeValue("a\n::error::forged")).toBe('"a\\n::error::forged"');
    expect(describeValue("\u202eevil")).toBe('"\\u202eevil"');
    expect(describeValue(`${"x".repeat(76)}😀😀😀😀😀`)).toBe(`"${"x".repeat(76)}😀..."`);
  });

  it("describeValue names object keys without letting one start a line", () => {
    expect(describeValue({ "ok\n::add-mask::secret": 1, plain: 2 })).toBe(
      'an object with keys "ok\\n::add-mask::secret", plain',
    );
  });

  it("formatPath quotes a key that is not safe", () => {
    expect(formatPath(["environments", "dev\r\u001b[2K", 0, "cidr"])).toBe(
      'environments."dev\\r\\u001b[2K"[0].cidr',
    );
  });

  it("a zod error on a hostile key and value is one line naming both, escaped", () => {
    const schema = z.object({ name: z.string().regex(/^[a-z]+$/, "lower-case letters") }).strict();
    const input = { name: "x\n::error file=a::forged", "bad\nkey": 1 };
    const result = schema.safeParse(input);
    expect(result.success).toBe(false);
    const lines = formatZodIssues(result.error?.issues ?? [], { file: "Pulumi.dev.yaml", input }).sort();
    expect(lines).toEqual([
      'Pulumi.dev.yaml: "bad\\nkey": expected no such key, found unknown key `"bad\\nkey"`',
      'Pulumi.dev.yaml: name: expected lower-case letters, found "x\\n::error file=a::forged"',
    ]);
    for (const line of lines) expect(line.split("\n")).toHaveLength(1);
  });

  it("an event-log line with a hostile key cannot forge a line in the error", () => {
    const error = (() => {
      try {
        parseEventLog('{"x\\n::set-output name=a::b":1}\n', "events.ndjson");
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(EventLogError);
    expect((error as Error).message).toBe(
      'events.ndjson:1: expected an engine event with one of cancelEvent, stdoutEvent, diagnosticEvent, preludeEvent, … (see apitype/events.go), found an object with keys "x\\n::set-output name=a::b"',
    );
  });

  it("an event-log line that is not JSON is quoted with its escapes", () => {
    expect(() => parseEventLog("\u001b[2Kok ##[error]x\n", "e.ndjson")).toThrow(
      'e.ndjson:1: expected one JSON engine event per line (NDJSON, as written by `pulumi preview --event-log`), found text that is not JSON: "\\u001b[2Kok ##\\u005berror]x"',
    );
  });
});

describe("the plan's text report with hostile names", () => {
  const hostile = "::add-mask::\u001b[8m";
  const root = { ...plannedResource("gcp:storage/bucket:Bucket", hostile, {}), protect: true };
  const result: PlanResult = {
    stack: "prod",
    project: "team\nproject",
    resources: [root],
    summary: { resourceCount: 1, byType: { "gcp:storage/bucket:Bucket": 1 } },
    outputs: {
      values: { "url\r::error::x": "https://x\u001b]8;;e\u0007" },
      unknownPaths: [],
      secretPaths: [],
    },
    policy: {
      pack: { name: "platform", version: "1.0.0" },
      violations: [
        {
          policyName: "bucket-public",
          enforcementLevel: "mandatory",
          severity: "high",
          urn: root.urn,
          message: "Buckets are private.\r\nbucket ##[warning]x is \u202epublic",
        },
      ],
      exemptions: [
        {
          policy: "bucket-public",
          resource: "b\n::stop-commands::t",
          owner: "@team",
          ticket: "T-1",
          expires: "2027-01-01",
        } as NonNullable<PlanResult["policy"]>["exemptions"][number],
      ],
    },
  };

  it("every field stays on its line, quoted with visible escapes", () => {
    const text = renderPlanText(result);
    expect(text.split("\n").slice(0, 3)).toEqual([
      'Offline plan of stack prod (project "team\\nproject"): 1 resources',
      "",
      '"::add-mask::\\u001b[8m"  gcp:storage/bucket:Bucket  [protected]',
    ]);
    expect(renderOutputs(result.outputs!)).toEqual([
      "Stack outputs:",
      '  "url\\r::error::x" = "https://x\\u001b]8;;e\\u0007"',
    ]);
    expect(renderPolicy(result.policy!)).toEqual([
      "Policy pack platform@1.0.0:",
      "  1 mandatory violation",
      '  [mandatory, high] bucket-public — "::add-mask::\\u001b[8m": "bucket ##\\u005bwarning]x is \\u202epublic"',
      "  Exemptions in force:",
      '    bucket-public for "b\\n::stop-commands::t" — @team, T-1, until 2027-01-01',
    ]);
    for (const line of text.split("\n")) {
      expect(isWorkflowCommand(line)).toBe(false);
      expect(UNSAFE.test(line)).toBe(false);
    }
  });

  it("the risk summary quotes unprotected and world-open names", () => {
    const risk = summarizeRisk([
      { ...plannedResource("gcp:storage/bucket:Bucket", "a\nb", {}), protect: false },
      plannedResource("gcp:projects/iAMMember:IAMMember", "m", {
        role: "roles/x\n::error::y",
        member: "allUsers",
      }),
    ]);
    const lines = renderRisk(risk);
    expect(lines[1]).toBe(
      '  identity            1 resources; roles granted (role ×members):\n                      "roles/x\\n::error::y" ×1',
    );
    expect(lines[4]).toBe('  deletion protection 0/1 stateful resources protected; unprotected: "a\\nb"');
  });
});

describe("user-input errors as a whole", () => {
  it("terminalLines keeps the message's own lines and makes each one inert", () => {
    expect(
      terminalLines("a.yaml: x: expected y, found z\n  ::add-mask::s\r\n##[error]\u001b[1m \u202e"),
    ).toBe("a.yaml: x: expected y, found z\n  \\u003a:add-mask::s\n##\\u005berror]\\u001b[1m \\u202e");
  });

  it("a UserInputError cannot carry an escape or a workflow command, whatever a message builder left in it", () => {
    const error = new UserInputError([
      "f.yaml: k: expected x, found \u001b]8;;https://e.x\u0007y",
      "::stop-commands::t",
    ]);
    expect(error.problems).toEqual([
      "f.yaml: k: expected x, found \\u001b]8;;https://e.x\\u0007y",
      "\\u003a:stop-commands::t",
    ]);
    expect(error.message).toBe(error.problems.join("\n"));
  });

  it("a team stack file's config key with a line break is quoted in its one-line error", () => {
    expect(() => engineConfigOf("team", { "a:b:c:d\n::error::x": 1 }, "Pulumi.dev.yaml")).toThrow(
      new UserInputError([
        'Pulumi.dev.yaml: config."a:b:c:d\\n::error::x": expected a key of the form `namespace:name`, or `name` for the project\'s own, found `"a:b:c:d\\n::error::x"`',
      ]),
    );
  });

  it("--stack quotes what it found with visible escapes", () => {
    expect(stackNameProblem("dev\u202e\n")).toBe(
      "command line: --stack: expected a stack name of letters, digits, '-', '_' or '.', found \"dev\\u202e\\n\"",
    );
  });
});

describe("a team program's failure and the on-call gaps, as printed", () => {
  it("a program's error keeps its lines but no escape or workflow command", () => {
    const previous = process.env.PLATFORM_PLAN_STACK_TRACES;
    delete process.env.PLATFORM_PLAN_STACK_TRACES;
    try {
      expect(describeFailure(new TypeError("bad input\n::add-mask::x\u001b[2K\r"))).toBe(
        "TypeError: bad input\n\\u003a:add-mask::x\\u001b[2K\\r (PLATFORM_PLAN_STACK_TRACES=1 shows where)",
      );
    } finally {
      if (previous !== undefined) process.env.PLATFORM_PLAN_STACK_TRACES = previous;
    }
  });

  it("an on-call gap's message stays on its line", () => {
    expect(
      formatGaps([
        { kind: "unrouted", message: "area x\n::error::y" } as Parameters<typeof formatGaps>[0][number],
      ]),
    ).toBe('on-call check: 1 gap\n  unrouted: "area x\\n::error::y"');
  });
});

describe("the exemption register's errors", () => {
  it("quote a policy name with visible escapes, on one line (the schema's message)", () => {
    const register = [
      "exemptions:",
      '  - policy: "x\\n::error::forged\\u202e"',
      "    resource: urn:pulumi:dev::platform::gcp:storage/bucket:Bucket::b",
      "    stacks: [dev]",
      "    owner: team",
      "    reason: a temporary exemption for a test",
      "    ticket: PLAT-142",
      "    expires: 2027-01-01",
    ].join("\n");
    expect(() => loadExemptions("policies/exemptions.yaml", register, ["bucket-public"])).toThrow(
      new ExemptionRegisterError(
        'policies/exemptions.yaml: exemptions[0].policy: expected a policy name in kebab-case, found "x\\n::error::forged\\u202e"',
      ),
    );
  });
});
