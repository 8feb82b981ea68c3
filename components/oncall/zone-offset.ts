import { DateTime } from "luxon";

/**
 * A zone's UTC offset at an instant, at a cost the on-call checks can afford: they ask for tens of
 * thousands of instants, and each Luxon lookup formats a date through Intl (tens of microseconds).
 *
 * Offsets are looked up once per zone and UTC day, at both ends of the day. When they agree, the
 * whole day has that offset: no zone in the tz database changes its offset twice within one day.
 * A day whose ends differ holds a change, and its instants are looked up one by one.
 */

const DAY = 86_400_000;
const luxonOffset = (zone: string, time: number) => DateTime.fromMillis(time, { zone }).offset;

/** Per zone: UTC day index → the day's offset in minutes, or null when it changes that day. */
const dayOffsets = new Map<string, Map<number, number | null>>();

export function zoneOffsetMinutes(zone: string, time: number): number {
  let days = dayOffsets.get(zone);
  if (!days) {
    days = new Map();
    dayOffsets.set(zone, days);
  }
  const day = Math.floor(time / DAY);
  let offset = days.get(day);
  if (offset === undefined) {
    const start = luxonOffset(zone, day * DAY);
    offset = start === luxonOffset(zone, (day + 1) * DAY - 1) ? start : null;
    if (days.size > 100_000) days.clear();
    days.set(day, offset);
  }
  return offset ?? luxonOffset(zone, time);
}

/** Weekday (1 = Monday) and "HH:mm" of an instant on the wall clocks of a zone. */
export function wallClock(zone: string, time: number): { weekday: number; clock: string } {
  const local = time + zoneOffsetMinutes(zone, time) * 60_000;
  const localDay = Math.floor(local / DAY);
  const minuteOfDay = Math.floor((local - localDay * DAY) / 60_000);
  // 1970-01-01 was a Thursday (weekday 4).
  const weekday = ((((localDay + 3) % 7) + 7) % 7) + 1;
  const hours = String(Math.floor(minuteOfDay / 60)).padStart(2, "0");
  const minutes = String(minuteOfDay % 60).padStart(2, "0");
  return { weekday, clock: `${hours}:${minutes}` };
}
