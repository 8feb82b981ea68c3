/**
 * How the pack treats values that are unknown during `pulumi preview`.
 *
 * The policy SDK hands rules a proxy over the resource's properties that throws its internal
 * `UnknownValueError` when a rule reads a value the engine marked unknown (the protobuf carries it
 * as a sentinel string). Left alone, the SDK turns that into an advisory note. Security rules
 * instead fail closed when their stack asks for it: every field a security rule reads is one it
 * needs to prove the resource safe, so an unknown one is reported as a violation at the rule's own
 * level. Each deferral is remembered so the `unknown-values-recheck` stack policy can evaluate the
 * rule again on the values the engine knows at the end of the run.
 */

/** Sentinels the engine and the SDK use for unknown values (string, bool, number, array, asset, archive, object). */
export const UNKNOWN_SENTINELS: ReadonlySet<string> = new Set([
  "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
  "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
  "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
  "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
  "030794c1-ac77-496b-92df-f27374a8bd58",
  "e48ece36-62e2-4504-bad9-02848725956a",
  "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
]);

/** The string the engine sends over the wire for every unknown value. */
export const UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export function isUnknownSentinel(value: unknown): boolean {
  return typeof value === "string" && UNKNOWN_SENTINELS.has(value);
}

/** Thrown by `requireKnown` when a rule is given plain data (tests, rechecks) rather than the SDK proxy. */
export class UnknownFieldError extends Error {
  readonly props: string[];
  constructor(path: string[]) {
    super(`value at .${path.join(".")} can't be known during preview`);
    this.name = "UnknownFieldError";
    this.props = path;
  }
}

/** The path of the unknown value if `error` is the SDK's UnknownValueError (or ours), else undefined. */
export function unknownPathOf(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const candidate = error as Error & { props?: unknown; unknownTypeSentinel?: unknown };
  const isSdkError = typeof candidate.unknownTypeSentinel === "string" && Array.isArray(candidate.props);
  if (!isSdkError && !(error instanceof UnknownFieldError)) return undefined;
  return (candidate.props as unknown[]).map(String).join(".");
}

/** Returns `value`, throwing as the SDK proxy would when it is an unknown sentinel (for plain data). */
export function requireKnown<T>(value: T, path: string[]): T {
  if (isUnknownSentinel(value)) throw new UnknownFieldError(path);
  return value;
}

export type Known<T> = { known: true; value: T } | { known: false; path: string };

/** Evaluates `read` and reports an unknown value instead of throwing: for stack rules that walk many resources. */
export function tryKnown<T>(read: () => T): Known<T> {
  try {
    const value = read();
    if (isUnknownSentinel(value)) return { known: false, path: "" };
    return { known: true, value };
  } catch (error) {
    const path = unknownPathOf(error);
    if (path === undefined) throw error;
    return { known: false, path };
  }
}

export function failClosedMessage(path: string): string {
  return `${path ? `.${path}` : "a value"}: value unknown at preview; failing closed (failClosedOnUnknown is set for this stack). It is checked again when the value is known.`;
}

/** Rule evaluations that met an unknown value in this process, by policy name: rechecked by the stack policy. */
const deferred = new Map<string, Set<string>>();

export function recordDeferral(policyName: string, urn: string): void {
  let urns = deferred.get(policyName);
  if (!urns) {
    urns = new Set();
    deferred.set(policyName, urns);
  }
  urns.add(urn);
}

export function deferredEvaluations(): ReadonlyMap<string, ReadonlySet<string>> {
  return deferred;
}

export function clearDeferrals(): void {
  deferred.clear();
}
