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
  /** Minutes after HISTORY that the series last. */
  minutes: number;
  /** Share of bad requests in scenario minute m (1-based: the requests between m − 1 and m). */
  errorRatio: (minute: number) => number;
  /** At HISTORY + minute, exactly these alerts fire. */
  probes: { minute: number; firing: Sev[] }[];
}

export function counters(scenario: Scenario): MinuteCounters {
  const length = HISTORY + scenario.minutes;
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
