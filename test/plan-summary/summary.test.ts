import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import type { PlanResult } from "../../tools/plan/model";
import { EventLogError, parseEventLog } from "../../tools/plan-summary/events";
import {
  commentMarker,
  GITHUB_COMMENT_LIMIT,
  renderPlanMarkdown,
  renderSummaryMarkdown,
} from "../../tools/plan-summary/markdown";
import { type PlanSummary, stripColorMarkup, summarizeEvents } from "../../tools/plan-summary/summarize";

// Real event logs written by the Pulumi CLI (see the fixtures' README); CI clones shared/ beside the repo.
const EVENT_STREAMS = resolve(__dirname, "../../../shared/fixtures/pulumi-engine/event-streams");

function summaryOf(fixture: string, stack = "dev"): PlanSummary {
  const file = resolve(EVENT_STREAMS, `${fixture}.json`);
  return summarizeEvents(parseEventLog(readFileSync(file, "utf8"), file), stack);
}

function markdownOf(fixture: string, stack = "dev"): string {
  return renderSummaryMarkdown(summaryOf(fixture, stack));
}

/** The text of one `#### Heading (n)` section, up to the next section heading. */
function section(markdown: string, headingStart: string): string {
  const start = markdown.indexOf(`#### ${headingStart}`);
  expect(start, `section "${headingStart}" present`).toBeGreaterThanOrEqual(0);
  const next = markdown.indexOf("\n#### ", start + 1);
  return markdown.slice(start, next === -1 ? undefined : next);
}

/** The body rows of the Markdown tables in a section (header and separator rows left out). */
function rowsOf(text: string): string[] {
  const lines = text.split("\n").filter((line) => line.startsWith("|"));
  return lines.filter((line, index) => !line.startsWith("|---") && !lines[index + 1]?.startsWith("|---"));
}

describe("counts per operation, one per URN, from the real event logs", () => {
  // Counted by hand from the resourcePreEvent/resOutputsEvent/resOpFailedEvent lines (jq), one URN each;
  // create-replacement + replace + delete-replaced of one URN is one replacement.
  it.each([
    ["webserver-userdata", { replace: 1, same: 2 }, "1 to replace, 2 unchanged"],
    [
      "failed-stacks-dont-rewrite-operations",
      { update: 1, replace: 1, same: 1 },
      "1 to update, 1 to replace, 1 unchanged",
    ],
    ["up-3", { create: 6 }, "6 to create"],
    ["up-4", { update: 1, same: 5 }, "1 to update, 5 unchanged"],
    ["destroy-with-components", { delete: 2, same: 1 }, "2 to delete, 1 unchanged"],
    ["policy-TestRemediationDiagnostic", { create: 1 }, "1 to create"],
    ["policy-TestSimpleAnalyzeResourceFailure", {}, "no resource changes"],
    ["policy-TestSimpleAnalyzeResourceFailureSeverityOverride", {}, "no resource changes"],
    ["policy-TestSimpleAnalyzeResourceMultipleViolations", {}, "no resource changes"],
  ])("%s", (fixture, counts, title) => {
    expect(summaryOf(fixture).counts).toEqual(counts);
    const markdown = markdownOf(fixture);
    const titleLine = markdown.split("\n")[1];
    expect(titleLine).toBe(`### Pulumi preview for stack \`dev\`: ${title}`);
  });

  it("agrees with the engine's own summaryEvent where the run completed", () => {
    for (const fixture of ["webserver-userdata", "up-3", "up-4", "destroy-with-components"]) {
      const file = resolve(EVENT_STREAMS, `${fixture}.json`);
      const events = parseEventLog(readFileSync(file, "utf8"), file);
      const engineCounts = events.find((event) => event.summaryEvent)?.summaryEvent?.resourceChanges;
      expect(summarizeEvents(events, "dev").counts, fixture).toEqual(engineCounts);
    }
  });
});

