import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { PlanResult } from "../../tools/plan/model";
import { EventLogError, parseEventLog } from "../../tools/plan-summary/events";
import { codeSpan, inertText, sanitize } from "../../tools/plan-summary/inert";
import { renderPlanMarkdown, renderSummaryMarkdown } from "../../tools/plan-summary/markdown";
import { summarizeEvents } from "../../tools/plan-summary/summarize";
import { plannedResource } from "../helpers/planned-resource";

/** Untrusted text in pull-request comments: resource names, policy messages, event-log fields. */

const WJ = "\u2060";

describe("codeSpan: identifiers", () => {
  it.each([
    ["plain", "bucket-1", "`bucket-1`"],
    ["one backtick inside", "a`b", "``a`b``"],
    ["a run of three", "x```y", "````x```y````"],
    ["a backtick at the start and end (padded)", "`evil`", "`` `evil` ``"],
    ["only backticks", "```", "```` ``` ````"],
  ])("%s", (_what, name, expected) => {
    expect(codeSpan(name)).toBe(expected);
  });

  it("escapes pipes in tables (GFM reads them as column breaks even in code spans)", () => {
    expect(codeSpan("a|b", { inTable: true })).toBe("`a\\|b`");
  });

  it("strips ANSI escapes, controls, bidi overrides and zero-width characters; one line", () => {
    expect(codeSpan("\u001b[31mred\u001b[0m\nnext\u0007")).toBe("`red next`");
    // "Trojan source": RLO makes `txt.exe` display as `exe.txt`.
    expect(codeSpan("report\u202Etxt.exe")).toBe("`reporttxt.exe`");
    expect(codeSpan("a\u2066b\u2069c\u200bd\ufeff")).toBe("`abcd`");
    expect(codeSpan("\u001b]8;;https://evil.example\u0007link\u001b]8;;\u0007")).toBe("`link`");
  });

  it("truncates long names at the limit, never inside a surrogate pair", () => {
    expect(codeSpan("x".repeat(500), { max: 10 })).toBe(`\`${"x".repeat(9)}…\``);
    expect(codeSpan("😀😀😀", { max: 2 })).toBe("`😀…`");
  });

  it("property: whatever the name, the span opens and closes with the same fence and nothing escapes it", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom("`", "a", " ", "|", "\\", "<", "@"), maxLength: 40 }),
        (name) => {
          const span = codeSpan(name, { inTable: true });
          if (span === "—") return;
          const fence = /^`+/.exec(span)?.[0] ?? "";
          expect(span.endsWith(fence)).toBe(true);
          const inner = span.slice(fence.length, span.length - fence.length);
          // No run of backticks inside is as long as the fence: the span cannot close early.
          for (const run of inner.match(/`+/g) ?? []) expect(run.length).not.toBe(fence.length);
          // Every pipe is escaped.
          expect(inner.replace(/\\\|/g, "")).not.toContain("|");
        },
      ),
      { seed: 8086, numRuns: 500 },
    );
  });
});

describe("inertText: prose", () => {
  it.each([
    ["HTML", "<img src=x onerror=alert(1)>", "&lt;img src=x onerror=alert\\(1\\)&gt;"],
    ["an image", "![x](https://evil.example/p.png)", `\\!\\[x\\]\\(https:${WJ}//evil.example/p.png\\)`],
    ["a link", "[click](javascript:alert(1))", "\\[click\\]\\(javascript:alert\\(1\\)\\)"],
    ["a bare URL", "see https://evil.example", `see https:${WJ}//evil.example`],
    ["www.", "see www.evil.example", `see www${WJ}.evil.example`],
    ["an @mention and a team", "ping @octocat and @acme/admins", `ping @${WJ}octocat and @${WJ}acme/admins`],
    ["an email", "mail a@b.example", `mail a@${WJ}b.example`],
    ["an issue reference", "fixes #123 and acme/platform#4", `fixes \\#${WJ}123 and acme/platform\\#${WJ}4`],
    ["GH-123", "see GH-123", `see GH${WJ}-123`],
    ["a commit sha", "at a741eb852fc9630d", `at a741eb${WJ}852fc9630d`],
    ["emphasis and code", "*bold* _it_ `code` ~~s~~", "\\*bold\\* \\_it\\_ \\`code\\` \\~\\~s\\~\\~"],
    ["a table break", "a | b", "a \\| b"],
    ["an entity", "&lt;", "&amp;lt;"],
    ["ANSI and bidi", "\u001b[1mbold\u001b[0m \u202Eevil", "bold evil"],
  ])("%s", (_what, input, expected) => {
    expect(inertText(input)).toBe(expected);
  });

  it("bounds length", () => {
    expect(inertText("y".repeat(1000), { max: 5 })).toBe("yyyy…");
  });
});

