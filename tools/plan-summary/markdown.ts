/**
 * Renders a plan summary as Markdown for a pull-request comment: the riskiest changes first, long
 * sections folded, and the whole body kept under GitHub's comment limit.
 */
import type { PlanResult } from "../plan/model";
import { classifyResourceType } from "./classify";
import { codeSpan, inertText, stripUnsafeCharacters, truncate } from "./inert";
import {
  CHANGE_KIND_ORDER,
  type ChangeKind,
  dangerOf,
  normalizeLevel,
  type PlanSummary,
  type ResourceChange,
  type SummaryViolation,
  stripColorMarkup,
  type ViolationLevel,
} from "./summarize";

/** GitHub rejects issue and pull-request comments longer than this many characters. */
export const GITHUB_COMMENT_LIMIT = 65_536;
/** Default budget: leaves room for a line or two that a workflow may append (e.g. the fork notice). */
export const DEFAULT_MAX_LENGTH = 65_000;

export const COMMENT_MARKER_PREFIX = "<!-- platform-plan-summary:stack=";

export interface RenderOptions {
  /** Upper bound for the whole Markdown body, in UTF-16 code units. Default 65,000. */
  maxLength?: number;
  /** Sections with more rows than this are folded under `<details>`. Default 10. */
  foldAfter?: number;
  /** Extra paragraph shown under the title (e.g. why a fork PR got the offline plan). */
  note?: string;
}

export interface RenderPlanOptions extends RenderOptions {
  /** Overrides `result.stack` in the title and the marker. */
  stack?: string;
}

/** The hidden line a workflow searches for to edit its own comment for one stack. */
export function commentMarker(stack: string): string {
  // Keep the HTML comment well-formed whatever the stack name holds.
  const safe = stack.replace(/[^A-Za-z0-9._/-]/g, "_").replace(/-{2,}/g, "-");
  return `${COMMENT_MARKER_PREFIX}${safe} -->`;
}

const KIND_PHRASE: Record<ChangeKind, string> = {
  create: "to create",
  update: "to update",
  delete: "to delete",
  replace: "to replace",
  import: "to import",
  read: "to read",
  refresh: "to refresh",
  discard: "to discard",
  "remove-pending-replace": "pending replacements to remove",
  same: "unchanged",
};

const LEVEL_ORDER: readonly ViolationLevel[] = ["mandatory", "remediate", "advisory", "disabled"];

const MAX_CELL_LENGTH = 400;

/** Prose for a table cell: inert, one line, bounded (see inert.ts). */
function cellText(text: string): string {
  return inertText(text, { max: MAX_CELL_LENGTH });
}

/** An identifier for a table cell: a code span that nothing inside can break out of. */
function cellCode(text: string): string {
  return codeSpan(text, { max: MAX_CELL_LENGTH, inTable: true });
}

