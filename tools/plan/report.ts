import type { PlanResult, PlannedResource } from "./model";

/** Renders the plan for a terminal: tree by component, counts by type. */
export function renderPlanText(result: PlanResult): string {
  const lines: string[] = [];
  lines.push(`Offline plan of stack ${result.stack} (project ${result.project}): ${result.summary.resourceCount} resources`);
  lines.push("");
  lines.push(...renderTree(result.resources));
  lines.push("");
  lines.push("Resources by type:");
  const width = Math.max(...Object.keys(result.summary.byType).map((type) => type.length));
  for (const [type, count] of Object.entries(result.summary.byType)) {
    lines.push(`  ${type.padEnd(width)}  ${String(count).padStart(4)}`);
  }
  return lines.join("\n");
}

export function renderTree(resources: PlannedResource[]): string[] {
  const children = new Map<string | null, PlannedResource[]>();
  for (const resource of resources) {
    const siblings = children.get(resource.parent) ?? [];
    siblings.push(resource);
    children.set(resource.parent, siblings);
  }
  const lines: string[] = [];
  const walk = (resource: PlannedResource, prefix: string, last: boolean, depth: number): void => {
    const branch = depth === 0 ? "" : last ? "└─ " : "├─ ";
    const kids = children.get(resource.urn) ?? [];
    const flags = [resource.protect ? "protected" : "", !resource.custom && kids.length > 0 ? `${countDescendants(resource.urn, children)} resources` : ""]
      .filter(Boolean)
      .join(", ");
    lines.push(`${prefix}${branch}${resource.name}  ${resource.type}${flags ? `  [${flags}]` : ""}`);
    const nextPrefix = depth === 0 ? "" : `${prefix}${last ? "   " : "│  "}`;
    // Components first, then custom resources by type, so a component reads as a unit.
    const ordered = [...kids].sort(
      (a, b) => Number(a.custom) - Number(b.custom) || a.type.localeCompare(b.type) || a.name.localeCompare(b.name),
    );
    ordered.forEach((kid, index) => walk(kid, nextPrefix, index === ordered.length - 1, depth + 1));
  };
  for (const root of children.get(null) ?? []) walk(root, "", true, 0);
  return lines;
}

function countDescendants(urn: string, children: Map<string | null, PlannedResource[]>): number {
  let count = 0;
  for (const kid of children.get(urn) ?? []) count += 1 + countDescendants(kid.urn, children);
  return count;
}
