import { terminalText as t } from "../../stacks/config/terminal-text";
import type { PlannedResource, PlanResult, PolicyReport, StackOutputs } from "./model";
import { renderMonitoring } from "./monitoring";
import { renderRisk, summarizeRisk } from "./risk";
import { KNOWN_AFTER_UP, unknownPaths } from "./unknown-values";

/** Renders the plan for a terminal: tree by component, counts by type. */
export function renderPlanText(result: PlanResult): string {
  const lines: string[] = [];
  lines.push(
    `Offline plan of stack ${t(result.stack)} (project ${t(result.project)}): ${result.summary.resourceCount} resources`,
  );
  lines.push("");
  lines.push(...renderTree(result.resources));
  lines.push("");
  lines.push("Resources by type:");
  const width = Math.max(...Object.keys(result.summary.byType).map((type) => t(type).length));
  for (const [type, count] of Object.entries(result.summary.byType)) {
    lines.push(`  ${t(type).padEnd(width)}  ${String(count).padStart(4)}`);
  }
  const unknown = result.resources.map((resource) => unknownPaths(resource.inputs).length);
  const unknownValues = unknown.reduce((sum, count) => sum + count, 0);
  if (unknownValues > 0) {
    lines.push("");
    lines.push(
      `Values ${KNOWN_AFTER_UP}: ${unknownValues} input values of ${unknown.filter(Boolean).length} resources are computed by resources this stack creates (a first preview); plan with --known-outputs to see them as after up.`,
    );
  }
  lines.push("");
  lines.push(...renderRisk(summarizeRisk(result.resources)));
  if (result.outputs) {
    lines.push("");
    lines.push(...renderOutputs(result.outputs));
  }
  if (result.monitoring) {
    lines.push("");
    lines.push(...renderMonitoring(result.monitoring));
  }
  if (result.policy) {
    lines.push("");
    lines.push(...renderPolicy(result.policy));
  }
  return lines.join("\n");
}

/** What unknown outputs show in the text report (the engine's preview shows `output<string>`). */
export const UNKNOWN_OUTPUT_TEXT = "(unknown until pulumi up)";

/**
 * The stack outputs, one line per value (`path = value`), as other stacks read them through a
 * StackReference. Values unknown at preview are marked; secrets are never shown.
 */
export function renderOutputs(outputs: StackOutputs): string[] {
  const unknown = new Set(outputs.unknownPaths);
  const secret = new Set(outputs.secretPaths);
  const lines: string[] = [];
  const visit = (value: unknown, path: string): void => {
    if (unknown.has(path)) lines.push(`  ${t(path)} = ${UNKNOWN_OUTPUT_TEXT}`);
    else if (secret.has(path)) lines.push(`  ${t(path)} = [secret]`);
    else if (
      value !== null &&
      typeof value === "object" &&
      !Array.isArray(value) &&
      Object.keys(value).length > 0
    )
      for (const [key, item] of Object.entries(value)) visit(item, path ? `${path}.${key}` : key);
    else if (
      Array.isArray(value) &&
      value.some((_, index) => hasMarkedPrefix(`${path}[${index}]`, unknown, secret))
    )
      value.forEach((item, index) => {
        visit(item, `${path}[${index}]`);
      });
    else lines.push(`  ${t(path)} = ${t(typeof value === "string" ? value : JSON.stringify(value))}`);
  };
  visit(outputs.values, "");
  const marked = outputs.unknownPaths.length;
  return [
    `Stack outputs${marked > 0 ? ` (${marked} unknown until pulumi up)` : ""}:`,
    ...(lines.length > 0 ? lines : ["  none"]),
  ];
}

function hasMarkedPrefix(prefix: string, ...sets: Set<string>[]): boolean {
  return sets.some((set) =>
    [...set].some(
      (path) => path === prefix || path.startsWith(`${prefix}.`) || path.startsWith(`${prefix}[`),
    ),
  );
}

const LEVEL_ORDER = ["mandatory", "remediate", "advisory", "disabled"];

