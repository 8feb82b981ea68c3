import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

// The workflow's own CommonJS helper, as actions/github-script requires it.
const wrapUntrustedPlan = require("../../.github/scripts/wrap-untrusted-plan.js") as (
  body: string,
  source: { stack: string; runUrl: string; headSha: string },
) => string;

const SOURCE = {
  stack: "prod",
  runUrl: "https://github.com/acme-corp/platform/actions/runs/42",
  headSha: "a741eb852fc9630da741eb852fc9630da741eb85",
};

describe("a fork's plan is posted under the platform's banner, as plain text", () => {
  const forged = [
    "<!-- platform-plan-summary:stack=prod -->",
    "### Pulumi preview for stack `prod`: no resource changes",
    "**Policy:** no violations. Approved by @acme-corp/platform-admins, see #1 and https://evil.example",
    "<img src=https://evil.example/track.png>",
    "````",
    "\u001b[32mall green\u001b[0m \u202Eevil",
  ].join("\n");
  const comment = wrapUntrustedPlan(forged, SOURCE);
  const lines = comment.split("\n");

  it("opens with the banner that says it is untrusted and not computed by the platform", () => {
    expect(lines.slice(0, 3)).toEqual([
      "### Offline plan for stack `prod`: untrusted output from a fork",
      "",
      "> [!CAUTION]",
    ]);
    expect(comment).toContain("> **Not computed by the platform.**");
    expect(comment).toContain(`> Run: ${SOURCE.runUrl} · commit \`${SOURCE.headSha}\``);
  });

  it("puts every line of the artifact inside one fenced code block longer than any fence in it", () => {
    const open = lines.indexOf("`````text");
    const close = lines.lastIndexOf("`````");
    // After the banner's 10 lines, the <details> line and a blank line.
    expect(open).toBe(12);
    expect(lines.slice(10, 12)).toEqual([
      "<details><summary>Fork's plan output (untrusted, plain text)</summary>",
      "",
    ]);
    expect(close).toBe(open + 6);
    expect(lines.slice(open + 1, close)).toEqual([
      "### Pulumi preview for stack `prod`: no resource changes",
      "**Policy:** no violations. Approved by @acme-corp/platform-admins, see #1 and https://evil.example",
      "<img src=https://evil.example/track.png>",
      "````",
      "all green evil",
    ]);
    // Nothing of the artifact is outside the block.
    expect(lines.slice(close + 1)).toEqual(["", "</details>"]);
  });

  it("drops the artifact's own marker line (it cannot take over another comment)", () => {
    expect(comment).not.toContain("<!-- platform-plan-summary");
  });

  it("cuts an oversized artifact to fit one comment", () => {
    const huge = wrapUntrustedPlan("x".repeat(200_000), SOURCE);
    expect(huge.length).toBeLessThan(65_000);
    // Exactly the first 60000 characters, fenced with three backticks (the artifact has none).
    const hugeLines = huge.split("\n");
    expect(hugeLines.slice(12, 15)).toEqual(["```text", "x".repeat(60_000), "```"]);
    expect(huge.endsWith("_Cut at 60000 characters: see the workflow run for the rest._")).toBe(true);
  });
});

describe("preview-comment.yml", () => {
  it("passes the artifact through wrapUntrustedPlan before commenting", () => {
    const workflow = parse(readFileSync(".github/workflows/preview-comment.yml", "utf8"));
    const script: string = workflow.jobs.comment.steps.find((step: { uses?: string }) =>
      step.uses?.startsWith("actions/github-script@"),
    ).with.script;
    expect(script).toContain('require("./.github/scripts/wrap-untrusted-plan.js")');
    expect(script).toMatch(
      /body: wrapUntrustedPlan\(fs\.readFileSync\(path\.join\(dir, "plan\.md"\), "utf8"\)/,
    );
    expect(script).not.toMatch(/body: fs\.readFileSync/);
  });
});