describe("deletes and replacements", () => {
  it("lists the replaced instance with the property that forces the replacement", () => {
    const removals = section(markdownOf("webserver-userdata"), "Dangerous changes (1)");
    expect(rowsOf(removals)).toEqual([
      "| replace | replacement | `urn:pulumi:dev::aws-ts-webserver::aws:ec2/instance:Instance::web-server-www` | `userData` |",
    ]);
    // Unchanged resources never appear in the risk sections.
    expect(removals).not.toContain("web-secgrp");
  });

  it("lists both deleted component resources", () => {
    const removals = section(markdownOf("destroy-with-components"), "Dangerous changes (2)");
    expect(rowsOf(removals)).toEqual([
      "| delete | delete | `urn:pulumi:dev::myproject::my:component:Child::mychild` | — |",
      "| delete | delete | `urn:pulumi:dev::myproject::my:component:Component::mycomponent` | — |",
    ]);
  });

  it("counts a lone delete-replaced step as a replacement and flags the failed update", () => {
    const markdown = markdownOf("failed-stacks-dont-rewrite-operations");
    expect(rowsOf(section(markdown, "Dangerous changes (1)"))).toEqual([
      "| replace | replacement | `urn:pulumi:dev::test::pulumi-python:dynamic:Resource::test-r` | — |",
    ]);
    expect(markdown).toContain(
      "| update (failed) | `urn:pulumi:dev::test::pulumi-python:dynamic:Resource::test-x` |",
    );
    expect(markdown).toContain("> 1 step failed.");
    expect(markdown).toContain("may be left in an inconsistent state");
  });
});

describe("risk sections", () => {
  it("puts IAM roles and policy attachments under identity, the security group under network", () => {
    const markdown = markdownOf("up-3");
    const identity = section(markdown, "Identity changes (3)");
    expect(rowsOf(identity)).toEqual([
      "| create | `urn:pulumi:dev::eks::aws:iam/role:Role::eks-role` | — |",
      "| create | `urn:pulumi:dev::eks::aws:iam/rolePolicyAttachment:RolePolicyAttachment::eks-rpa-service-policy` | — |",
      "| create | `urn:pulumi:dev::eks::aws:iam/rolePolicyAttachment:RolePolicyAttachment::eks-rpa-cluster-policy` | — |",
    ]);
    expect(rowsOf(section(markdown, "Network exposure (1)"))).toEqual([
      "| create | `urn:pulumi:dev::eks::aws:ec2/securityGroup:SecurityGroup::eks-sg` | — |",
    ]);
    expect(section(markdown, "Data resources (0)")).toContain("_None._");
    expect(rowsOf(section(markdown, "Other changes (2)"))).toEqual([
      "| create | `urn:pulumi:dev::eks::pulumi:pulumi:Stack::eks-dev` |",
      "| create | `urn:pulumi:dev::eks::aws:eks/cluster:Cluster::eks-cluster` |",
    ]);
  });

  it("shows the changed properties of an updated security group", () => {
    expect(rowsOf(section(markdownOf("up-4"), "Network exposure (1)"))).toEqual([
      "| update | `urn:pulumi:dev::eks::aws:ec2/securityGroup:SecurityGroup::eks-sg` | `ingress` |",
    ]);
  });

  it("keeps the sections in the agreed order", () => {
    const markdown = markdownOf("up-3");
    const order = [
      "#### Dangerous changes",
      "#### Identity changes",
      "#### Network exposure",
      "#### Data resources",
      "#### Policy violations",
      "#### Other changes",
    ].map((heading) => markdown.indexOf(heading));
    expect(order.filter((position) => position < 0)).toEqual([]);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });
});

