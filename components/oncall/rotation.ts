import { DateTime } from "luxon";
import { type OncallConfig, type Rotation, WEEKDAYS } from "../../stacks/config/oncall";
import { wallClock } from "./zone-offset";

/**
 * Who is on duty when: pure functions over the model. All calendar arithmetic goes through Luxon
 * in the rotation's (or team's) IANA zone, so a handoff at 10:00 stays at 10:00 local across DST.
 */

type Team = OncallConfig["teams"][number];
export type LayerName = "primary" | "secondary";

function handoffAt(rotation: Rotation, shift: number): DateTime {
  const [hour, minute] = rotation.handoff.time.split(":").map(Number);
  return DateTime.fromISO(rotation.start, { zone: rotation.timeZone })
    .set({ hour, minute, second: 0, millisecond: 0 })
    .plus({ days: shift * rotation.lengthDays });
}

// Handoff instants are asked for thousands of times by the checks: remember them per rotation.
const handoffCache = new WeakMap<Rotation, Map<number, number>>();
function handoffMillis(rotation: Rotation, shift: number): number {
  let cache = handoffCache.get(rotation);
  if (!cache) {
    cache = new Map();
    handoffCache.set(rotation, cache);
  }
  let millis = cache.get(shift);
  if (millis === undefined) {
    millis = handoffAt(rotation, shift).toMillis();
    cache.set(shift, millis);
  }
  return millis;
}

/** The index of the shift running at `at` (negative before the first handoff). */
export function shiftIndex(rotation: Rotation, at: Date): number {
  const time = at.getTime();
  // A first guess from elapsed time (DST moves a boundary by an hour at most), then exact steps.
  let shift = Math.floor((time - handoffMillis(rotation, 0)) / (rotation.lengthDays * 86_400_000));
  while (handoffMillis(rotation, shift) > time) shift--;
  while (handoffMillis(rotation, shift + 1) <= time) shift++;
  return shift;
}

/** Start and end of the shift running at `at`. */
export function shiftBounds(rotation: Rotation, at: Date): { start: Date; end: Date; shift: number } {
  const shift = shiftIndex(rotation, at);
  return {
    start: new Date(handoffMillis(rotation, shift)),
    end: new Date(handoffMillis(rotation, shift + 1)),
    shift,
  };
}

/** Handoff instants in [from, to). */
export function handoffsBetween(rotation: Rotation, from: Date, to: Date): Date[] {
  const instants: Date[] = [];
  for (let shift = shiftIndex(rotation, from) + 1; ; shift++) {
    const at = new Date(handoffMillis(rotation, shift));
    if (at >= to) return instants;
    instants.push(at);
  }
}

/** True when `at` falls in the team's working hours, in the team's zone. */
export function inWorkingHours(team: Team, at: Date): boolean {
  const { weekday, clock } = wallClock(team.timeZone, at.getTime());
  if (!team.workingHours.days.includes(WEEKDAYS[weekday - 1])) return false;
  return clock >= team.workingHours.start && clock < team.workingHours.end;
}

/**
 * The person on duty on a layer at an instant: an override covering the instant wins; otherwise
 * the shift's member, unless the layer only covers working hours and the team is off.
 */
export function onDuty(
  model: OncallConfig,
  rotation: Rotation,
  layerName: LayerName,
  at: Date,
): string | undefined {
  const layer = rotation.layers.find((candidate) => candidate.name === layerName);
  if (!layer) return undefined;
  const time = at.getTime();
  const override = rotation.overrides.find(
    (candidate) =>
      candidate.layer === layerName &&
      Date.parse(candidate.start) <= time &&
      time < Date.parse(candidate.end),
  );
  if (override) return override.person;
  if (layer.workingHoursOnly) {
    const team = model.teams.find((candidate) => candidate.name === rotation.team);
    if (team && !inWorkingHours(team, at)) return undefined;
  }
  const shift = shiftIndex(rotation, at);
  const count = layer.members.length;
  return layer.members[((shift % count) + count) % count];
}
