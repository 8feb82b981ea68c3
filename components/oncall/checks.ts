import { type OncallConfig, REQUIRED_AREAS, SEVERITIES } from "../../stacks/config/oncall";
import { terminalText } from "../../stacks/config/terminal-text";
import { handoffsBetween, onDuty } from "./rotation";
import { findRoute, firstHumanMinute, reachesHuman, whoIsNotified } from "./simulate";
import { zoneOffsetMinutes } from "./zone-offset";

/**
 * Gaps in an operating model that validation cannot see because they depend on time: who is on
 * duty when, whether a SEV1 reaches a person in time at every instant. `now` is an input.
 */

export type GapKind =
  | "unrouted"
  | "uncovered-rotation"
  | "sev1-too-slow"
  | "chat-only-escalation"
  | "expired-override"
  | "double-primary";

export interface Gap {
  kind: GapKind;
  message: string;
}

/** How far ahead coverage and double-booking are checked. */
export const CHECK_WEEKS = 8;
const STEP_MINUTES = 15;

/** Every instant the time-dependent checks look at: a 15-minute grid, handoffs and DST changes. */
export function checkInstants(model: OncallConfig, from: Date, weeks = CHECK_WEEKS): Date[] {
  const to = new Date(from.getTime() + weeks * 7 * 86_400_000);
  const start = Math.ceil(from.getTime() / (STEP_MINUTES * 60_000)) * STEP_MINUTES * 60_000;
  const instants = new Set<number>();
  for (let time = start; time < to.getTime(); time += STEP_MINUTES * 60_000) instants.add(time);
  for (const rotation of model.rotations) {
    for (const handoff of handoffsBetween(rotation, from, to)) {
      instants.add(handoff.getTime());
      instants.add(handoff.getTime() - 60_000);
    }
  }
  const zones = new Set([...model.rotations.map((r) => r.timeZone), ...model.teams.map((t) => t.timeZone)]);
  for (const zone of zones)
    for (const change of offsetChanges(zone, from, to)) {
      instants.add(change.getTime());
      instants.add(change.getTime() - 60_000);
    }
  return [...instants].sort((a, b) => a - b).map((time) => new Date(time));
}

/** Instants in [from, to) where a zone's UTC offset changes (DST), to the minute. */
export function offsetChanges(zone: string, from: Date, to: Date): Date[] {
  const offset = (time: number) => zoneOffsetMinutes(zone, time);
  const changes: Date[] = [];
  const hour = 3_600_000;
  for (let time = from.getTime(); time < to.getTime(); time += hour) {
    if (offset(time) === offset(time + hour)) continue;
    let low = time;
    let high = time + hour;
    while (high - low > 60_000) {
      const middle = Math.floor((low + high) / 2 / 60_000) * 60_000;
      if (offset(middle) === offset(low)) low = middle;
      else high = middle;
    }
    changes.push(new Date(high));
  }
  return changes;
}

const at = (date: Date) => date.toISOString().replace(".000Z", "Z");

export function checkModel(model: OncallConfig, now: Date): Gap[] {
  const gaps: Gap[] = [];
  const areas = [...new Set([...REQUIRED_AREAS, ...model.areas.map((a) => a.name)])];
  for (const area of areas) {
    for (const severity of SEVERITIES) {
      if (!model.routes.some((route) => route.area === area && route.severities.includes(severity)))
        gaps.push({ kind: "unrouted", message: `${area} ${severity}: no route` });
    }
  }
  for (const policy of model.escalationPolicies) {
    const last = policy.levels[policy.levels.length - 1];
    const receiver = model.receivers.find((r) => r.name === last.channel);
    if (!reachesHuman(receiver))
      gaps.push({
        kind: "chat-only-escalation",
        message: `escalation policy ${policy.name}: its last level notifies through ${last.channel} (${receiver?.type ?? "missing"}), which reaches no person directly`,
      });
  }
  for (const rotation of model.rotations) {
    for (const override of rotation.overrides) {
      if (Date.parse(override.end) <= now.getTime())
        gaps.push({
          kind: "expired-override",
          message: `rotation ${rotation.name}: the ${override.layer} override for ${override.person} ended at ${override.end}`,
        });
    }
  }
  const instants = checkInstants(model, now);
  for (const rotation of model.rotations) {
    const uncovered = instants.filter((instant) =>
      rotation.layers.every((layer) => onDuty(model, rotation, layer.name, instant) === undefined),
    );
    if (uncovered.length > 0)
      gaps.push({
        kind: "uncovered-rotation",
        message: `rotation ${rotation.name}: nobody on duty at ${at(uncovered[0])}, the first uncovered instant of the next ${CHECK_WEEKS} weeks`,
      });
  }
  const doubles = new Map<string, Date>();
  for (const instant of instants) {
    const seen = new Map<string, string>();
    for (const rotation of model.rotations) {
      const person = onDuty(model, rotation, "primary", instant);
      if (!person) continue;
      const other = seen.get(person);
      const key = `${person} ${other} ${rotation.name}`;
      if (other && !doubles.has(key)) doubles.set(key, instant);
      seen.set(person, rotation.name);
    }
  }
  for (const [key, instant] of doubles) {
    const [person, first, second] = key.split(" ");
    gaps.push({
      kind: "double-primary",
      message: `${person} is primary on ${first} and ${second} at the same time, from ${at(instant)}`,
    });
  }
  const weekInstants = instants.filter((instant) => instant.getTime() < now.getTime() + 7 * 86_400_000);
  // A SEV1 is never lowered by quiet hours and its route's own channels name no person, so the first
  // person it reaches depends only on the escalation policy and the instant: routes sharing a policy
  // share the answer (the bundled models: 5 SEV1 routes, 3 policies, ~700 instants each).
  const firstHuman = new Map<string, number | undefined>();
  const firstHumanFor = (area: string, instant: Date): number | undefined => {
    const key = `${findRoute(model, area, "SEV1")?.escalationPolicy ?? ""}\n${instant.getTime()}`;
    if (!firstHuman.has(key))
      firstHuman.set(key, firstHumanMinute(model, whoIsNotified(model, area, "SEV1", instant)));
    return firstHuman.get(key);
  };
  for (const route of model.routes) {
    if (!route.severities.includes("SEV1")) continue;
    const target = model.severities.SEV1.responseMinutes;
    for (const instant of weekInstants) {
      const minute = firstHumanFor(route.area, instant);
      if (minute === undefined || minute > target) {
        gaps.push({
          kind: "sev1-too-slow",
          message: `${route.area} SEV1 at ${at(instant)}: ${minute === undefined ? "reaches no person" : `first reaches a person after ${minute} min`}, over the ${target}-minute response target`,
        });
        break;
      }
    }
  }
  return gaps;
}

/** The check's report: one line per gap, under a count. */
export function formatGaps(gaps: Gap[]): string {
  if (gaps.length === 0) return "on-call check: no gaps";
  return [
    `on-call check: ${gaps.length} gap${gaps.length === 1 ? "" : "s"}`,
    ...gaps.map((gap) => `  ${gap.kind}: ${terminalText(gap.message)}`),
  ].join("\n");
}