describe("sanitize never throws on non-strings", () => {
  it.each([[null], [undefined], [42], [{}]])("%j", (value) => {
    expect(typeof sanitize(value, 10)).toBe("string");
  });
});

describe("a comment built from hostile event-log values", () => {
  const hostileUrn =
    "urn:pulumi:prod::p::gcp:storage/bucket:Bucket::x` <b>@octocat</b> ![i](https://e.x/i.png) #1 `";
  const events = [
    { resourcePreEvent: { metadata: { op: "create", urn: hostileUrn, type: "gcp:storage/bucket:Bucket" } } },
    {
      policyEvent: {
        policyName: "name`|<script>",
        policyPackName: "@octocat",
        enforcementLevel: "mandatory",
        severity: "<b>high</b>",
        message: "<details><summary>x</summary> @octocat see https://e.x #12 \u001b[31m\u202Eevil",
        resourceUrn: hostileUrn,
      },
    },
    { diagnosticEvent: { severity: "error", message: "@octocat <img src=x>" } },
    { summaryEvent: {} },
  ];
  const markdown = renderSummaryMarkdown(summarizeEvents(events, "prod"));

  it("outside code spans: no tag, no live mention, link, image or escape", () => {
    // Code spans are literal in GitHub (no HTML, mentions, references or autolinks inside).
    const prose = markdown.replace(/(`+)(?!`)[\s\S]*?[^`]\1(?!`)/g, "");
    const tags = prose.match(/<\/?[a-z][^>]*>/gi) ?? [];
    expect([...new Set(tags)]).toEqual([]);
    expect(prose).not.toMatch(/@octocat/);
    expect(prose).not.toContain("](https://");
    expect(prose).not.toContain("https://");
    expect(markdown.includes("\u001b") || markdown.includes("\u202e")).toBe(false);
  });

  it("keeps the hostile URN inside one code span", () => {
    expect(markdown).toContain(
      "`` urn:pulumi:prod::p::gcp:storage/bucket:Bucket::x` <b>@octocat</b> ![i](https://e.x/i.png) #1 ` ``",
    );
  });

  it("renders the message as escaped prose", () => {
    expect(markdown).toContain(
      `&lt;details&gt;&lt;summary&gt;x&lt;/summary&gt; @${WJ}octocat see https:${WJ}//e.x \\#${WJ}12 evil`,
    );
  });
});

describe("dangerous rows come first and whole", () => {
  const resource = (name: string, type: string, inputs: Record<string, unknown>) => ({
    ...plannedResource(type, name, inputs),
    secretPaths: [],
  });
  const others = Array.from({ length: 400 }, (_, index) =>
    resource(`other-${index}-${"n".repeat(100)}`, "gcp:projects/service:Service", {
      service: "run.googleapis.com",
    }),
  );
  const result = {
    stack: "prod",
    project: "platform",
    resources: [
      ...others,
      resource("public-reader", "gcp:storage/bucketIAMMember:BucketIAMMember", {
        bucket: "b",
        role: "roles/storage.objectViewer",
        member: "allUsers",
      }),
      resource("authoritative", "gcp:projects/iAMPolicy:IAMPolicy", { project: "p", policyData: "{}" }),
      resource("binding", "gcp:projects/iAMBinding:IAMBinding", {
        project: "p",
        role: "roles/viewer",
        members: ["user:a@example.com", "allAuthenticatedUsers"],
      }),
    ],
    summary: { resourceCount: 403, byType: {} },
  } as unknown as PlanResult;
  const markdown = renderPlanMarkdown(result, { maxLength: 8_000 });

  it("lists public grants and IAM policies before anything else, even in a small budget", () => {
    const dangerous = markdown.slice(
      markdown.indexOf("#### Dangerous changes (3)"),
      markdown.indexOf("#### Identity"),
    );
    expect(dangerous.split("\n").filter((line) => line.startsWith("| create"))).toEqual([
      "| create | public grant | `urn:pulumi:prod::platform::gcp:storage/bucketIAMMember:BucketIAMMember::public-reader` | — |",
      "| create | public grant | `urn:pulumi:prod::platform::gcp:projects/iAMBinding:IAMBinding::binding` | — |",
      "| create | authoritative IAM policy | `urn:pulumi:prod::platform::gcp:projects/iAMPolicy:IAMPolicy::authoritative` | — |",
    ]);
    expect(markdown.length).toBeLessThanOrEqual(8_000);
    // Rows shown plus the count said to be left out make the whole 400.
    const others = markdown.slice(markdown.indexOf("#### Other changes (400)"));
    const rows =
      others.split("\n").filter((line) => line.startsWith("| ") && !line.startsWith("| ---")).length - 1;
    const omitted = Number(/_… (\d+) more not shown \(comment size limit\)\._/.exec(others)?.[1]);
    expect(rows + omitted).toBe(400);
    expect(omitted).toBeGreaterThanOrEqual(1);
  });
});

