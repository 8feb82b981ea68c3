// @vitest-environment happy-dom
// Mermaid's parser sanitizes labels with DOMPurify, which needs a DOM: happy-dom provides one.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  escalationDiagram,
  releasesFrom,
  renderIncidentTemplate,
  renderOncallDocument,
  rotationPreview,
} from "../../components/oncall/document";
import { readStackFile } from "../../stacks/config/load";
import { parsedModel } from "./fixture";

const STACKS = ["dev", "staging", "prod"] as const;
const model = parsedModel();

async function parseMermaid(text: string) {
  const mermaid = (await import("mermaid")).default;
  return mermaid.parse(text);
}

const mermaidBlocks = (markdown: string) =>
  [...markdown.matchAll(/^```mermaid\n([\s\S]*?)^```$/gm)].map((m) => m[1]);

describe("escalation diagrams", () => {
  it("draws each level with its delay and the repeat, as a flowchart Mermaid parses", async () => {
    const diagram = escalationDiagram(model, "platform-page");
    expect(diagram).toBe(
      [
        "flowchart LR",
        '  alert(["Alert opens"])',
        '  level1["Level 1: platform primary via pd-platform"]',
        '  alert -->|"0 min"| level1',
        '  level2["Level 2: platform secondary via pd-platform"]',
        '  level1 -->|"10 min"| level2',
        '  level2 -.->|"after 30 min, repeat 1x"| level1',
      ].join("\n"),
    );
    await expect(parseMermaid(diagram)).resolves.toMatchObject({ diagramType: "flowchart-v2" });
  });

  it("is a parse error for Mermaid when broken, so the parse check is real", async () => {
    await expect(parseMermaid('flowchart LR\n  a["x"] -->|"1 min"| \n')).rejects.toThrow();
  });
});

