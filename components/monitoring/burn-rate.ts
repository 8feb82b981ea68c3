import type { Severity } from "../oncall/routing";

/**
 * Multi-window, multi-burn-rate alerting (Google SRE Workbook, "Alerting on SLOs"), derived from
 * each SLO's own objective and period. Pure functions: the component, the Prometheus rules, the plan
 * and the evaluator all read thresholds from here, so no threshold is ever typed by hand.
 */

export interface BurnRateRow {
  severity: Extract<Severity, "SEV1" | "SEV2" | "SEV3">;
  /** Page a human now, or open a ticket for working hours. */
  action: "page" | "ticket";
  /** Share of the period's error budget this row guards, in percent. */
  budgetPercent: number;
  longWindowSeconds: number;
  shortWindowSeconds: number;
}

/** The Workbook's table: 2 % of the budget in 1 h, 5 % in 6 h, 10 % in 3 days; short window = long ÷ 12. */
export const BURN_RATE_TABLE: readonly BurnRateRow[] = [
  { severity: "SEV1", action: "page", budgetPercent: 2, longWindowSeconds: 3_600, shortWindowSeconds: 300 },
  {
    severity: "SEV2",
    action: "page",
    budgetPercent: 5,
    longWindowSeconds: 21_600,
    shortWindowSeconds: 1_800,
  },
  {
    severity: "SEV3",
    action: "ticket",
    budgetPercent: 10,
    longWindowSeconds: 259_200,
    shortWindowSeconds: 21_600,
  },
];

/**
 * When a row's burn rate is out of reach (at or above the largest possible burn rate), its threshold
 * is lowered to this share of the largest possible burn rate: the row then fires when at least 90 %
 * of events fail over both windows, i.e. on a (near) total outage. See docs/decisions/0100.
 */
export const UNREACHABLE_ROW_SHARE_OF_MAX = 0.9;

/**
 * With a handful of errors able to page, an SLO is too quiet for burn-rate alerts: the SEV1 short
 * window must need at least this many bad events to fire.
 */
export const MIN_BAD_EVENTS_TO_PAGE = 10;

const DAY = 86_400;

/** Burn rate that spends `budgetPercent` of a `periodSeconds` budget within `longWindowSeconds`. */
export function burnRateFor(budgetPercent: number, periodSeconds: number, longWindowSeconds: number): number {
  // Integer arithmetic first, one division last: 2 × 2 592 000 ÷ (100 × 3 600) is exactly 14.4.
  return round6((budgetPercent * periodSeconds) / (100 * longWindowSeconds));
}

/** The error budget as a fraction of events: 1 − objective (99.9 → 0.001). */
export function errorBudget(objectivePercent: number): number {
  return round12((100 - objectivePercent) / 100);
}

/** A total outage (every event bad) burns at 1 ÷ (1 − objective): no alert can see more. */
export function maxBurnRate(objectivePercent: number): number {
  return round6(100 / (100 - objectivePercent));
}

export interface BurnRateAlert extends BurnRateRow {
  /** Threshold both windows must exceed (`COMPARISON_GT`). */
  threshold: number;
  /** The Workbook's threshold for this row, before any adaptation. */
  workbookThreshold: number;
  /** Set when the Workbook's threshold can never be exceeded for this objective. */
  adapted?: { reason: string };
  /** "2 % of the 30-day error budget in 1 hour" */
  title: string;
}

export interface SloPeriod {
  objective: number;
  periodDays: number;
  calendarMonth?: boolean;
}

/** The burn-rate alerts of one SLO: every row of the table, adapted where it could never fire. */
export function burnRateAlerts(slo: SloPeriod): BurnRateAlert[] {
  const max = maxBurnRate(slo.objective);
  return BURN_RATE_TABLE.map((row) => {
    const workbookThreshold = burnRateFor(row.budgetPercent, slo.periodDays * DAY, row.longWindowSeconds);
    const title = `${row.budgetPercent} % of the ${periodLabel(slo)} error budget in ${durationLabel(row.longWindowSeconds)}`;
    if (workbookThreshold < max) return { ...row, threshold: workbookThreshold, workbookThreshold, title };
    const threshold = round6(max * UNREACHABLE_ROW_SHARE_OF_MAX);
    return {
      ...row,
      threshold,
      workbookThreshold,
      title,
      adapted: {
        reason: `burn rate ${workbookThreshold} can never be reached: at ${slo.objective} % a total outage burns at most ${max}; threshold lowered to ${threshold} (${Math.round(UNREACHABLE_ROW_SHARE_OF_MAX * 100)} % of events failing)`,
      },
    };
  });
}

/** "30-day", or "monthly" for a calendar month. */
export function periodLabel(slo: SloPeriod): string {
  return slo.calendarMonth ? "monthly" : `${slo.periodDays}-day`;
}

/** 300 → "5 minutes", 3600 → "1 hour", 21600 → "6 hours", 259200 → "3 days". */
export function durationLabel(seconds: number): string {
  const units: [number, string][] = [
    [DAY, "day"],
    [3_600, "hour"],
    [60, "minute"],
    [1, "second"],
  ];
  for (const [size, name] of units) {
    if (seconds % size === 0) {
      const count = seconds / size;
      return `${count} ${name}${count === 1 ? "" : "s"}`;
    }
  }
  return `${seconds} seconds`;
}

/** Prometheus duration: 300 → "5m", 3600 → "1h", 259200 → "3d". */
export function promDuration(seconds: number): string {
  if (seconds % DAY === 0) return `${seconds / DAY}d`;
  if (seconds % 3_600 === 0) return `${seconds / 3_600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}

/**
 * Seconds after the start of a steady error ratio (from a clean history) until both windows of an
 * alert exceed its threshold; undefined when the ratio never gets there. Each window's ratio grows
 * linearly as bad minutes fill it: ratio(t) = errorRatio × min(t, window) ÷ window.
 */
export function secondsToFire(
  alert: BurnRateAlert,
  objective: number,
  errorRatio: number,
): number | undefined {
  const limit = alert.threshold * errorBudget(objective);
  if (errorRatio <= limit) return undefined;
  const fill = (window: number) => (limit / errorRatio) * window;
  return Math.max(fill(alert.longWindowSeconds), fill(alert.shortWindowSeconds));
}

export interface LowTrafficCheck {
  /** Requests per minute below which a handful of errors pages. */
  minimumRequestsPerMinute: number;
  /** Bad events in the SEV1 short window that page at the declared traffic, when it is declared. */
  badEventsToPage?: number;
}

/** The request rate an SLO needs for its fastest page to take at least MIN_BAD_EVENTS_TO_PAGE errors. */
export function lowTrafficCheck(slo: SloPeriod & { requestsPerMinute?: number }): LowTrafficCheck {
  const fastest = burnRateAlerts(slo)[0];
  const badShare = fastest.threshold * errorBudget(slo.objective);
  const shortMinutes = fastest.shortWindowSeconds / 60;
  const minimumRequestsPerMinute = Math.ceil(MIN_BAD_EVENTS_TO_PAGE / (badShare * shortMinutes));
  return slo.requestsPerMinute === undefined
    ? { minimumRequestsPerMinute }
    : {
        minimumRequestsPerMinute,
        badEventsToPage: round6(badShare * shortMinutes * slo.requestsPerMinute),
      };
}

function round6(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
function round12(value: number): number {
  return Math.round(value * 1e12) / 1e12;
}
