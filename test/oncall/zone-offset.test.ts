import { describe, expect, it } from "vitest";
import { wallClock, zoneOffsetMinutes } from "../../components/oncall/zone-offset";

// Expected values from the tz rules of each zone, worked out by hand.
const at = (iso: string) => Date.parse(iso);

describe("zone offsets, looked up per day", () => {
  it.each([
    // Berlin: summer time from the last Sunday of March, 01:00 UTC.
    ["Europe/Berlin", "2026-03-28T12:00:00Z", 60],
    ["Europe/Berlin", "2026-03-29T00:59:00Z", 60],
    ["Europe/Berlin", "2026-03-29T01:00:00Z", 120],
    ["Europe/Berlin", "2026-03-29T23:59:00Z", 120],
    // New York: standard time from the first Sunday of November, 06:00 UTC.
    ["America/New_York", "2026-11-01T05:59:00Z", -240],
    ["America/New_York", "2026-11-01T06:00:00Z", -300],
    // Lord Howe moves by half an hour: 02:00 local (+11:00) is 15:00 UTC on 4 April 2026.
    ["Australia/Lord_Howe", "2026-04-04T14:59:00Z", 660],
    ["Australia/Lord_Howe", "2026-04-04T15:00:00Z", 630],
    ["Asia/Kathmandu", "2026-11-30T18:20:00Z", 345],
    ["UTC", "2026-11-30T18:20:00Z", 0],
  ])("%s at %s is UTC%+d min", (zone, iso, minutes) => {
    expect(zoneOffsetMinutes(zone, at(iso))).toBe(minutes);
  });

  it("the same day asked in any order gives the same offsets", () => {
    // The change day first at its end, then before the change: the day's cache must not fix one offset.
    expect(zoneOffsetMinutes("Europe/Paris", at("2026-10-25T23:00:00Z"))).toBe(60);
    expect(zoneOffsetMinutes("Europe/Paris", at("2026-10-25T00:59:00Z"))).toBe(120);
    expect(zoneOffsetMinutes("Europe/Paris", at("2026-10-25T01:00:00Z"))).toBe(60);
  });
});

describe("wall clock of a zone", () => {
  it.each([
    ["Asia/Kathmandu", "2026-11-30T18:20:00Z", 2, "00:05"], // Tuesday, past local midnight
    ["America/New_York", "2026-11-30T15:00:00Z", 1, "10:00"], // Monday
    ["America/New_York", "2026-11-01T05:59:00Z", 7, "01:59"], // Sunday, the first 01:59
    ["America/New_York", "2026-11-01T06:00:00Z", 7, "01:00"], // the clock falls back
    ["Europe/Berlin", "2026-03-29T01:00:00Z", 7, "03:00"], // the clock jumps forward
    ["Pacific/Auckland", "2026-12-31T11:30:00Z", 5, "00:30"], // Friday 1 January 2027
    ["UTC", "1969-12-29T23:59:00Z", 1, "23:59"], // a Monday before 1970
  ])("%s at %s: weekday %d, %s", (zone, iso, weekday, clock) => {
    expect(wallClock(zone, at(iso))).toEqual({ weekday, clock });
  });
});
