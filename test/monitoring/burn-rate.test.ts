import { describe, expect, it } from "vitest";
import {
  BURN_RATE_TABLE,
  burnRateAlerts,
  burnRateFor,
  durationLabel,
  errorBudget,
  lowTrafficCheck,
  maxBurnRate,
  promDuration,
  secondsToFire,
} from "../../components/monitoring/burn-rate";

const DAY = 86_400;

describe("burn-rate maths", () => {
  it("derives the Workbook's 14.4 / 6 / 1 for a 30-day period", () => {
    // budget fraction × period ÷ long window: 0.02 × 720 h ÷ 1 h, 0.05 × 720 h ÷ 6 h, 0.10 × 720 h ÷ 72 h.
    expect(burnRateFor(2, 30 * DAY, 3_600)).toBe(14.4);
    expect(burnRateFor(5, 30 * DAY, 21_600)).toBe(6);
    expect(burnRateFor(10, 30 * DAY, 259_200)).toBe(1);
  });

  it("derives 13.44 / 5.6 / 0.933333 for a 28-day period", () => {
    expect(burnRateFor(2, 28 * DAY, 3_600)).toBe(13.44);
    expect(burnRateFor(5, 28 * DAY, 21_600)).toBe(5.6);
    expect(burnRateFor(10, 28 * DAY, 259_200)).toBe(0.933333);
  });

  it("has the three rows with their windows and actions", () => {
    expect(
      BURN_RATE_TABLE.map((row) => [
        row.severity,
        row.action,
        row.budgetPercent,
        row.longWindowSeconds,
        row.shortWindowSeconds,
      ]),
    ).toEqual([
      ["SEV1", "page", 2, 3600, 300],
      ["SEV2", "page", 5, 21600, 1800],
      ["SEV3", "ticket", 10, 259200, 21600],
    ]);
  });

  it("knows the largest possible burn rate and the budget", () => {
    expect(maxBurnRate(99.9)).toBe(1000);
    expect(maxBurnRate(99.5)).toBe(200);
    expect(maxBurnRate(90)).toBe(10);
    expect(errorBudget(99.9)).toBe(0.001);
    expect(errorBudget(99.5)).toBe(0.005);
  });

  it("titles each alert with the budget it guards", () => {
    expect(burnRateAlerts({ objective: 99.9, periodDays: 30 }).map((a) => a.title)).toEqual([
      "2 % of the 30-day error budget in 1 hour",
      "5 % of the 30-day error budget in 6 hours",
      "10 % of the 30-day error budget in 3 days",
    ]);
    expect(burnRateAlerts({ objective: 99, periodDays: 30, calendarMonth: true })[0].title).toBe(
      "2 % of the monthly error budget in 1 hour",
    );
  });

  it("keeps every reachable row as the Workbook wrote it", () => {
    const alerts = burnRateAlerts({ objective: 99.5, periodDays: 28 });
    expect(alerts.map((a) => a.threshold)).toEqual([13.44, 5.6, 0.933333]);
    expect(alerts.map((a) => a.adapted)).toEqual([undefined, undefined, undefined]);
  });

  it("lowers an unreachable row to 90 % of the largest burn rate, and says why", () => {
    // 90 %: a total outage burns at 1 ÷ 0.1 = 10, so 14.4 can never be exceeded.
    const alerts = burnRateAlerts({ objective: 90, periodDays: 30 });
    expect(alerts.map((a) => a.threshold)).toEqual([9, 6, 1]);
    expect(alerts[0].workbookThreshold).toBe(14.4);
    expect(alerts[0].adapted?.reason).toBe(
      "burn rate 14.4 can never be reached: at 90 % a total outage burns at most 10; threshold lowered to 9 (90 % of events failing)",
    );
    expect(alerts[1].adapted).toBeUndefined();
    // 80 %: the largest burn rate is 5, so the first two rows are out of reach.
    expect(
      burnRateAlerts({ objective: 80, periodDays: 30 }).map((a) => [a.threshold, a.adapted !== undefined]),
    ).toEqual([
      [4.5, true],
      [4.5, true],
      [1, false],
    ]);
    // Exactly at the limit is out of reach too: the comparison is strictly greater.
    expect(burnRateAlerts({ objective: 93.75, periodDays: 30 })[1].adapted).toBeUndefined();
    expect(burnRateAlerts({ objective: 83.333333, periodDays: 30 })[1].threshold).toBe(5.4);
  });

  it("still pages an adapted SLO on a total outage, within the long window", () => {
    const [sev1, sev2] = burnRateAlerts({ objective: 90, periodDays: 30 });
    // Threshold 9 × budget 0.1 = 0.9 of events bad; a total outage fills 90 % of the hour in 54 min.
    expect(secondsToFire(sev1, 90, 1)).toBeCloseTo(3_240, 6);
    // 6 × 0.1 = 0.6 of the 6-hour window: 3.6 hours.
    expect(secondsToFire(sev2, 90, 1)).toBeCloseTo(12_960, 6);
  });

  it("computes when a steady error ratio fires each row", () => {
    const [sev1, sev2, sev3] = burnRateAlerts({ objective: 99.9, periodDays: 30 });
    // Total outage: 14.4 × 0.001 of the hour = 51.84 s.
    expect(secondsToFire(sev1, 99.9, 1)).toBeCloseTo(51.84, 6);
    // 2 % errors: 0.0144 ÷ 0.02 of the hour = 2592 s (43.2 min).
    expect(secondsToFire(sev1, 99.9, 0.02)).toBeCloseTo(2_592, 6);
    // 0.2 % trickle: never a page, a ticket after half of three days (0.001 ÷ 0.002 × 72 h = 36 h).
    expect(secondsToFire(sev1, 99.9, 0.002)).toBeUndefined();
    expect(secondsToFire(sev2, 99.9, 0.002)).toBeUndefined();
    expect(secondsToFire(sev3, 99.9, 0.002)).toBeCloseTo(129_600, 6);
  });

  it("tells the traffic an SLO needs before a handful of errors can page", () => {
    // 10 bad events ÷ (0.0144 bad share × 5 min) = 138.9 requests per minute.
    expect(lowTrafficCheck({ objective: 99.9, periodDays: 30 })).toEqual({ minimumRequestsPerMinute: 139 });
    // At 20 requests per minute, 0.0144 × 5 × 20 = 1.44 bad requests page.
    expect(lowTrafficCheck({ objective: 99.9, periodDays: 30, requestsPerMinute: 20 })).toEqual({
      minimumRequestsPerMinute: 139,
      badEventsToPage: 1.44,
    });
  });

  it("formats durations for titles and PromQL", () => {
    expect([300, 3600, 21600, 259200, 90].map(durationLabel)).toEqual([
      "5 minutes",
      "1 hour",
      "6 hours",
      "3 days",
      "90 seconds",
    ]);
    expect([300, 1800, 3600, 21600, 259200, 90].map(promDuration)).toEqual([
      "5m",
      "30m",
      "1h",
      "6h",
      "3d",
      "90s",
    ]);
  });
});
