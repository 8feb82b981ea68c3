import { objectOf, type PlatformRule, resourceRule } from "../lib/rule";

export const MANAGED_ZONE = "gcp:dns/managedZone:ManagedZone";

export const dnsRules: PlatformRule[] = [
  resourceRule({
    name: "dns-dnssec-public-zones",
    description: "Public Cloud DNS zones are signed with DNSSEC.",
    severity: "medium",
    category: "security",
    checks: 'ManagedZone with `visibility` public (the default) has `dnssecConfig.state: "on"`.',
    checkov: ["CKV_GCP_16"],
    remediationSteps: 'Set `dnssecConfig: { state: "on" }` and publish the DS record at the registrar.',
    types: [MANAGED_ZONE],
    check: ({ props, report }) => {
      if ((props.visibility ?? "public") !== "public") return;
      const state = objectOf(props.dnssecConfig)?.state;
      if (state !== "on")
        report(
          `dnssecConfig.state is ${JSON.stringify(state ?? "unset")} on a public zone; it must be "on".`,
        );
    },
  }),
];
