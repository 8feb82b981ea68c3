/**
 * Plain data the service model and the component share: service kinds, growth stages, tiers, and
 * the objectives and latency targets a team gets by picking a stage instead of inventing numbers.
 * No Pulumi import: the stack config schema loads this before any SDK.
 */

export const SERVICE_KINDS = ["web", "api", "database", "background-job"] as const;
export type ServiceKind = (typeof SERVICE_KINDS)[number];

export const GROWTH_STAGES = ["launch", "growth", "scale"] as const;
export type GrowthStage = (typeof GROWTH_STAGES)[number];

export const SERVICE_TIERS = ["critical", "standard", "low"] as const;
export type ServiceTier = (typeof SERVICE_TIERS)[number];

export interface ObjectivePreset {
  /** Availability objective, in percent of good requests (or runs). */
  objective: number;
  /** Latency target: this share of requests (percent) completes within `latencyThresholdMs`. */
  latencyObjective: number;
  latencyThresholdMs: number;
}

/**
 * Objectives by growth stage. A product that has just launched cannot yet afford (or measure) three
 * nines; one at scale must. Background jobs retry, so they start lower; databases sit under
 * everything else, so they start higher.
 */
export const OBJECTIVE_PRESETS: Record<GrowthStage, Record<ServiceKind, ObjectivePreset>> = {
  launch: {
    web: { objective: 95, latencyObjective: 90, latencyThresholdMs: 2000 },
    api: { objective: 95, latencyObjective: 90, latencyThresholdMs: 1000 },
    database: { objective: 99, latencyObjective: 95, latencyThresholdMs: 100 },
    "background-job": { objective: 90, latencyObjective: 90, latencyThresholdMs: 600_000 },
  },
  growth: {
    web: { objective: 99, latencyObjective: 95, latencyThresholdMs: 1000 },
    api: { objective: 99, latencyObjective: 95, latencyThresholdMs: 500 },
    database: { objective: 99.5, latencyObjective: 99, latencyThresholdMs: 50 },
    "background-job": { objective: 95, latencyObjective: 95, latencyThresholdMs: 300_000 },
  },
  scale: {
    web: { objective: 99.9, latencyObjective: 99, latencyThresholdMs: 500 },
    api: { objective: 99.9, latencyObjective: 99, latencyThresholdMs: 300 },
    database: { objective: 99.95, latencyObjective: 99.5, latencyThresholdMs: 20 },
    "background-job": { objective: 99, latencyObjective: 99, latencyThresholdMs: 60_000 },
  },
};

export interface TierDefaults {
  /** Growth stage assumed when the service names none. */
  stage: GrowthStage;
  /** Uptime check period and timeout, in seconds. */
  uptimePeriodSeconds: 60 | 300 | 600 | 900;
  uptimeTimeoutSeconds: number;
  /** Severity of the "unreachable from two regions" alert. */
  uptimeSeverity: "SEV1" | "SEV2" | "SEV3";
}

/** Defaults per service tier: how often endpoints are probed and how loudly an outage pages. */
export const SERVICE_TIER_DEFAULTS: Record<ServiceTier, TierDefaults> = {
  critical: { stage: "scale", uptimePeriodSeconds: 60, uptimeTimeoutSeconds: 10, uptimeSeverity: "SEV1" },
  standard: { stage: "growth", uptimePeriodSeconds: 300, uptimeTimeoutSeconds: 10, uptimeSeverity: "SEV2" },
  low: { stage: "launch", uptimePeriodSeconds: 900, uptimeTimeoutSeconds: 30, uptimeSeverity: "SEV3" },
};

/** Cloud Monitoring accepts rolling SLO periods of 1 to 30 days. */
export const MAX_ROLLING_PERIOD_DAYS = 30;
/** A calendar month counts as 30 days in the burn-rate maths (Cloud Monitoring's MONTH period). */
export const CALENDAR_MONTH_DAYS = 30;
