/**
 * Folds engine events into the model the Markdown renderer reads. The offline plan builds the same
 * model (see `planResultToSummary` in markdown.ts), so both comments look alike.
 */
import { classifyResourceType, type ResourceClass } from "./classify";
import type { EngineEvent, StepEventMetadata } from "./events";

/** Operation kinds as the summary counts them: replacement steps are folded into "replace". */
export type ChangeKind =
  | "create"
  | "update"
  | "delete"
  | "replace"
  | "same"
  | "read"
  | "import"
  | "refresh"
  | "discard"
  | "remove-pending-replace";

/** Display order of the counts in the title line. */
export const CHANGE_KIND_ORDER: readonly ChangeKind[] = [
  "create",
  "update",
  "delete",
  "replace",
  "import",
  "read",
  "refresh",
  "discard",
  "remove-pending-replace",
  "same",
];

/** Maps every `OpType` of apitype/events.go to the kind the summary counts. */
const OP_TO_KIND: Record<string, ChangeKind> = {
  same: "same",
  create: "create",
  update: "update",
  delete: "delete",
  replace: "replace",
  "create-replacement": "replace",
  "delete-replaced": "replace",
  "import-replacement": "replace",
  read: "read",
  "read-replacement": "read",
  refresh: "refresh",
  discard: "discard",
  "discard-replaced": "discard",
  "remove-pending-replace": "remove-pending-replace",
  import: "import",
};

// When one URN shows several steps, the most consequential one describes it (a replacement shows as
// create-replacement, replace and delete-replaced; it is one replacement).
const KIND_WEIGHT: Record<ChangeKind, number> = {
  replace: 9,
  delete: 8,
  create: 7,
  update: 6,
  import: 5,
  "remove-pending-replace": 4,
  discard: 3,
  read: 2,
  refresh: 1,
  same: 0,
};

export interface ResourceChange {
  urn: string;
  type: string;
  kind: ChangeKind;
  resourceClass: ResourceClass;
  /** Properties forcing a replacement (`metadata.keys`, else replace-kinds of `detailedDiff`). */
  replaceReasons: string[];
  /** Properties that changed (`metadata.diffs`). */
  changedProperties: string[];
  /** The engine reported this step as failed (`resOpFailedEvent`). */
  failed: boolean;
  /** The resource is protected in state: deleting it fails. */
  protect: boolean;
}

export type ViolationLevel = "mandatory" | "remediate" | "advisory" | "disabled";

export interface SummaryViolation {
  policyName: string;
  policyPack: string;
  level: ViolationLevel;
  severity: string;
  /** Empty for stack-level violations. */
  urn: string;
  message: string;
}

export interface PlanSummary {
  stack: string;
  /** "preview" for a real engine event log, "offline" for the mock-based plan. */
  source: "preview" | "offline";
  counts: Partial<Record<ChangeKind, number>>;
  /** One entry per URN, in the order the engine first reported it. */
  changes: ResourceChange[];
  violations: SummaryViolation[];
  /** Error diagnostics (provider failures, program errors), colour markup stripped. */
  errors: string[];
  /** `summaryEvent.maybeCorrupt`: the update failed half-way. */
  maybeCorrupt: boolean;
  /**
   * Whether the engine wrote its summary event. A log without one stops early (the preview crashed
   * or was killed) and its counts are partial. (`cancelEvent` is no signal: the engine ends every
   * event stream with one.) The offline plan is always complete.
   */
  complete: boolean;
}

const COLOR_MARKUP = /<\{%[^%]*%\}>/g;

/** Removes the engine's colour directives (`<{%reset%}>`, `<{%fg 1%}>`, ...). */
export function stripColorMarkup(text: string): string {
  return text.replace(COLOR_MARKUP, "");
}