describe("policy violations", () => {
  it("lists mandatory before advisory with policy, severity and resource", () => {
    const markdown = markdownOf("policy-TestSimpleAnalyzeResourceMultipleViolations");
    expect(markdown).toContain(
      "**Policy:** **5 mandatory**, 5 advisory violations — mandatory violations block the deployment.",
    );
    const mandatory = section(markdown, "Policy violations: mandatory (5)");
    const advisory = section(markdown, "Policy violations: advisory (5)");
    expect(markdown.indexOf("Policy violations: mandatory")).toBeLessThan(
      markdown.indexOf("Policy violations: advisory"),
    );
    for (const severity of ["low", "medium", "high", "critical"]) {
      expect(mandatory).toContain(
        `| \`always-fails-${severity}\` (\`analyzerA@1.0.0\`) | ${severity} | \`urn:pulumi:test::test::pkgA:m:typA::resA\` | a policy failed |`,
      );
      expect(advisory).toContain(
        `| \`always-fails-advisory-${severity}\` (\`analyzerA@1.0.0\`) | ${severity} |`,
      );
    }
    expect(mandatory).toContain("| `always-fails-unspecified` (`analyzerA@1.0.0`) | — |");
    expect(advisory).toContain("| `always-fails-advisory-unspecified` (`analyzerA@1.0.0`) | — |");
    expect(mandatory).not.toContain("advisory");
  });

  it("reads one mandatory violation and its severity override", () => {
    expect(
      section(markdownOf("policy-TestSimpleAnalyzeResourceFailure"), "Policy violations: mandatory (1)"),
    ).toContain(
      "| `always-fails` (`analyzerA`) | high | `urn:pulumi:test::test::pkgA:m:typA::resA` | a policy failed |",
    );
    expect(
      section(
        markdownOf("policy-TestSimpleAnalyzeResourceFailureSeverityOverride"),
        "Policy violations: mandatory (1)",
      ),
    ).toContain("| `always-fails` (`analyzerA`) | critical |");
  });

  it("reports advisory violations on the provider and on the resource of the remediation log", () => {
    const violations = summaryOf("policy-TestRemediationDiagnostic").violations;
    expect(violations.map((violation) => [violation.policyName, violation.level, violation.urn])).toEqual([
      ["warning", "advisory", "urn:pulumi:test::test::pulumi:providers:pkgA::default"],
      ["warning", "advisory", "urn:pulumi:test::test::pkgA:m:typA::resA"],
    ]);
    expect(violations[0]!.message).toBe("warning - could not run due to unknowns");
  });

  it("strips the engine's colour markup from every message", () => {
    for (const fixture of [
      "policy-TestRemediationDiagnostic",
      "policy-TestSimpleAnalyzeResourceFailure",
      "policy-TestSimpleAnalyzeResourceMultipleViolations",
    ]) {
      // Go's JSON encoder writes "<" and ">" as \u003c and \u003e; the parsed message holds the markup.
      const raw = readFileSync(resolve(EVENT_STREAMS, `${fixture}.json`), "utf8");
      expect(raw).toContain("\\u003c{%reset%}\\u003e");
      expect(JSON.stringify(parseEventLog(raw, fixture))).toContain("<{%reset%}>");
      const markdown = markdownOf(fixture);
      expect(markdown).not.toMatch(/<\{%|%\}>/);
    }
    expect(stripColorMarkup("<{%fg 1%}><{%bold%}>error:<{%reset%}> denied<{%reset%}>")).toBe("error: denied");
  });

  it("says so when there are no violations", () => {
    expect(markdownOf("up-4")).toContain("**Policy:** no violations.");
  });
});

describe("the comment marker", () => {
  it("is the first line and names the stack, so the workflow edits its own comment", () => {
    const markdown = markdownOf("up-4", "prod");
    expect(markdown.split("\n")[0]).toBe("<!-- platform-plan-summary:stack=prod -->");
    expect(commentMarker("staging")).toBe("<!-- platform-plan-summary:stack=staging -->");
  });

  it("cannot be broken by a hostile stack name", () => {
    const marker = commentMarker("a-->b<!--");
    expect(marker).toBe("<!-- platform-plan-summary:stack=a-_b__- -->");
    expect(marker.slice(4, -3)).not.toContain("--");
  });
});

