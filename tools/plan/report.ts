import type { PlannedResource, PlanResult, PolicyReport } from "./model";
import { renderMonitoring } from "./monitoring";
import { renderRisk, summarizeRisk } from "./risk";

/** Renders the plan for a terminal: tree by component, counts by type. */
export function renderPlanText(result: PlanResult): string {
  const lines: string[] = [];
  lines.push(
    `Offline plan of stack ${result.stack} (project ${result.project}): ${result.summary.resourceCount} resources`,
  );
  lines.push("");
  lines.push(...renderTree(result.resources));
  lines.push("");
  lines.push("Resources by type:");
  const width = Math.max(...Object.keys(result.summary.byType).map((type) => type.length));
  for (const [type, count] of Object.entries(result.summary.byType)) {
    lines.push(`  ${type.padEnd(width)}  ${String(count).padStart(4)}`);
  }
  lines.push("");
  lines.push(...renderRisk(summarizeRisk(result.resources)));
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

const LEVEL_ORDER = ["mandatory", "remediate", "advisory", "disabled"];

export function renderPolicy(policy: PolicyReport): string[] {
  const lines = [`Policy pack ${policy.pack.name}@${policy.pack.version}:`];
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
    const where = violation.urn ? violation.urn.slice(violation.urn.lastIndexOf("::") + 2) : "(stack)";
    const severity = violation.severity ? `, ${violation.severity}` : "";
    lines.push(
      `  [${violation.enforcementLevel}${severity}] ${violation.policyName} — ${where}: ${violationDetail(violation.message)}`,
    );
  }
  if (policy.exemptions.length > 0) {
    lines.push("  Exemptions in force:");
    for (const exemption of policy.exemptions) {
      lines.push(
        `    ${exemption.policy} for ${exemption.resource} — ${exemption.owner}, ${exemption.ticket}, until ${exemption.expires}`,
      );
    }
  }
  return lines;
}

/** The engine's message is the policy's description, then what this resource did wrong. */
function violationDetail(message: string): string {
  const lines = message
    .split("\n")
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
    const flags = [
      resource.protect ? "protected" : "",
      !resource.custom && kids.length > 0 ? `${countDescendants(resource.urn, children)} resources` : "",
    ]
      .filter(Boolean)
      .join(", ");
    lines.push(`${prefix}${branch}${resource.name}  ${resource.type}${flags ? `  [${flags}]` : ""}`);
    const entries = treeEntries(kids);
    entries.forEach((entry, index) => {
      const last = index === entries.length - 1;
      const kidBranch = last ? "└─ " : "├─ ";
      const kidPrefix = `${childPrefix}${last ? "   " : "│  "}`;
      if ("collapsed" in entry) {
        const protectedCount = entry.collapsed.filter((kid) => kid.protect).length;
        const note = protectedCount > 0 ? `, ${protectedCount} protected` : "";
        lines.push(`${childPrefix}${kidBranch}${entry.collapsed.length} × ${entry.type}${note}`);
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
