/**
 * The URN snapshot guard: a resource whose URN disappears without an alias pointing back at it
 * would be deleted and recreated by `pulumi up`. Adding resources is never a problem.
 */
import type { PlanResult } from "../../tools/plan/model";

export const SNAPSHOT_DIR = "test/plan/urn-snapshots";
export const REFRESH_COMMAND = "UPDATE_URN_SNAPSHOT=1 npx vitest run test/plan/stacks.test.ts";

/** URNs in the snapshot that the plan lost without an alias pointing back at them. */
export function unaliasedRemovals(snapshot: readonly string[], plan: PlanResult): string[] {
  const current = new Set(plan.resources.map((resource) => resource.urn));
  const aliased = new Set(plan.resources.flatMap((resource) => resource.aliases ?? []));
  return snapshot.filter((urn) => !current.has(urn) && !aliased.has(urn));
}

/** The failure text for removed URNs: what is lost, and the exact command once it is intended. */
export function removalMessage(stack: string, removed: readonly string[]): string {
  return [
    `stack ${stack}: ${removed.length} resource(s) of ${SNAPSHOT_DIR}/${stack}.json are gone without an alias (pulumi up would delete and recreate them):`,
    ...removed.map((urn) => `  ${urn}`),
    "Add `aliases` to the moved resources; if the removal is intended, refresh the snapshot with:",
    `  ${REFRESH_COMMAND}`,
  ].join("\n");
}
