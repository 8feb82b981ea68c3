/**
 * How the pack treats values that are unknown during `pulumi preview`.
 *
 * The policy SDK hands rules a proxy over the resource's properties that throws its internal
 * `UnknownValueError` when a rule reads a value the engine marked unknown (the protobuf carries it
 * as a sentinel string). In a first preview of a stack every value a provider computes (a service
 * account's email, a project's number, a pool's name) is unknown, and so is every input built from
 * one: an IAM member naming a new service account, a budget filtering on a new project.
 *
 * A resource rule that meets an unknown value reports nothing at `Analyze` (the engine sends no
 * property dependencies there, so the rule cannot tell why the value is unknown) and records a
 * deferral. The `unknown-values-recheck` stack policy evaluates each deferred rule again in
 * `AnalyzeStack`, where the engine sends `propertyDependencies`:
 * - on `up` the values are known, and the rule's own violations are reported;
 * - at preview, a value still unknown that a resource of this stack computes (its property
 *   depends on one) is deferred to that check on `up`: the stack is new, nothing is wrong yet;
 * - at preview, a value unknown that no resource of the stack computes can only come from a
 *   program hiding it on purpose: security rules fail closed on it where the stack sets
 *   `failClosedOnUnknown` (docs/decisions/0070-unknown-values-at-preview.md).
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

/** A value unknown at preview that no resource of the stack computes: fail closed. */
export function hiddenUnknownMessage(path: string): string {
  return `${path ? `.${path}` : "a value"}: value unknown at preview and computed by no resource of this stack (it has no property dependency); only a program hiding the value leaves it unknown, so it fails closed (failClosedOnUnknown is set for this stack).`;
}

/** The resource shape `judgeUnknown` needs: the engine's property dependencies (AnalyzeStack). */
export interface WithPropertyDependencies {
  propertyDependencies?: Record<string, readonly { urn: string }[]>;
}

/**
 * Whether a value unknown at preview may wait for the check on `up`: yes when the top-level
 * property it sits in was built from a resource of this stack (which computes it when created).
 */
export function deferrableUnknown(resource: WithPropertyDependencies, path: string): boolean {
  const property = path.split(/[.[]/)[0] ?? "";
  return (resource.propertyDependencies?.[property] ?? []).length > 0;
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
