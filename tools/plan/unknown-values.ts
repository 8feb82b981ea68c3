/**
 * Values unknown at preview, as the plan records them: the engine's sentinel string, which
 * `pulumi preview --json` writes for every unknown value. Reports show them as the CLI does.
 */

export const UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
export const KNOWN_AFTER_UP = "(known after up)";

export function isUnknownValue(value: unknown): boolean {
  return value === UNKNOWN_VALUE;
}

/** Dotted paths of every unknown value inside a resource's inputs (`member`, `budgetFilter.projects[0]`). */
export function unknownPaths(value: unknown, path = ""): string[] {
  if (isUnknownValue(value)) return [path];
  if (Array.isArray(value)) return value.flatMap((item, index) => unknownPaths(item, `${path}[${index}]`));
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([key, item]) => unknownPaths(item, path ? `${path}.${key}` : key));
}