describe("plan:summary never crashes on odd event logs", () => {
  it("reads non-list diffs as no diffs and skips null detailedDiff entries", () => {
    const summary = summarizeEvents(
      [
        { resourcePreEvent: { metadata: { op: "update", urn: "u1", diffs: "name" } } },
        {
          resourcePreEvent: {
            metadata: {
              op: "replace",
              urn: "u2",
              detailedDiff: { a: null, b: { diffKind: "update-replace" } },
            },
          },
        },
      ] as never,
      "prod",
    );
    expect(
      summary.changes.map((change) => [
        change.urn,
        change.kind,
        change.changedProperties,
        change.replaceReasons,
      ]),
    ).toEqual([
      ["u1", "update", [], []],
      ["u2", "replace", [], ["b"]],
    ]);
  });

  it.each([
    ["op constructor", { resourcePreEvent: { metadata: { op: "constructor", urn: "u" } } }],
    ["op __proto__", { resourcePreEvent: { metadata: { op: "__proto__", urn: "u" } } }],
    ["op toString", { resOutputsEvent: { metadata: { op: "toString", urn: "u" } } }],
    ["numeric urn", { resourcePreEvent: { metadata: { op: "create", urn: 5 } } }],
    ["metadata a string", { resourcePreEvent: { metadata: "x" } }],
    [
      "policy fields of the wrong type",
      { policyEvent: { message: 5, policyName: {}, enforcementLevel: [] } },
    ],
    ["a diagnostic message object", { diagnosticEvent: { severity: "error", message: { a: 1 } } }],
    ["an error event number", { errorEvent: { error: 7 } }],
  ])("%s", (_what, event) => {
    const summary = summarizeEvents([event as never], "prod");
    expect(summary.changes).toEqual([]);
    expect(typeof renderSummaryMarkdown(summary)).toBe("string");
  });

  it("ignores an op that is not a step kind, and counts a real one", () => {
    const summary = summarizeEvents(
      [
        { resourcePreEvent: { metadata: { op: "constructor", urn: "a" } } },
        { resourcePreEvent: { metadata: { op: "delete", urn: "b", diffs: 3, keys: "x" } } },
      ] as never,
      "prod",
    );
    expect(summary.counts).toEqual({ delete: 1 });
    expect(summary.changes[0]).toMatchObject({
      urn: "b",
      kind: "delete",
      danger: "delete",
      changedProperties: [],
      replaceReasons: [],
    });
  });

  it("property: no event-log text crashes it (only its own EventLogError, for bad lines)", () => {
    const field = fc.oneof(
      fc.constantFrom(
        "create",
        "delete",
        "replace",
        "constructor",
        "__proto__",
        "toString",
        "same",
        "hasOwnProperty",
      ),
      fc.string(),
      fc.jsonValue(),
    );
    const metadata = fc.record(
      {
        op: field,
        urn: field,
        type: field,
        diffs: field,
        keys: field,
        detailedDiff: fc.oneof(field, fc.dictionary(fc.string(), field)),
        old: field,
        new: field,
      },
      { requiredKeys: [] },
    );
    const eventKinds = [
      "resourcePreEvent",
      "resOutputsEvent",
      "resOpFailedEvent",
      "policyEvent",
      "diagnosticEvent",
      "errorEvent",
      "summaryEvent",
      "cancelEvent",
    ];
    const event = fc.oneof(
      fc
        .record({
          kind: fc.constantFrom(...eventKinds),
          payload: fc.oneof(fc.record({ metadata }), fc.jsonValue(), fc.dictionary(fc.string(), field)),
        })
        .map(({ kind, payload }) => ({ [kind]: payload })),
      fc.jsonValue(),
    );
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            event.map((value) => JSON.stringify(value) ?? "null"),
            fc.string(),
          ),
          { maxLength: 20 },
        ),
        (lines) => {
          let events: ReturnType<typeof parseEventLog>;
          try {
            events = parseEventLog(lines.join("\n"), "fuzz.ndjson");
          } catch (error) {
            expect(error).toBeInstanceOf(EventLogError);
            return;
          }
          const markdown = renderSummaryMarkdown(summarizeEvents(events, "prod"));
          expect(markdown.length).toBeLessThanOrEqual(65_536);
        },
      ),
      { seed: 8087, numRuns: 400 },
    );
  });
});