/** Normalises enforcement levels, including the older names ("warning", "none"). */
export function normalizeLevel(level: string | undefined): ViolationLevel {
  switch (level) {
    case "mandatory":
      return "mandatory";
    case "remediate":
      return "remediate";
    case "disabled":
    case "none":
      return "disabled";
    default:
      return "advisory";
  }
}

function replaceReasonsOf(metadata: StepEventMetadata): string[] {
  if (metadata.keys && metadata.keys.length > 0) return [...new Set(metadata.keys)];
  const fromDetailedDiff = Object.entries(metadata.detailedDiff ?? {})
    .filter(([, diff]) => diff.diffKind?.endsWith("-replace"))
    .map(([path]) => path);
  return [...new Set(fromDetailedDiff)];
}

function typeFromUrn(urn: string): string {
  // urn:pulumi:<stack>::<project>::<parentType$...$type>::<name>
  const qualifiedType = urn.split("::")[2] ?? "";
  return qualifiedType.split("$").pop() ?? "";
}

export function summarizeEvents(events: readonly EngineEvent[], stack: string): PlanSummary {
  const changesByUrn = new Map<string, ResourceChange>();
  const violations: SummaryViolation[] = [];
  const errors: string[] = [];
  let maybeCorrupt = false;
  let complete = false;

  const recordStep = (metadata: StepEventMetadata | undefined, failed: boolean) => {
    if (!metadata?.urn || !metadata.op) return;
    const kind = OP_TO_KIND[metadata.op];
    if (!kind) return;
    const type = metadata.type || typeFromUrn(metadata.urn);
    const existing = changesByUrn.get(metadata.urn);
    const replaceReasons = replaceReasonsOf(metadata);
    const changedProperties = [...new Set(metadata.diffs ?? [])];
    const protect = Boolean(metadata.old?.protect || metadata.new?.protect);
    if (!existing) {
      changesByUrn.set(metadata.urn, {
        urn: metadata.urn,
        type,
        kind,
        resourceClass: classifyResourceType(type),
        replaceReasons,
        changedProperties,
        failed,
        protect,
      });
      return;
    }
    if (KIND_WEIGHT[kind] > KIND_WEIGHT[existing.kind]) existing.kind = kind;
    existing.replaceReasons = [...new Set([...existing.replaceReasons, ...replaceReasons])];
    existing.changedProperties = [...new Set([...existing.changedProperties, ...changedProperties])];
    existing.failed ||= failed;
    existing.protect ||= protect;
  };

  for (const event of events) {
    if (event.resourcePreEvent) recordStep(event.resourcePreEvent.metadata, false);
    else if (event.resOutputsEvent) recordStep(event.resOutputsEvent.metadata, false);
    else if (event.resOpFailedEvent) recordStep(event.resOpFailedEvent.metadata, true);
    else if (event.policyEvent) {
      const policy = event.policyEvent;
      violations.push({
        policyName: policy.policyName ?? "",
        policyPack: [policy.policyPackName, policy.policyPackVersion].filter(Boolean).join("@"),
        level: normalizeLevel(policy.enforcementLevel),
        severity: policy.severity ?? "",
        urn: policy.resourceUrn ?? "",
        message: stripColorMarkup(policy.message ?? "").trim(),
      });
    } else if (event.diagnosticEvent?.severity === "error") {
      const message = stripColorMarkup(event.diagnosticEvent.message ?? "").trim();
      if (message) errors.push(message);
    } else if (event.errorEvent?.error) {
      errors.push(stripColorMarkup(event.errorEvent.error).trim());
    } else if (event.summaryEvent) {
      complete = true;
      if (event.summaryEvent.maybeCorrupt) maybeCorrupt = true;
    }
  }

  const changes = [...changesByUrn.values()];
  const counts: Partial<Record<ChangeKind, number>> = {};
  for (const change of changes) counts[change.kind] = (counts[change.kind] ?? 0) + 1;
  return { stack, source: "preview", counts, changes, violations, errors, maybeCorrupt, complete };
}
