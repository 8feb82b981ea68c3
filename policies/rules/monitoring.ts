import { listOf, objectOf, type PlatformRule, resourceRule, schema } from "../lib/rule";

export const ALERT_POLICY = "gcp:monitoring/alertPolicy:AlertPolicy";
export const NOTIFICATION_CHANNEL = "gcp:monitoring/notificationChannel:NotificationChannel";

/** Label keys that hold credentials for the channel types GCP supports (PagerDuty, Slack, webhooks...). */
export const DEFAULT_SECRET_LABEL_KEYS = [
  "auth_token",
  "service_key",
  "password",
  "token",
  "api_key",
  "secret",
];

const URL = /https?:\/\/\S+/;

export const monitoringRules: PlatformRule[] = [
  resourceRule({
    name: "alert-policy-has-routes",
    description: "Alert policies notify at least one channel.",
    severity: "high",
    category: "reliability",
    checks: "AlertPolicy `notificationChannels` is not empty.",
    remediationSteps: "Route the alert to the owning team's on-call channel (components/oncall).",
    types: [ALERT_POLICY],
    check: ({ props, report }) => {
      if (listOf(props.notificationChannels).length === 0)
        report("notificationChannels is empty: nobody is told when it fires.");
    },
  }),
  resourceRule({
    name: "alert-policy-has-runbook",
    description: "Alert policies link to a runbook.",
    severity: "medium",
    category: "reliability",
    checks:
      "AlertPolicy `documentation.links[].url` is set, or `documentation.content` contains an http(s) link.",
    remediationSteps:
      'Set `documentation: { content: "...", links: [{ displayName: "Runbook", url: "https://..." }] }`.',
    types: [ALERT_POLICY],
    check: ({ props, report }) => {
      const documentation = objectOf(props.documentation);
      const linked = listOf(documentation?.links).some(
        (link) => typeof link?.url === "string" && URL.test(link.url),
      );
      const inContent = typeof documentation?.content === "string" && URL.test(documentation.content);
      if (!linked && !inContent) report("documentation has no runbook link: on-call has nothing to follow.");
    },
  }),
  resourceRule<{ secretLabelKeys: string[] }>({
    name: "notification-channel-secrets-sensitive",
    description: "Notification channel credentials are kept in sensitiveLabels, never in labels.",
    severity: "critical",
    category: "security",
    checks:
      "NotificationChannel `labels` has none of the credential keys in `secretLabelKeys` (auth_token, service_key, password...); they belong in `sensitiveLabels`.",
    remediationSteps: "Move the credential to `sensitiveLabels` and read it from a Pulumi config secret.",
    configSchema: {
      properties: {
        secretLabelKeys: schema.strings(DEFAULT_SECRET_LABEL_KEYS, "Label keys that hold credentials."),
      },
    },
    types: [NOTIFICATION_CHANNEL],
    check: ({ props, config, report }) => {
      const secretKeys = new Set(config.secretLabelKeys.map((key) => key.toLowerCase()));
      for (const key of Object.keys(objectOf(props.labels) ?? {})) {
        if (secretKeys.has(key.toLowerCase())) {
          report(
            `labels.${key} holds a credential in plain labels (stored and shown in clear); use sensitiveLabels.`,
          );
        }
      }
    },
  }),
];