describe("the 65,536-character limit", () => {
  // 5,000 bucket deletions (pre + outputs: 10,000 events), 5,000 IAM member creations (5,000 events) and
  // 5,000 mandatory policy violations: 20,000 events in all.
  function hugeEventLog(): string {
    const lines: string[] = [];
    for (let index = 0; index < 5_000; index++) {
      const metadata = {
        op: "delete",
        urn: `urn:pulumi:prod::platform::gcp:storage/bucket:Bucket::bucket-with-a-long-descriptive-name-${index}`,
        type: "gcp:storage/bucket:Bucket",
        old: { type: "gcp:storage/bucket:Bucket", protect: index % 2 === 0 },
        new: null,
        detailedDiff: null,
        provider: "",
      };
      lines.push(JSON.stringify({ sequence: lines.length, timestamp: 0, resourcePreEvent: { metadata } }));
      lines.push(JSON.stringify({ sequence: lines.length, timestamp: 0, resOutputsEvent: { metadata } }));
    }
    for (let index = 0; index < 5_000; index++) {
      const metadata = {
        op: "create",
        urn: `urn:pulumi:prod::platform::gcp:projects/iAMMember:IAMMember::member-${index}`,
        type: "gcp:projects/iAMMember:IAMMember",
        diffs: ["member", "role"],
        provider: "",
      };
      lines.push(JSON.stringify({ sequence: lines.length, timestamp: 0, resourcePreEvent: { metadata } }));
    }
    for (let index = 0; index < 5_000; index++) {
      lines.push(
        JSON.stringify({
          sequence: lines.length,
          timestamp: 0,
          policyEvent: {
            resourceUrn: `urn:pulumi:prod::platform::gcp:projects/iAMMember:IAMMember::member-${index}`,
            message: `<{%fg 1%}>primitive role granted | <b>owner</b><{%reset%}>\n${"x".repeat(600)}`,
            color: "raw",
            policyName: "no-primitive-roles",
            policyPackName: "platform",
            policyPackVersion: "1.0.0",
            enforcementLevel: "mandatory",
            severity: "high",
          },
        }),
      );
    }
    expect(lines).toHaveLength(20_000);
    return lines.join("\n");
  }

  const markdown = renderSummaryMarkdown(summarizeEvents(parseEventLog(hugeEventLog(), "huge.json"), "prod"));

  it("stays under GitHub's limit with the counts intact", () => {
    expect(markdown.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    // Uses most of the room rather than cutting early; the exact length follows the row widths.
    expect(markdown.length).toBeGreaterThan(50_000);
    expect(markdown).toContain("### Pulumi preview for stack `prod`: 5000 to create, 5000 to delete");
    expect(markdown).toContain("**Policy:** **5000 mandatory** violations");
  });

  it("counts dangerous changes by type when they cannot all be listed, and truncates only the others", () => {
    const dangerous = section(markdown, "Dangerous changes (5000)");
    expect(dangerous).toContain("> Too many dangerous changes to list in a comment");
    expect(dangerous).toContain("| delete | `gcp:storage/bucket:Bucket` | 5000 |");
    expect(dangerous).not.toContain("more not shown");
    expect(markdown.indexOf("#### Dangerous changes")).toBeLessThan(
      markdown.indexOf("#### Identity changes"),
    );
    // Rows shown plus the count said to be left out make the whole 5000, in each cut section.
    for (const heading of ["Identity changes (5000)", "Policy violations: mandatory (5000)"]) {
      const text = section(markdown, heading);
      const rows =
        text.split("\n").filter((line) => line.startsWith("| ") && !line.startsWith("| ---")).length - 1;
      const omitted = Number(/_… (\d+) more not shown \(comment size limit\)\._/.exec(text)?.[1]);
      expect(rows + omitted, heading).toBe(5000);
      expect(omitted, heading).toBeGreaterThanOrEqual(1);
    }
  });

  it("never cuts a table row or an HTML tag", () => {
    for (const line of markdown.split("\n")) {
      if (line.startsWith("|")) expect(line.endsWith("|"), line).toBe(true);
    }
    expect(markdown.match(/<details>/g)?.length).toBe(markdown.match(/<\/details>/g)?.length);
    expect(markdown.match(/<summary>/g)?.length).toBe(markdown.match(/<\/summary>/g)?.length);
    // Messages are escaped: the only tags are the ones the renderer writes.
    expect(markdown).not.toContain("<b>");
    expect(markdown).toContain("primitive role granted \\| &lt;b&gt;owner&lt;/b&gt;");
    expect(markdown).not.toMatch(/<\{%|%\}>/);
  });

  it("shows a small section whole next to a huge one", () => {
    const events = [
      ...Array.from({ length: 3_000 }, (_, index) => ({
        resourcePreEvent: {
          metadata: {
            op: "delete",
            urn: `urn:pulumi:prod::p::gcp:compute/disk:Disk::disk-${index}`,
            type: "gcp:compute/disk:Disk",
          },
        },
      })),
      ...Array.from({ length: 30 }, (_, index) => ({
        policyEvent: {
          policyName: `policy-${index}`,
          enforcementLevel: "mandatory",
          message: "denied",
          resourceUrn: "",
        },
      })),
    ];
    const crowded = renderSummaryMarkdown(summarizeEvents(events, "prod"));
    expect(crowded.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    const mandatory = section(crowded, "Policy violations: mandatory (30)");
    expect(mandatory).not.toContain("more not shown");
    expect(mandatory).toContain("| `policy-29` | — | _stack_ | denied |");
    const dangerous = section(crowded, "Dangerous changes (3000)");
    expect(dangerous).toContain("| delete | `gcp:compute/disk:Disk` | 3000 |");
    expect(dangerous).not.toContain("more not shown");
  });

  it("honours a smaller budget", () => {
    const small = renderSummaryMarkdown(summarizeEvents(parseEventLog(hugeEventLog(), "huge.json"), "prod"), {
      maxLength: 5_000,
    });
    expect(small.length).toBeLessThanOrEqual(5_000);
    expect(small).toContain("#### Policy violations: mandatory (5000)");
  });
});

describe("parseEventLog", () => {
  it("names the file, the line, what was expected and what was found", () => {
    const text = `${JSON.stringify({ sequence: 0, timestamp: 0, cancelEvent: {} })}\n\nnot json at all\n`;
    expect(() => parseEventLog(text, "events.json")).toThrowError(
      new EventLogError(
        "events.json",
        3,
        "one JSON engine event per line (NDJSON, as written by `pulumi preview --event-log`)",
        'text that is not JSON: "not json at all"',
      ),
    );
  });

  it("rejects JSON that is not an engine event", () => {
    expect(() => parseEventLog('{"sequence":1,"foo":{}}', "e.json")).toThrow(
      /^e\.json:1: expected an engine event with one of cancelEvent, .*found an object with keys sequence, foo$/,
    );
    expect(() => parseEventLog("[1,2]", "e.json")).toThrow(
      /^e\.json:1: expected a JSON object .*found an array/,
    );
    expect(() => parseEventLog("\n\n", "e.json")).toThrow(
      "e.json: expected at least one engine event, found an empty file",
    );
  });
});

describe("renderPlanMarkdown (offline plan)", () => {
  const result: PlanResult = {
    stack: "dev",
    project: "platform",
    resources: [
      {
        urn: "urn:pulumi:dev::platform::pulumi:pulumi:Stack::platform-dev",
        type: "pulumi:pulumi:Stack",
        name: "platform-dev",
        parent: null,
        custom: false,
        protect: false,
        inputs: {},
      },
      {
        urn: "urn:pulumi:dev::platform::platform:environment:GcpEnvironment$gcp:storage/bucket:Bucket::logs",
        type: "gcp:storage/bucket:Bucket",
        name: "logs",
        parent: "urn:pulumi:dev::platform::platform:environment:GcpEnvironment::env",
        custom: true,
        protect: true,
        inputs: {},
      },
      {
        urn: "urn:pulumi:dev::platform::gcp:serviceaccount/account:Account::deployer",
        type: "gcp:serviceaccount/account:Account",
        name: "deployer",
        parent: null,
        custom: true,
        protect: false,
        inputs: {},
      },
      {
        urn: "urn:pulumi:dev::platform::gcp:compute/firewall:Firewall::allow-https",
        type: "gcp:compute/firewall:Firewall",
        name: "allow-https",
        parent: null,
        custom: true,
        protect: false,
        inputs: {},
      },
    ],
    summary: { resourceCount: 4, byType: {} },
    policy: {
      pack: { name: "platform-standards", version: "0.1.0" },
      violations: [
        {
          policyName: "firewall-no-world-ingress",
          enforcementLevel: "advisory",
          severity: "high",
          urn: "urn:pulumi:dev::platform::gcp:compute/firewall:Firewall::allow-https",
          message: "<{%fg 3%}>0.0.0.0/0 may reach port 443<{%reset%}>",
        },
        {
          policyName: "bucket-uniform-access",
          enforcementLevel: "mandatory",
          severity: "medium",
          urn: "urn:pulumi:dev::platform::platform:environment:GcpEnvironment$gcp:storage/bucket:Bucket::logs",
          message: "uniform bucket-level access is off",
        },
      ],
      exemptions: [],
    },
  };

  const markdown = renderPlanMarkdown(result, {});

  it("renders every resource as a create, in the same layout and with the same marker", () => {
    expect(markdown.split("\n")[0]).toBe("<!-- platform-plan-summary:stack=dev -->");
    expect(markdown).toContain("### Offline plan for stack `dev`: 4 to create");
    expect(markdown).toContain("every resource is shown as a create");
    expect(section(markdown, "Dangerous changes (0)")).toContain("_None._");
    expect(rowsOf(section(markdown, "Identity changes (1)"))).toEqual([
      "| create | `urn:pulumi:dev::platform::gcp:serviceaccount/account:Account::deployer` | — |",
    ]);
    expect(rowsOf(section(markdown, "Network exposure (1)"))).toEqual([
      "| create | `urn:pulumi:dev::platform::gcp:compute/firewall:Firewall::allow-https` | — |",
    ]);
    expect(rowsOf(section(markdown, "Data resources (1)"))).toEqual([
      "| create | `urn:pulumi:dev::platform::platform:environment:GcpEnvironment$gcp:storage/bucket:Bucket::logs` | — |",
    ]);
  });

  it("lists the policy pack's violations, mandatory first, colour markup stripped", () => {
    expect(markdown).toContain("**Policy:** **1 mandatory**, 1 advisory violations");
    expect(markdown.indexOf("Policy violations: mandatory (1)")).toBeLessThan(
      markdown.indexOf("Policy violations: advisory (1)"),
    );
    expect(section(markdown, "Policy violations: advisory (1)")).toContain(
      "| `firewall-no-world-ingress` (`platform-standards@0.1.0`) | high | `urn:pulumi:dev::platform::gcp:compute/firewall:Firewall::allow-https` | 0.0.0.0/0 may reach port 443 |",
    );
  });

  it("takes a note and a stack override", () => {
    const forked = renderPlanMarkdown(result, { stack: "prod", note: "Fork pull request: no OIDC token." });
    expect(forked.split("\n")[0]).toBe("<!-- platform-plan-summary:stack=prod -->");
    expect(forked).toContain("\nFork pull request: no OIDC token.\n");
  });
});

describe("a preview that stopped early", () => {
  it("is complete when the engine wrote its summary event (every fixture)", () => {
    for (const fixture of ["up-3", "up-4", "webserver-userdata", "destroy-with-components"]) {
      expect(summaryOf(fixture).complete, fixture).toBe(true);
      expect(markdownOf(fixture)).not.toContain("Incomplete preview");
    }
  });

  it("is flagged when the log ends before the summary, never shown as clean", () => {
    const full = readFileSync(resolve(EVENT_STREAMS, "up-3.json"), "utf8").trim().split("\n");
    const truncated = full.filter((line) => !line.includes('"summaryEvent"')).join("\n");
    const summary = summarizeEvents(parseEventLog(truncated, "up-3-truncated.json"), "prod");
    expect(summary.complete).toBe(false);
    const markdown = renderSummaryMarkdown(summary);
    expect(markdown).toContain(
      "> [!WARNING]\n> Incomplete preview: the event log ends before the engine's summary (the preview failed or was stopped). The counts and policy results below are partial.",
    );
    const preludeOnly = summarizeEvents(parseEventLog(full[0], "prelude.json"), "prod");
    expect(preludeOnly.complete).toBe(false);
    expect(renderSummaryMarkdown(preludeOnly)).toContain("Incomplete preview");
  });
});
