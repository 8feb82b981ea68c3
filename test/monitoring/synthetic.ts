import type { MinuteCounters } from "../../components/monitoring/evaluator";

/**
 * Synthetic traffic shared by the promtool tests and the Cloud Monitoring evaluator: a steady
 * request rate, clean for three days (so every window, up to 3 d, starts full of good traffic),
 * then a scenario's error ratio minute by minute.
 */

export const REQUESTS_PER_MINUTE = 600;
/** Minutes of clean history before a scenario starts: the longest window, 3 days. */
export const HISTORY = 4_320;

export type Sev = "SEV1" | "SEV2" | "SEV3";

export interface Scenario {
  name: string;
  /** Share of bad requests in scenario minute m (1-based: the requests between m − 1 and m). */
  errorRatio: (minute: number) => number;
  /**
   * Minutes after HISTORY at which the alerts are checked: each side of every boundary, never on a
   * minute where the formulas put a ratio exactly at its threshold (left to rounding).
   */
  probes: number[];
  /**
   * Hand-computed from the formulas: each severity that fires, from its first minute (inclusive)
   * until a minute (exclusive) or, without `until`, to the end of any series.
   */
  fires: Partial<Record<Sev, { from: number; until?: number }>>;
  /** Minutes where a ratio equals its threshold exactly by the formulas: left to rounding, not probed. */
  rounding?: number[];
}

const SEVERITIES: Sev[] = ["SEV1", "SEV2", "SEV3"];

/** The severities a scenario fires at a minute after HISTORY, in SEV1, SEV2, SEV3 order. */
export function firingAt(scenario: Scenario, minute: number): Sev[] {
  return SEVERITIES.filter((severity) => {
    const span = scenario.fires[severity];
    return span !== undefined && minute >= span.from && (span.until === undefined || minute < span.until);
  });
}

/** Cumulative total and bad counters, one value per minute from 0 to HISTORY + minutes. */
export function counters(scenario: Scenario, minutes: number): MinuteCounters {
  const length = HISTORY + minutes;
  const total: number[] = [];
  const bad: number[] = [];
  let badSoFar = 0;
  for (let minute = 0; minute <= length; minute++) {
    if (minute > HISTORY) badSoFar += REQUESTS_PER_MINUTE * scenario.errorRatio(minute - HISTORY);
    total.push(REQUESTS_PER_MINUTE * minute);
    bad.push(Math.round(badSoFar * 1e6) / 1e6);
  }
  return { total, bad };
}

/**
 * The minutes at which a counter needs a sample for Prometheus 2 to compute, at each probe, the
 * same rate over every window as from a sample every minute (decision 0112): t, and the window's
 * first minute, t − W (Prometheus 2 includes the window's left edge; with samples there and at t,
 * the extrapolation to the edges multiplies by exactly 1). t − W + 1 is kept for Prometheus 3,
 * which excludes the left edge (not run here). Every other sample only makes promtool scan longer
 * windows at every evaluation.
 */
export function sampleMinutes(probeMinutes: number[], windowMinutes: number[]): Set<number> {
  const minutes = new Set<number>();
  for (const probe of probeMinutes) {
    const at = HISTORY + probe;
    minutes.add(at);
    for (const window of windowMinutes) {
      if (at - window >= 0) minutes.add(at - window);
      if (at - window + 1 >= 0) minutes.add(at - window + 1);
    }
  }
  return minutes;
}

/** promtool's series notation: the values at the kept minutes, `_` (no sample) elsewhere. */
export function seriesValues(values: number[], keep?: Set<number>): string {
  const parts: string[] = [];
  let gap = 0;
  const flushGap = () => {
    if (gap === 1) parts.push("_");
    else if (gap > 1) parts.push(`_x${gap}`);
    gap = 0;
  };
  values.forEach((value, minute) => {
    if (keep && !keep.has(minute)) {
      gap++;
      return;
    }
    flushGap();
    parts.push(String(value));
  });
  return parts.join(" ");
}
