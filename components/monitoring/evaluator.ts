import type { ThresholdCondition } from "./alerts";

/**
 * A pure evaluator of burn-rate alert policies as Cloud Monitoring evaluates them: each condition's
 * `select_slo_burn_rate(SLO, LOOKBACK)` is the bad-event ratio over the lookback divided by the error
 * budget (1 − goal), compared with `thresholdValue`; the policy's combiner joins the conditions.
 * Used to check the generated policies against the same synthetic traffic as the Prometheus rules.
 */

/** Cumulative event counters sampled once a minute: index = minute. */
export interface MinuteCounters {
  total: number[];
  bad: number[];
}

export interface EvaluatedPolicy {
  combiner: "AND" | "OR";
  conditions: ThresholdCondition[];
}

const BURN_RATE_SELECTOR = /^select_slo_burn_rate\("([^"]+)", "(\d+)s"\)$/;

/** The lookback of a `select_slo_burn_rate` filter, in seconds; throws on any other filter. */
export function lookbackSeconds(filter: string): number {
  const match = BURN_RATE_SELECTOR.exec(filter);
  if (!match) throw new Error(`not a select_slo_burn_rate filter: ${filter}`);
  return Number(match[2]);
}

/** Burn rate over the `lookback` seconds ending at `minute`; 0 without traffic. */
export function burnRateAt(counters: MinuteCounters, goal: number, minute: number, lookback: number): number {
  const from = Math.max(0, minute - Math.round(lookback / 60));
  const total = counters.total[minute] - counters.total[from];
  if (total <= 0) return 0;
  const bad = counters.bad[minute] - counters.bad[from];
  return bad / total / (1 - goal);
}

/** Whether the policy is firing at `minute` (conditions with `duration: 0s`, as generated). */
export function isFiring(
  policy: EvaluatedPolicy,
  counters: MinuteCounters,
  goal: number,
  minute: number,
): boolean {
  const results = policy.conditions.map((condition) => {
    const threshold = condition.conditionThreshold;
    if (threshold.comparison !== "COMPARISON_GT")
      throw new Error(`unsupported comparison ${threshold.comparison}`);
    if (threshold.duration !== "0s") throw new Error(`unsupported duration ${threshold.duration}`);
    return burnRateAt(counters, goal, minute, lookbackSeconds(threshold.filter)) > threshold.thresholdValue;
  });
  return policy.combiner === "AND" ? results.every(Boolean) : results.some(Boolean);
}