/** A free-text paragraph from the workflow: Markdown is kept, HTML and terminal escapes are not. */
function noteText(text: string): string {
  const bounded = truncate(stripUnsafeCharacters(text), 1000);
  return bounded.replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function codeList(items: readonly string[]): string {
  return items.length === 0 ? "—" : items.map(cellCode).join(", ");
}

function operationCell(change: ResourceChange): string {
  const flags = [change.protect && change.kind === "delete" ? "protected" : "", change.failed ? "failed" : ""]
    .filter(Boolean)
    .join(", ");
  return flags ? `${change.kind} (${flags})` : change.kind;
}

/** "1 resource", "3 resources": `plural` must end in "s". */
function countOf(count: number, plural: string): string {
  return `${count} ${count === 1 ? plural.slice(0, -1) : plural}`;
}

interface Section {
  heading: string;
  /** Table header (two lines) or "" for a bullet list. */
  tableHeader: string;
  rows: string[];
  fold: boolean;
  /** What the rows are (plural), for the `<details>` summary and the truncation line. */
  noun: string;
  /** Shown whole or not at all (dangerous changes): never ends with "N more not shown". */
  whole?: boolean;
}

function renderSection(section: Section, shown: number): string {
  const total = section.rows.length;
  const parts = [`${section.heading}\n\n`];
  if (total === 0) {
    parts.push("_None._\n\n");
    return parts.join("");
  }
  if (section.fold) parts.push(`<details><summary>${countOf(total, section.noun)}</summary>\n\n`);
  if (shown > 0) {
    parts.push(section.tableHeader);
    for (const row of section.rows.slice(0, shown)) parts.push(`${row}\n`);
    parts.push("\n");
  }
  if (shown < total) {
    parts.push(`_… ${total - shown} more not shown (comment size limit)._\n\n`);
  }
  if (section.fold) parts.push("</details>\n\n");
  return parts.join("");
}

/**
 * Chooses how many rows of each section to show so that the body fits `maxLength`. Rows are handed
 * out one per section per round (riskiest section first in each round), so small sections are shown
 * whole and a huge one cannot crowd out the others. A section that runs out of room ends with an
 * "N more not shown" line. Rows are whole strings: a table row or an HTML tag is never cut.
 */
function fitSections(sections: readonly Section[], preamble: string, maxLength: number): string {
  // With no rows shown, each section's "not shown" line carries the largest possible count, so this
  // skeleton is an upper bound on every section's fixed cost.
  let remaining = maxLength - preamble.length;
  for (const section of sections) {
    remaining -= section.whole
      ? renderSection(section, section.rows.length).length
      : renderSection(section, 0).length;
  }
  if (remaining < 0) throw new Error(`plan summary skeleton alone exceeds ${maxLength} characters`);
  const shownCounts = sections.map((section) => (section.whole ? section.rows.length : 0));
  const open = new Set(
    sections
      .map((_, index) => index)
      .filter((index) => !sections[index]!.whole && sections[index]!.rows.length > 0),
  );
  while (open.size > 0) {
    for (const index of [...open]) {
      const section = sections[index]!;
      const shown = shownCounts[index]!;
      const cost = section.rows[shown]!.length + 1 + (shown === 0 ? section.tableHeader.length + 1 : 0);
      if (cost > remaining) {
        open.delete(index);
        continue;
      }
      remaining -= cost;
      shownCounts[index] = shown + 1;
      if (shown + 1 === section.rows.length) open.delete(index);
    }
  }
  const body =
    preamble + sections.map((section, index) => renderSection(section, shownCounts[index]!)).join("");
  return `${body.trimEnd()}\n`;
}

function titleCounts(counts: PlanSummary["counts"]): string {
  const parts = CHANGE_KIND_ORDER.filter((kind) => (counts[kind] ?? 0) > 0).map(
    (kind) => `${counts[kind]} ${KIND_PHRASE[kind]}`,
  );
  return parts.length === 0 ? "no resource changes" : parts.join(", ");
}

function policyLine(violations: readonly SummaryViolation[]): string {
  if (violations.length === 0) return "**Policy:** no violations.";
  const parts = LEVEL_ORDER.map((level) => {
    const count = violations.filter((violation) => violation.level === level).length;
    if (count === 0) return "";
    return level === "mandatory" ? `**${count} mandatory**` : `${count} ${level}`;
  }).filter(Boolean);
  const blocking = violations.some((violation) => violation.level === "mandatory");
  return `**Policy:** ${parts.join(", ")} ${violations.length === 1 ? "violation" : "violations"}${
    blocking ? " — mandatory violations block the deployment." : "."
  }`;
}

const CHANGE_TABLE = "| Operation | Resource | Changed properties |\n|---|---|---|\n";

function changeRow(change: ResourceChange): string {
  return `| ${operationCell(change)} | ${cellCode(change.urn)} | ${codeList(change.changedProperties)} |`;
}

function classSection(
  heading: string,
  changes: readonly ResourceChange[],
  resourceClass: ResourceChange["resourceClass"],
  foldAfter: number,
): Section {
  const rows = changes.filter((change) => change.resourceClass === resourceClass).map(changeRow);
  return {
    heading: `#### ${heading} (${rows.length})`,
    tableHeader: CHANGE_TABLE,
    rows,
    fold: rows.length > foldAfter,
    noun: "resources",
  };
}

const DANGER_ORDER = ["public grant", "authoritative IAM policy", "delete", "replacement"];

/**
 * Deletes, replacements, authoritative IAM policies and public grants: listed first and whole. When
 * they cannot all be listed within the budget, they are counted by kind and type instead (every one
 * of them still counted, none behind "more not shown"), with a warning to read the full preview.
 */
function dangerSection(changes: readonly ResourceChange[], foldAfter: number, budget: number): Section {
  const dangerous = changes
    .filter((change) => change.danger !== undefined)
    .sort((a, b) => DANGER_ORDER.indexOf(a.danger as string) - DANGER_ORDER.indexOf(b.danger as string));
  const heading = `#### Dangerous changes (${dangerous.length})`;
  const rows = dangerous.map(
    (change) =>
      `| ${operationCell(change)} | ${change.danger} | ${cellCode(change.urn)} | ${codeList(change.replaceReasons)} |`,
  );
  const listed: Section = {
    heading,
    tableHeader: "| Operation | Why | Resource | Replace reasons |\n|---|---|---|---|\n",
    rows,
    fold: rows.length > foldAfter,
    noun: "resources",
    whole: true,
  };
  if (renderSection(listed, rows.length).length <= budget) return listed;
  const counts = new Map<string, number>();
  for (const change of dangerous) {
    const key = `| ${change.danger} | ${cellCode(change.type)} |`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const byType: Section = {
    heading: `${heading}\n\n> [!CAUTION]\n> Too many dangerous changes to list in a comment: they are counted by type below. Read the full preview in the workflow run before approving.`,
    tableHeader: "| Why | Type | Count |\n|---|---|---|\n",
    rows: [...counts].map(([key, count]) => `${key} ${count} |`),
    fold: false,
    noun: "types",
    whole: true,
  };
  if (renderSection(byType, byType.rows.length).length <= budget) return byType;
  // Types are untrusted text: many long ones must not crowd the comment out (or make it fail), so
  // the last resort counts by kind of danger only, which has a fixed, small size.
  const byDanger = DANGER_ORDER.map((danger) => {
    const ofDanger = dangerous.filter((change) => change.danger === danger);
    const types = new Set(ofDanger.map((change) => change.type)).size;
    return ofDanger.length === 0 ? "" : `| ${danger} | ${countOf(types, "types")} | ${ofDanger.length} |`;
  }).filter(Boolean);
  return {
    heading: `${heading}\n\n> [!CAUTION]\n> Too many dangerous changes to list in a comment, of too many types to count by type: they are counted by kind below. Read the full preview in the workflow run before approving.`,
    tableHeader: "| Why | Types | Count |\n|---|---|---|\n",
    rows: byDanger,
    fold: false,
    noun: "kinds",
    whole: true,
  };
}

function buildSections(summary: PlanSummary, foldAfter: number, budget: number): Section[] {
  const changes = summary.changes.filter((change) => change.kind !== "same");
  const sections: Section[] = [
    // Half the budget at most, so the policy results always have room too.
    dangerSection(changes, foldAfter, Math.floor(budget / 2)),
    classSection("Identity changes", changes, "identity", foldAfter),
    classSection("Network exposure", changes, "network", foldAfter),
    classSection("Data resources", changes, "data", foldAfter),
  ];

  if (summary.violations.length === 0) {
    sections.push({
      heading: "#### Policy violations (0)",
      tableHeader: "",
      rows: [],
      fold: false,
      noun: "",
    });
  }
  for (const level of LEVEL_ORDER) {
    const violations = summary.violations.filter((violation) => violation.level === level);
    if (violations.length === 0) continue;
    const rows = violations.map(
      (violation) =>
        `| ${cellCode(violation.policyName)}${violation.policyPack ? ` (${cellCode(violation.policyPack)})` : ""} | ${
          cellText(violation.severity) || "—"
        } | ${violation.urn ? cellCode(violation.urn) : "_stack_"} | ${cellText(violation.message) || "—"} |`,
    );
    sections.push({
      heading: `#### Policy violations: ${level} (${rows.length})`,
      tableHeader: "| Policy | Severity | Resource | Message |\n|---|---|---|---|\n",
      rows,
      fold: rows.length > foldAfter,
      noun: "violations",
    });
  }

  if (summary.errors.length > 0) {
    sections.push({
      heading: `#### Errors (${summary.errors.length})`,
      tableHeader: "",
      rows: summary.errors.map((error) => `- ${cellText(error)}`),
      fold: summary.errors.length > foldAfter,
      noun: "errors",
    });
  }

  const otherRows = changes
    .filter(
      (change) => change.resourceClass === "other" && change.kind !== "delete" && change.kind !== "replace",
    )
    .map((change) => `| ${operationCell(change)} | ${cellCode(change.urn)} |`);
  if (otherRows.length > 0) {
    sections.push({
      heading: `#### Other changes (${otherRows.length})`,
      tableHeader: "| Operation | Resource |\n|---|---|\n",
      rows: otherRows,
      fold: true,
      noun: "resources",
    });
  }
  return sections;
}

/** Renders a summary (from an event log or from the offline plan) as a PR-comment body. */
export function renderSummaryMarkdown(summary: PlanSummary, options: RenderOptions = {}): string {
  const maxLength = Math.min(options.maxLength ?? DEFAULT_MAX_LENGTH, GITHUB_COMMENT_LIMIT);
  const foldAfter = options.foldAfter ?? 10;
  const what = summary.source === "offline" ? "Offline plan" : "Pulumi preview";
  const preambleLines = [
    commentMarker(summary.stack),
    `### ${what} for stack ${codeSpan(summary.stack, { max: 100 })}: ${titleCounts(summary.counts)}`,
    "",
    policyLine(summary.violations),
    "",
  ];
  if (!summary.complete) {
    // A log that stops early must never read as a clean preview.
    preambleLines.push(
      "> [!WARNING]\n> Incomplete preview: the event log ends before the engine's summary (the preview failed or was stopped). The counts and policy results below are partial.",
      "",
    );
  }
  const failed = summary.changes.filter((change) => change.failed).length;
  if (failed > 0 || summary.maybeCorrupt) {
    preambleLines.push(
      `> [!WARNING]\n> ${failed > 0 ? `${failed} step${failed === 1 ? "" : "s"} failed. ` : ""}${
        summary.maybeCorrupt ? "The engine reported that the stack may be left in an inconsistent state." : ""
      }`.trimEnd(),
      "",
    );
  }
  if (summary.source === "offline") {
    preambleLines.push(
      "_Offline plan: the stack program ran under Pulumi's mocks with no cloud state, so every resource is shown as a create. Policy results come from the real policy pack._",
      "",
    );
  }
  if (options.note) preambleLines.push(noteText(options.note), "");
  const preamble = `${preambleLines.join("\n")}\n`;
  const body = fitSections(
    buildSections(summary, foldAfter, maxLength - preamble.length),
    preamble,
    maxLength,
  );
  if (body.length > maxLength) {
    throw new Error(`plan summary is ${body.length} characters, over the ${maxLength} budget`);
  }
  return body;
}

/** The offline plan as a summary: it has no engine ops, so every resource is a create. */
export function planResultToSummary(result: PlanResult, stack = result.stack): PlanSummary {
  const changes: ResourceChange[] = result.resources.map((resource) => ({
    urn: resource.urn,
    type: resource.type,
    danger: dangerOf("create", resource.type, resource.inputs),
    kind: "create",
    resourceClass: classifyResourceType(resource.type),
    replaceReasons: [],
    changedProperties: [],
    failed: false,
    protect: resource.protect,
  }));
  const pack = result.policy
    ? [result.policy.pack.name, result.policy.pack.version].filter(Boolean).join("@")
    : "";
  const violations: SummaryViolation[] = (result.policy?.violations ?? []).map((violation) => ({
    policyName: violation.policyName,
    policyPack: pack,
    level: normalizeLevel(violation.enforcementLevel),
    severity: violation.severity,
    urn: violation.urn,
    message: stripColorMarkup(violation.message).trim(),
  }));
  return {
    stack,
    source: "offline",
    counts: changes.length > 0 ? { create: changes.length } : {},
    changes,
    violations,
    errors: [],
    maybeCorrupt: false,
    complete: true,
  };
}

/** Renders the offline plan (`npm run plan -- --markdown FILE`) in the same layout as a preview. */
export function renderPlanMarkdown(result: PlanResult, options: RenderPlanOptions = {}): string {
  const body = renderSummaryMarkdown(planResultToSummary(result, options.stack), options);
  const exemptions = result.policy?.exemptions ?? [];
  return exemptions.length === 0 ? body : `${body.trimEnd()}\n\n${exemptionsSection(exemptions)}\n`;
}

/**
 * Exemptions in force are part of what a reviewer approves: a policy they switch off must show in
 * the comment, not only in the text report. Every field comes from the register, so each is a code span.
 */
function exemptionsSection(exemptions: NonNullable<PlanResult["policy"]>["exemptions"]): string {
  const rows = exemptions.map((entry) =>
    [entry.policy, entry.resource, entry.owner, entry.ticket, entry.expires].map(cellCode).join(" | "),
  );
  return [
    `#### Policy exemptions in force (${exemptions.length})`,
    "",
    "| Policy | Resource | Owner | Ticket | Expires |",
    "| --- | --- | --- | --- | --- |",
    ...rows.map((row) => `| ${row} |`),
  ].join("\n");
}
