import { type PlatformRule, resourceRule, schema } from "../lib/rule";

export const CRYPTO_KEY = "gcp:kms/cryptoKey:CryptoKey";

/** Seconds in a duration such as "7776000s" or "7776000.5s"; undefined if it is not one. */
export function durationSeconds(value: unknown): number | undefined {
  if (typeof value !== "string") return undefined;
  const match = /^(\d+(?:\.\d+)?)s$/.exec(value.trim());
  return match ? Number(match[1]) : undefined;
}

export const kmsRules: PlatformRule[] = [
  resourceRule<{ maxRotationDays: number }>({
    name: "kms-key-rotation",
    description: "KMS keys rotate automatically, at most every maxRotationDays days.",
    severity: "medium",
    category: "security",
    checks: "CryptoKey `rotationPeriod` is set and at most `maxRotationDays` (default 90) days.",
    checkov: ["CKV_GCP_43"],
    remediationSteps: 'Set `rotationPeriod: "7776000s"` (90 days) or shorter.',
    configSchema: {
      properties: { maxRotationDays: schema.integer(90, 1, "Longest allowed rotation period, in days.") },
    },
    types: [CRYPTO_KEY],
    check: ({ props, config, report }) => {
      // Asymmetric keys cannot rotate automatically; only ENCRYPT_DECRYPT (the default purpose) can.
      if (props.purpose !== undefined && props.purpose !== "ENCRYPT_DECRYPT") return;
      const seconds = durationSeconds(props.rotationPeriod);
      const limit = config.maxRotationDays * 86_400;
      if (seconds === undefined) {
        report("rotationPeriod is not set: the key never rotates.");
      } else if (seconds > limit) {
        report(
          `rotationPeriod is ${props.rotationPeriod} (${Math.round(seconds / 86_400)} days); the maximum is ${config.maxRotationDays} days.`,
        );
      }
    },
  }),
  resourceRule({
    name: "kms-key-protected-in-prod",
    description: "KMS keys in prod are protected from deletion.",
    severity: "high",
    category: "reliability",
    checks:
      "In prod, CryptoKey has the resource option `protect: true` (destroying a key destroys the data).",
    checkov: ["CKV_GCP_82"],
    remediationSteps: "Add `protect: true` to the key's resource options.",
    types: [CRYPTO_KEY],
    check: ({ opts, tier, report }) => {
      if (tier === "prod" && !opts.protect) {
        report("the key is not protected: deleting it makes everything encrypted with it unreadable.");
      }
    },
  }),
];