describe("rotation preview, duties and incident template", () => {
  it("lists four weeks of handoffs from the start date, in the rotation's zone across DST", () => {
    // platform (Berlin, Monday 10:00): 2026-03-23 is shift 11 (cai/ana); CEST from 2026-03-29.
    expect(rotationPreview(model, "platform", new Date("2026-03-23T00:00:00Z"))).toEqual([
      {
        day: "2026-03-23",
        handoff: "Mon 10:00 (UTC+01:00)",
        layers: { primary: "Cai Wong", secondary: "Ana Lima" },
      },
      {
        day: "2026-03-30",
        handoff: "Mon 10:00 (UTC+02:00)",
        layers: { primary: "Ana Lima", secondary: "Ben Ross" },
      },
      {
        day: "2026-04-06",
        handoff: "Mon 10:00 (UTC+02:00)",
        layers: { primary: "Ben Ross", secondary: "Cai Wong" },
      },
      {
        day: "2026-04-13",
        handoff: "Mon 10:00 (UTC+02:00)",
        layers: { primary: "Cai Wong", secondary: "Ana Lima" },
      },
    ]);
  });

  it("gives release captains in turn from the first release day on or after the start", () => {
    expect(releasesFrom(model, new Date("2026-03-23T00:00:00Z"))).toEqual([
      { date: "2026-03-26", captain: "ana" },
      { date: "2026-04-02", captain: "dee" },
      { date: "2026-04-09", captain: "ana" },
      { date: "2026-04-16", captain: "dee" },
    ]);
  });

  it("writes the incident template from the model: roles, cadence per severity, postmortem due date", () => {
    const template = renderIncidentTemplate(model, "fixture");
    expect(template).toContain("- Coordinator (incident commander): <name>.");
    expect(template).toContain("- Communications lead: <name>.");
    expect(template).toContain("- Technical lead: <name>.");
    expect(template).toContain("## Timeline (UTC)");
    expect(template).toContain(
      "Internal updates: SEV1 every 30 min, SEV2 every 60 min, SEV3 at each status change, SEV4 at each status change.",
    );
    expect(template).toContain(
      "- Blameless postmortem due within 48 hours of resolution for SEV1/SEV2 (due: <date>).",
    );
    expect(template).toContain("- Incident review within 5 days for SEV1/SEV2 (on: <date>).");
    expect(template).toContain("| SEV1 | Down | 5 min | every 30 min |");
  });

  it("writes owners, severities, routes, escalation paths, rotations, duties and runbooks", async () => {
    const document = renderOncallDocument(model, "fixture", "2026-03-23");
    for (const heading of [
      "## Owners per area",
      "## Severities",
      "## Routes",
      "## Escalation paths",
      "## Rotations (4 weeks from 2026-03-23)",
      "## Duties and cadences",
      "## Runbooks",
    ])
      expect(document).toContain(`\n${heading}\n`);
    expect(document).toContain("| billing | payments | Stripe | none |");
    // Counted by hand: platform started Monday 2026-01-05 with three members, so 2026-03-23 is its
    // 12th shift (index 11, 11 mod 3 = 2: Cai, with Ana second); payments started Wednesday
    // 2026-01-07 with two (2026-03-25: index 11, Eli then Dee). Berlin moves to UTC+2 on 2026-03-29;
    // New York is already on UTC-4 (2026-03-08).
    const rotations = document.slice(document.indexOf("## Rotations"), document.indexOf("## Duties"));
    expect(rotations.split("\n").filter((line) => /^\| (Mon|Wed) /.test(line))).toEqual([
      "| Mon 10:00 (UTC+01:00) (2026-03-23) | Cai Wong | Ana Lima |",
      "| Mon 10:00 (UTC+02:00) (2026-03-30) | Ana Lima | Ben Ross |",
      "| Mon 10:00 (UTC+02:00) (2026-04-06) | Ben Ross | Cai Wong |",
      "| Mon 10:00 (UTC+02:00) (2026-04-13) | Cai Wong | Ana Lima |",
      "| Wed 09:00 (UTC-04:00) (2026-03-25) | Eli Stone | Dee Park |",
      "| Wed 09:00 (UTC-04:00) (2026-04-01) | Dee Park | Eli Stone |",
      "| Wed 09:00 (UTC-04:00) (2026-04-08) | Eli Stone | Dee Park |",
      "| Wed 09:00 (UTC-04:00) (2026-04-15) | Dee Park | Eli Stone |",
    ]);
    expect(document).toContain("| SEV4 | Cosmetic | 48 h | ticket | no | 168 h | label `severity: sev4` |");
    expect(document).toContain("| Weekly on-call sync | everyone on call | Monday 15:00 Europe/Berlin |");
    expect(document).toContain(
      "| Release | release captain (Ana Lima, Dee Park in turn) | every 1 weeks on Thursday |",
    );
    expect(document).toContain("- week of 2026-03-30: Ben Ross");
    expect(document).toContain("- deployment: <https://runbooks.example.com/deploy>");
    const blocks = mermaidBlocks(document);
    expect(blocks).toHaveLength(2);
    for (const block of blocks)
      await expect(parseMermaid(block)).resolves.toMatchObject({ diagramType: "flowchart-v2" });
  });
});

describe.each(STACKS)("committed docs/oncall of the %s stack", (stack) => {
  const oncall = readStackFile(`stacks/Pulumi.${stack}.yaml`).config.oncall!;

  it("are current (regenerate with `npm run oncall -- doc --stack <stack>`)", () => {
    expect(readFileSync(`docs/oncall/${stack}.md`, "utf8")).toBe(
      renderOncallDocument(oncall, stack, oncall.documentStart),
    );
    expect(readFileSync(`docs/oncall/${stack}-incident-template.md`, "utf8")).toBe(
      renderIncidentTemplate(oncall, stack),
    );
  });

  it("has an escalation diagram Mermaid parses for every policy", async () => {
    const blocks = mermaidBlocks(readFileSync(`docs/oncall/${stack}.md`, "utf8"));
    expect(blocks).toHaveLength(oncall.escalationPolicies.length);
    for (const block of blocks)
      await expect(parseMermaid(block)).resolves.toMatchObject({ diagramType: "flowchart-v2" });
  });
});
