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

/** AlertPolicy.severity values Cloud Monitoring accepts. */
const ALERT_SEVERITIES = ["CRITICAL", "ERROR", "WARNING"];

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
  resourceRule({
    name: "alert-policy-has-severity",
    description: "Alert policies declare their severity.",
    severity: "medium",
    category: "reliability",
    checks: "AlertPolicy `severity` is CRITICAL, ERROR or WARNING.",
    remediationSteps:
      "Route the alert through components/oncall (SEV1 → CRITICAL, SEV2 → ERROR, SEV3 → WARNING), or set `severity`.",
    types: [ALERT_POLICY],
    check: ({ props, report }) => {
      if (!ALERT_SEVERITIES.includes(props.severity as string))
        report(
          `severity is ${props.severity === undefined ? "not set" : JSON.stringify(props.severity)}: on-call cannot tell a page from a ticket.`,
        );
    },
  }),
  resourceRule({
    name: "alert-policy-has-documentation",
    description: "Alert policies carry Markdown documentation for on-call.",
    severity: "medium",
    category: "reliability",
    checks:
      "AlertPolicy `documentation.content` is non-empty text and `documentation.mimeType` is `text/markdown` (or unset, which Cloud Monitoring reads as Markdown).",
    remediationSteps:
      "Set `documentation` with what fired, likely causes, the first steps and the runbook link (components/monitoring builds it).",
    types: [ALERT_POLICY],
    check: ({ props, report }) => {
      const documentation = objectOf(props.documentation);
      const content = documentation?.content;
      if (typeof content !== "string" || content.trim() === "") {
        report("documentation.content is empty: the notification tells on-call nothing.");
      }
      const mimeType = documentation?.mimeType;
      if (mimeType !== undefined && mimeType !== "text/markdown") {
        report(
          `documentation.mimeType is ${JSON.stringify(mimeType)}; Cloud Monitoring renders only text/markdown.`,
        );
      }
    },
  }),
  resourceRule({
    name: "alert-policy-auto-closes",
    description: "Alert policies close their incidents by themselves after recovery.",
    severity: "low",
    category: "reliability",
    checks: "AlertPolicy `alertStrategy.autoClose` is set.",
    remediationSteps: 'Set `alertStrategy: { autoClose: "1800s" }` (on-call routes set it per severity).',
    types: [ALERT_POLICY],
    check: ({ props, report }) => {
      const autoClose = objectOf(props.alertStrategy)?.autoClose;
      if (typeof autoClose !== "string" || !/^[0-9]+s$/.test(autoClose))
        report(
          "alertStrategy.autoClose is not set: incidents stay open after recovery and hide the next one.",
        );
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