export function renderPolicy(policy: PolicyReport): string[] {
  const lines = [`Policy pack ${t(policy.pack.name)}@${t(policy.pack.version)}:`];
  const counts = LEVEL_ORDER.map(
    (level) => [level, policy.violations.filter((v) => v.enforcementLevel === level).length] as const,
  ).filter(([, count]) => count > 0);
  lines.push(
    counts.length === 0
      ? "  no violations"
      : `  ${counts.map(([level, count]) => `${count} ${level}`).join(", ")} violation${policy.violations.length === 1 ? "" : "s"}`,
  );
  const sorted = [...policy.violations].sort(
    (a, b) =>
      LEVEL_ORDER.indexOf(a.enforcementLevel) - LEVEL_ORDER.indexOf(b.enforcementLevel) ||
      a.policyName.localeCompare(b.policyName) ||
      a.urn.localeCompare(b.urn),
  );
  for (const violation of sorted) {
    const where = violation.urn ? t(nameFromUrn(violation.urn)) : "(stack)";
    const severity = violation.severity ? `, ${t(violation.severity)}` : "";
    lines.push(
      `  [${t(violation.enforcementLevel)}${severity}] ${t(violation.policyName)} — ${where}: ${t(violationDetail(violation.message))}`,
    );
  }
  if (policy.exemptions.length > 0) {
    lines.push("  Exemptions in force:");
    for (const exemption of policy.exemptions) {
      lines.push(
        `    ${t(exemption.policy)} for ${t(exemption.resource)} — ${t(exemption.owner)}, ${t(exemption.ticket)}, until ${t(exemption.expires)}`,
      );
    }
  }
  return lines;
}

/** `urn:pulumi:<stack>::<project>::<type>::<name>`: the name is all after the third `::`, `::` included. */
function nameFromUrn(urn: string): string {
  const parts = urn.split("::");
  return parts.length >= 4 ? parts.slice(3).join("::") : urn;
}

/** The engine's message is the policy's description, then what this resource did wrong. */
function violationDetail(message: string): string {
  const lines = message
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);
  return lines.length > 1 ? lines.slice(1).join(" ") : (lines[0] ?? "");
}

/** Above this many siblings of one type, the tree shows one summary line instead of each. */
const COLLAPSE_ABOVE = 4;

export function renderTree(resources: PlannedResource[]): string[] {
  const children = new Map<string | null, PlannedResource[]>();
  for (const resource of resources) {
    const siblings = children.get(resource.parent) ?? [];
    siblings.push(resource);
    children.set(resource.parent, siblings);
  }
  const lines: string[] = [];
  const walk = (resource: PlannedResource, prefix: string, branch: string, childPrefix: string): void => {
    const kids = children.get(resource.urn) ?? [];
    const unknown = unknownPaths(resource.inputs);
    const flags = [
      resource.protect ? "protected" : "",
      unknown.length > 0 ? `${unknown.map(t).join(", ")} ${KNOWN_AFTER_UP}` : "",
      !resource.custom && kids.length > 0 ? `${countDescendants(resource.urn, children)} resources` : "",
    ]
      .filter(Boolean)
      .join(", ");
    lines.push(`${prefix}${branch}${t(resource.name)}  ${t(resource.type)}${flags ? `  [${flags}]` : ""}`);
    const entries = treeEntries(kids);
    entries.forEach((entry, index) => {
      const last = index === entries.length - 1;
      const kidBranch = last ? "└─ " : "├─ ";
      const kidPrefix = `${childPrefix}${last ? "   " : "│  "}`;
      if ("collapsed" in entry) {
        const protectedCount = entry.collapsed.filter((kid) => kid.protect).length;
        const note = protectedCount > 0 ? `, ${protectedCount} protected` : "";
        lines.push(`${childPrefix}${kidBranch}${entry.collapsed.length} × ${t(entry.type)}${note}`);
      } else {
        walk(entry.resource, childPrefix, kidBranch, kidPrefix);
      }
    });
  };
  for (const root of children.get(null) ?? []) walk(root, "", "", "");
  return lines;
}

type TreeEntry = { resource: PlannedResource } | { type: string; collapsed: PlannedResource[] };

/** Components first, then custom resources by type; long runs of one type fold into one line. */
function treeEntries(kids: PlannedResource[]): TreeEntry[] {
  const ordered = [...kids].sort(
    (a, b) =>
      Number(a.custom) - Number(b.custom) || a.type.localeCompare(b.type) || a.name.localeCompare(b.name),
  );
  const entries: TreeEntry[] = [];
  for (let index = 0; index < ordered.length; ) {
    const first = ordered[index];
    let end = index;
    while (end < ordered.length && ordered[end].type === first.type && ordered[end].custom) end++;
    if (end - index > COLLAPSE_ABOVE) {
      entries.push({ type: first.type, collapsed: ordered.slice(index, end) });
      index = end;
    } else {
      entries.push({ resource: first });
      index += 1;
    }
  }
  return entries;
}

function countDescendants(urn: string, children: Map<string | null, PlannedResource[]>): number {
  let count = 0;
  for (const kid of children.get(urn) ?? []) count += 1 + countDescendants(kid.urn, children);
  return count;
}
