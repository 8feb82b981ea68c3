/**
 * The engine events that `pulumi preview --event-log FILE` writes, one JSON object per line.
 * Field names follow pulumi/pulumi `sdk/go/common/apitype/events.go`; only the fields the summary
 * reads are typed, and every one of them is optional because older CLIs omit some.
 */

import { quoteText, terminalText } from "../../stacks/config/terminal-text";

export interface StepEventStateMetadata {
  type?: string;
  urn?: string;
  id?: string;
  parent?: string;
  protect?: boolean;
  custom?: boolean;
}

export interface PropertyDiff {
  diffKind?: string;
  inputDiff?: boolean;
}

export interface StepEventMetadata {
  op?: string;
  urn?: string;
  type?: string;
  old?: StepEventStateMetadata | null;
  new?: StepEventStateMetadata | null;
  /** Keys causing a replacement. */
  keys?: string[] | null;
  /** Keys that changed with this step. */
  diffs?: string[] | null;
  detailedDiff?: Record<string, PropertyDiff> | null;
  logical?: boolean;
  provider?: string;
}

export interface StepEvent {
  metadata?: StepEventMetadata;
  planning?: boolean;
}

export interface PolicyEvent {
  resourceUrn?: string;
  message?: string;
  color?: string;
  policyName?: string;
  policyPackName?: string;
  policyPackVersion?: string;
  policyPackVersionTag?: string;
  enforcementLevel?: string;
  severity?: string;
}

export interface DiagnosticEvent {
  urn?: string;
  prefix?: string;
  message?: string;
  color?: string;
  severity?: string;
  ephemeral?: boolean;
}

export interface SummaryEvent {
  maybeCorrupt?: boolean;
  durationSeconds?: number;
  resourceChanges?: Record<string, number>;
  PolicyPacks?: Record<string, string>;
  isPreview?: boolean;
}

export interface EngineEvent {
  sequence?: number;
  timestamp?: number;
  cancelEvent?: Record<string, never>;
  stdoutEvent?: { message?: string; color?: string };
  diagnosticEvent?: DiagnosticEvent;
  preludeEvent?: { config?: Record<string, string> };
  summaryEvent?: SummaryEvent;
  resourcePreEvent?: StepEvent;
  resOutputsEvent?: StepEvent;
  resOpFailedEvent?: StepEvent & { status?: number; steps?: number };
  policyEvent?: PolicyEvent;
  policyRemediationEvent?: Record<string, unknown>;
  policyLoadEvent?: Record<string, never>;
  policyAnalyzeSummaryEvent?: Record<string, unknown>;
  policyRemediateSummaryEvent?: Record<string, unknown>;
  policyAnalyzeStackSummaryEvent?: Record<string, unknown>;
  startDebuggingEvent?: Record<string, unknown>;
  progressEvent?: Record<string, unknown>;
  errorEvent?: { error?: string };
}

/** Every payload field an `EngineEvent` may carry (exactly one per event). */
export const ENGINE_EVENT_KINDS = [
  "cancelEvent",
  "stdoutEvent",
  "diagnosticEvent",
  "preludeEvent",
  "summaryEvent",
  "resourcePreEvent",
  "resOutputsEvent",
  "resOpFailedEvent",
  "policyEvent",
  "policyRemediationEvent",
  "policyLoadEvent",
  "policyAnalyzeSummaryEvent",
  "policyRemediateSummaryEvent",
  "policyAnalyzeStackSummaryEvent",
  "startDebuggingEvent",
  "progressEvent",
  "errorEvent",
] as const;

/** A user-facing input error: names the file, the line, what was expected and what was found. */
export class EventLogError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    readonly expected: string,
    readonly found: string,
  ) {
    super(
      `${terminalText(line === undefined ? file : `${file}:${line}`)}: expected ${expected}, found ${found}`,
    );
    this.name = "EventLogError";
  }
}

function describeFound(text: string): string {
  const points = Array.from(text.trim());
  return quoteText(points.length > 60 ? `${points.slice(0, 60).join("")}…` : points.join(""));
}

function describeJsonValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return `a ${typeof value}`;
}

/**
 * Parses an NDJSON event log. Blank lines are skipped (the CLI ends the file with a newline);
 * anything else that is not a JSON object with one known event field is an error.
 */
export function parseEventLog(text: string, file: string): EngineEvent[] {
  const events: EngineEvent[] = [];
  const lines = text.split(/\r?\n/);
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    if (line.trim() === "") continue;
    const lineNumber = index + 1;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new EventLogError(
        file,
        lineNumber,
        "one JSON engine event per line (NDJSON, as written by `pulumi preview --event-log`)",
        `text that is not JSON: ${describeFound(line)}`,
      );
    }
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      throw new EventLogError(
        file,
        lineNumber,
        "a JSON object (an engine event)",
        `${describeJsonValue(value)}: ${describeFound(line)}`,
      );
    }
    const keys = Object.keys(value);
    if (!ENGINE_EVENT_KINDS.some((kind) => kind in value)) {
      throw new EventLogError(
        file,
        lineNumber,
        `an engine event with one of ${ENGINE_EVENT_KINDS.slice(0, 4).join(", ")}, … (see apitype/events.go)`,
        keys.length === 0 ? "an empty object" : `an object with keys ${keys.map(terminalText).join(", ")}`,
      );
    }
    events.push(value as EngineEvent);
  }
  if (events.length === 0) {
    throw new EventLogError(file, undefined, "at least one engine event", "an empty file");
  }
  return events;
}
