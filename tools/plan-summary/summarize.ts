/**
 * Folds engine events into the model the Markdown renderer reads. The offline plan builds the same
 * model (see `planResultToSummary` in markdown.ts), so both comments look alike.
 */
import { classifyResourceType, type ResourceClass } from "./classify";
import type { EngineEvent } from "./events";

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
  /**
   * Why the change is dangerous, when it is: a delete, a replacement, an authoritative IAM policy,
   * or a grant to allUsers / allAuthenticatedUsers. Dangerous rows are listed first, always whole.
   */
  danger?: string;
}

const PUBLIC_MEMBERS = ["allUsers", "allAuthenticatedUsers"];

/** Why a change is dangerous (see ResourceChange.danger), from its kind, type and inputs. */
export function dangerOf(kind: ChangeKind, type: string, inputs: unknown): string | undefined {
  if (kind === "delete") return "delete";
  if (kind === "replace") return "replacement";
  if (/iampolicy$/i.test(type.split(":").pop() ?? "")) return "authoritative IAM policy";
  if (inputs !== null && typeof inputs === "object") {
    const record = inputs as Record<string, unknown>;
    const members = [record.member, ...(Array.isArray(record.members) ? record.members : [])];
    if (members.some((member) => typeof member === "string" && PUBLIC_MEMBERS.includes(member)))
      return "public grant";
  }
  return undefined;
}

/** A string field of untrusted JSON, or "" when it is anything else. */
function text(value: unknown): string {
  return typeof value === "string" ? value : "";
}

/** The strings of an untrusted JSON list; anything that is not a list of strings gives []. */
function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : [];
}

function record(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
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

function replaceReasonsOf(metadata: Record<string, unknown>): string[] {
  const keys = strings(metadata.keys);
  if (keys.length > 0) return [...new Set(keys)];
  const fromDetailedDiff = Object.entries(record(metadata.detailedDiff) ?? {})
    .filter(([, diff]) => text(record(diff)?.diffKind).endsWith("-replace"))
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

  // Every field of the log is untrusted: read each one for its type, never trust the declared shape.
  const recordStep = (step: unknown, failed: boolean) => {
    const metadata = record(record(step)?.metadata);
    if (!metadata) return;
    const urn = text(metadata.urn);
    const op = text(metadata.op);
    // `op` can be any string, `constructor` and `__proto__` included: look up own keys only.
    if (!urn || !Object.hasOwn(OP_TO_KIND, op)) return;
    const kind = OP_TO_KIND[op] as ChangeKind;
    const type = text(metadata.type) || typeFromUrn(urn);
    const existing = changesByUrn.get(urn);
    const replaceReasons = replaceReasonsOf(metadata);
    const changedProperties = [...new Set(strings(metadata.diffs))];
    const protect = record(metadata.old)?.protect === true || record(metadata.new)?.protect === true;
    const inputs = record(metadata.new)?.inputs;
    if (!existing) {
      changesByUrn.set(urn, {
        urn,
        type,
        kind,
        resourceClass: classifyResourceType(type),
        replaceReasons,
        changedProperties,
        failed,
        protect,
        danger: dangerOf(kind, type, inputs),
      });
      return;
    }
    if (KIND_WEIGHT[kind] > KIND_WEIGHT[existing.kind]) existing.kind = kind;
    existing.danger = dangerOf(existing.kind, existing.type, inputs) ?? existing.danger;
    existing.replaceReasons = [...new Set([...existing.replaceReasons, ...replaceReasons])];
    existing.changedProperties = [...new Set([...existing.changedProperties, ...changedProperties])];
    existing.failed ||= failed;
    existing.protect ||= protect;
  };

  for (const untrusted of events) {
    const event = record(untrusted) as Record<string, unknown> | undefined;
    if (!event) continue;
    if (event.resourcePreEvent) recordStep(event.resourcePreEvent, false);
    else if (event.resOutputsEvent) recordStep(event.resOutputsEvent, false);
    else if (event.resOpFailedEvent) recordStep(event.resOpFailedEvent, true);
    else if (record(event.policyEvent)) {
      const policy = record(event.policyEvent) as Record<string, unknown>;
      violations.push({
        policyName: text(policy.policyName),
        policyPack: [text(policy.policyPackName), text(policy.policyPackVersion)].filter(Boolean).join("@"),
        level: normalizeLevel(text(policy.enforcementLevel)),
        severity: text(policy.severity),
        urn: text(policy.resourceUrn),
        message: stripColorMarkup(text(policy.message)).trim(),
      });
    } else if (record(event.diagnosticEvent)?.severity === "error") {
      const message = stripColorMarkup(text(record(event.diagnosticEvent)?.message)).trim();
      if (message) errors.push(message);
    } else if (text(record(event.errorEvent)?.error)) {
      errors.push(stripColorMarkup(text(record(event.errorEvent)?.error)).trim());
    } else if (record(event.summaryEvent)) {
      complete = true;
      if (record(event.summaryEvent)?.maybeCorrupt === true) maybeCorrupt = true;
    }
  }

  const changes = [...changesByUrn.values()];
  const counts: Partial<Record<ChangeKind, number>> = {};
  for (const change of changes) counts[change.kind] = (counts[change.kind] ?? 0) + 1;
  return { stack, source: "preview", counts, changes, violations, errors, maybeCorrupt, complete };
}
