import type { z } from "zod";
import { quoteText, terminalLines, terminalText } from "./terminal-text";

/**
 * A mistake in a file the user wrote (stack config, CLI arguments, policy config, exemptions).
 * Its message is complete and meant for people: the CLI prints it without a stack trace and exits 2.
 */
export class UserInputError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    // Problems quote what users wrote: whatever a message builder left unescaped, no problem can
    // carry a terminal escape, an invisible character or a workflow command (see policies/lib/terminal-text.ts).
    const safe = problems.map(terminalLines);
    super(safe.join("\n"));
    this.problems = safe;
    this.name = "UserInputError";
  }
}

export type PathSegment = string | number;

export { yamlErrorText } from "../../policies/lib/yaml-error";

/** `platform:environments[0].network.subnets[1].cidr` */
export function formatPath(path: readonly PathSegment[]): string {
  let text = "";
  for (const segment of path) {
    if (typeof segment === "number") text += `[${segment}]`;
    else text += text === "" ? terminalText(segment) : `.${terminalText(segment)}`;
  }
  return text === "" ? "(top level)" : text;
}

/** A short, quoted description of the value the user wrote. */
export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing (the key is missing)";
  if (value === null) return "null";
  if (Array.isArray(value)) return `a list of ${value.length} item${value.length === 1 ? "" : "s"}`;
  if (typeof value === "object")
    return `an object with keys ${Object.keys(value).map(terminalText).join(", ") || "(none)"}`;
  if (typeof value === "string") {
    // Cut at a code point, never inside a surrogate pair.
    const points = Array.from(value);
    return quoteText(points.length > 80 ? `${points.slice(0, 77).join("")}...` : value);
  }
  return `${typeof value} ${String(value)}`;
}

export function valueAt(root: unknown, path: readonly PathSegment[]): unknown {
  let current = root;
  for (const segment of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string | number, unknown>)[segment];
  }
  return current;
}

const TYPE_NAMES: Record<string, string> = {
  string: "a string",
  number: "a number",
  boolean: "true or false",
  object: "a mapping (key: value)",
  array: "a list",
  int: "a whole number",
};

/** Closest candidate by edit distance, when it is close enough to be a plausible typo. */
export function nearestName(input: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const distance = editDistance(input.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(input.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length];
}

export interface IssueContext {
  /** The file the input came from, as the user would type it. */
  file: string;
  /** The parsed input the schema saw, to quote what was found. */
  input: unknown;
  /** How a schema path is shown to the user (e.g. `tier` becomes `platform:tier`). */
  displayPath?: (path: readonly PathSegment[]) => PathSegment[];
  /** Maps a displayed path to its line in the source file. */
  locate?: (path: readonly PathSegment[]) => number | undefined;
  /** The default the schema used for a missing key, so a rule about it can quote what applied. */
  defaultAt?: (path: readonly PathSegment[]) => unknown;
  /** Keys allowed at a path, for near-miss hints on unknown keys. */
  knownKeys?: (path: readonly PathSegment[]) => readonly string[];
}

/** One readable line per zod issue: `<file>: <path>: expected X, found Y (hint)`. */
export function formatZodIssues(issues: readonly z.core.$ZodIssue[], context: IssueContext): string[] {
  const lines: string[] = [];
  for (const issue of issues) {
    const path = issue.path as PathSegment[];
    if (issue.code === "unrecognized_keys") {
      const known = context.knownKeys?.(path) ?? [];
      for (const key of issue.keys) {
        const near = nearestName(key, known);
        const hint = near
          ? `; did you mean \`${near}\`?`
          : known.length > 0
            ? `; known keys: ${known.join(", ")}`
            : "";
        lines.push(
          line(context, [...path, key], "no such key", `unknown key \`${terminalText(key)}\`${hint}`),
        );
      }
      continue;
    }
    const written = valueAt(context.input, path);
    const fallback = written === undefined ? context.defaultAt?.(path) : undefined;
    const found =
      fallback === undefined
        ? describeValue(written)
        : `nothing, so the default ${describeValue(fallback)} applied`;
    let expected: string;
    let hint = "";
    switch (issue.code) {
      case "invalid_type":
        expected = TYPE_NAMES[issue.expected] ?? `a ${issue.expected}`;
        break;
      case "invalid_value": {
        const values = issue.values.map((value) => JSON.stringify(value));
        expected = values.length === 1 ? values[0] : `one of ${values.join(", ")}`;
        const near = typeof written === "string" ? nearestName(written, issue.values.map(String)) : undefined;
        if (near) hint = `; did you mean "${near}"?`;
        break;
      }
      case "too_small":
        expected = boundText(issue.origin, "at least", issue.minimum, issue.inclusive);
        break;
      case "too_big":
        expected = boundText(issue.origin, "at most", issue.maximum, issue.inclusive);
        break;
      default:
        // Formats, refinements and cross-field rules carry the expectation as their message.
        expected = issue.message;
    }
    lines.push(line(context, path, expected, `${found}${hint}`));
  }
  return lines;
}

function boundText(origin: string, word: string, bound: number | bigint, inclusive = true): string {
  const strict = inclusive ? "" : " (exclusive)";
  if (origin === "array" || origin === "set") return `${word} ${bound} item${bound === 1 ? "" : "s"}`;
  if (origin === "string") return `${word} ${bound} characters`;
  if (!inclusive && Number(bound) === 0 && word === "at least") return "a number greater than 0";
  return `a number ${word} ${bound}${strict}`;
}

function line(context: IssueContext, path: readonly PathSegment[], expected: string, found: string): string {
  const fullPath = context.displayPath ? context.displayPath(path) : [...path];
  const lineNumber = context.locate?.(fullPath);
  const where = lineNumber ? ` (line ${lineNumber})` : "";
  return `${terminalText(context.file)}: ${formatPath(fullPath)}: expected ${expected}, found ${found}${where}`;
}
