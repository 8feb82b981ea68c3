import {
  type ExemptionRegister,
  exemptionMatches,
  expiredExemptions,
  MAX_EXEMPTION_DAYS,
  overlongExemptions,
} from "../exemptions";
import { type PlatformRule, stackRule } from "../lib/rule";

/** What the pack learnt when it loaded the register: the register, or why it could not be used. */
export type RegisterState =
  | { register: ExemptionRegister; error?: undefined }
  | { register?: undefined; error: string };

export function exemptionRules(state: () => RegisterState, today: () => string): PlatformRule[] {
  return [
    stackRule({
      name: "exemption-expired",
      description: "No exemption in the register has expired.",
      severity: "high",
      category: "security",
      checks:
        "Every exemption for this stack in policies/exemptions.yaml has an `expires` date of today or later.",
      remediationSteps:
        "Fix the resource and delete the entry, or renew it with a new expiry date, reason and ticket after review.",
      check: ({ resources, config, report }) => {
        const { register } = state();
        if (!register) return;
        for (const entry of expiredExemptions(register, config.stack, today())) {
          const message = `the exemption from ${entry.policy} for "${entry.resource}" (owner ${entry.owner}, ticket ${entry.ticket}) expired on ${entry.expires}; the policy applies again.`;
          const matching = resources.filter((r) => exemptionMatches(entry.resource, r.urn, r.name));
          if (matching.length === 0) report(message);
          for (const resource of matching) report(message, resource.urn);
        }
      },
    }),
    stackRule({
      name: "exemption-register-valid",
      description: "The exemption register can be read; while it cannot, no exemption is honoured.",
      severity: "high",
      category: "security",
      checks: `policies/exemptions.yaml is valid YAML, matches the register schema (no resource pattern made only of \`*\`, which would exempt every resource) and names only policies in the pack; no entry expires more than ${MAX_EXEMPTION_DAYS} days after today.`,
      remediationSteps:
        "Fix the entry named in the message (file, path, expected and found are given); give a long-lived exemption an expiry within 180 days and renew it after review.",
      check: ({ report }) => {
        const { register, error } = state();
        if (error) report(error);
        if (register) for (const message of overlongExemptions(register, today())) report(message);
      },
    }),
  ];
}
