/** Environment tiers and the defaults that follow from them. Prod's are the strictest. */

export const TIERS = ["dev", "staging", "prod"] as const;
export type Tier = (typeof TIERS)[number];

export interface TierDefaults {
  /** Retention of the environment's audit log bucket. */
  logRetentionDays: number;
  /** KMS key rotation period; the platform never allows more than 90 days. */
  keyRotationDays: number;
  /** `protect: true` plus provider deletion policies on stateful resources. */
  deletionProtection: boolean;
  /** VPC flow log sampling rate (0-1): full fidelity where incidents are investigated. */
  flowLogSampling: number;
  /** How long a destroyed KMS key version can still be restored. */
  keyDestroyScheduledDays: number;
}

export const TIER_DEFAULTS: Record<Tier, TierDefaults> = {
  dev: {
    logRetentionDays: 30,
    keyRotationDays: 90,
    deletionProtection: false,
    flowLogSampling: 0.1,
    keyDestroyScheduledDays: 1,
  },
  staging: {
    logRetentionDays: 90,
    keyRotationDays: 90,
    deletionProtection: false,
    flowLogSampling: 0.5,
    keyDestroyScheduledDays: 7,
  },
  prod: {
    logRetentionDays: 400,
    keyRotationDays: 30,
    deletionProtection: true,
    flowLogSampling: 1,
    keyDestroyScheduledDays: 30,
  },
};

export const MAX_KEY_ROTATION_DAYS = 90;
