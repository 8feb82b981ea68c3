import { stringify } from "yaml";
import {
  type OncallConfig,
  type Receiver,
  SEVERITIES,
  type Severity,
  WEEKDAYS,
} from "../../stacks/config/oncall";
import { routeChannels } from "./simulate";

/**
 * The on-call routing rendered as an Alertmanager configuration (for Google Managed Prometheus):
 * one route per (area, severity) with one child per receiver, quiet hours as time intervals that
 * mute pages, and a SEV1 inhibiting the SEV2/SEV3 alerts of the same area and service. Secrets are
 * referenced as files (`*_file`, `credentials_file`), never written into the configuration.
 */

export interface AlertmanagerOptions {
  /** Folder where the deployment mounts one file per secret of `platform:oncallSecrets`. */
  secretsDir?: string;
  /** SMTP relay for e-mail receivers. */
  smtp?: { smarthost: string; from: string };
  /** Timing of the top-level route; tests shorten it. */
  timing?: { groupWait: string; groupInterval: string; repeatInterval?: string };
  /**
   * Replaces each receiver's integration by a webhook to this URL (tests: a local HTTP server
   * stands in for each receiver; the route tree is unchanged).
   */
  deliverTo?: (receiver: string) => string;
}

export const DEFAULT_SECRETS_DIR = "/etc/alertmanager/secrets";
/** Labels that group alerts into one notification. */
export const GROUP_BY = ["alertname", "area", "service", "severity"];

/** Matches a severity however a rule spells it (`SEV1` in the model, `sev1` in GCP user labels). */
function severityMatcher(severities: readonly Severity[]): string {
  const values = severities.flatMap((severity) => [severity, severity.toLowerCase()]);
  return `severity=~"${values.join("|")}"`;
}

export function quietHoursName(team: string): string {
  return `quiet-hours-${team}`;
}

/** Outside working hours, as Alertmanager time intervals in the team's zone. */
export function quietHoursIntervals(team: OncallConfig["teams"][number]) {
  const { days, start, end } = team.workingHours;
  const working = WEEKDAYS.filter((day) => days.includes(day));
  const off = WEEKDAYS.filter((day) => !days.includes(day));
  const times = [
    ...(start > "00:00" ? [{ start_time: "00:00", end_time: start }] : []),
    ...(end < "24:00" ? [{ start_time: end, end_time: "24:00" }] : []),
  ];
  return [
    ...(times.length > 0 && working.length > 0
      ? [{ weekdays: working, times, location: team.timeZone }]
      : []),
    ...(off.length > 0 ? [{ weekdays: off, location: team.timeZone }] : []),
  ];
}

/** Receivers Alertmanager delivers to for (area, severity): the route's channels minus Pub/Sub. */
export function alertmanagerReceivers(model: OncallConfig, area: string, severity: Severity): Receiver[] {
  return routeChannels(model, area, severity, model.severities[severity].notify).filter(
    (receiver) => receiver.type !== "pubsub",
  );
}

/** The receiver of alerts no route matches: the deployment area's first chat receiver. */
export function fallbackReceiver(model: OncallConfig): string {
  const candidates = SEVERITIES.flatMap((severity) => routeChannels(model, "deployment", severity, "chat"));
  const chat = candidates.find((receiver) => receiver.type === "slack" || receiver.type === "webhook");
  const fallback = chat ?? model.receivers.find((receiver) => receiver.type !== "pubsub");
  if (!fallback) throw new Error("on-call model has no receiver Alertmanager can deliver to");
  return fallback.name;
}

function receiverConfig(receiver: Receiver, options: AlertmanagerOptions) {
  const secretsDir = options.secretsDir ?? DEFAULT_SECRETS_DIR;
  const secretFile = (name: string) => `${secretsDir}/${name}`;
  if (options.deliverTo) {
    return {
      name: receiver.name,
      webhook_configs: [{ url: options.deliverTo(receiver.name), send_resolved: true }],
    };
  }
  switch (receiver.type) {
    case "pagerduty":
      return {
        name: receiver.name,
        pagerduty_configs: [
          { routing_key_file: secretFile(receiver.serviceKey.secret), send_resolved: true },
        ],
      };
    case "slack":
      return {
        name: receiver.name,
        slack_configs: [
          {
            api_url: "https://slack.com/api/chat.postMessage",
            channel: receiver.channel,
            http_config: { authorization: { credentials_file: secretFile(receiver.authToken.secret) } },
            send_resolved: true,
          },
        ],
      };
    case "email":
      return { name: receiver.name, email_configs: [{ to: receiver.address, send_resolved: true }] };
    case "webhook":
      return {
        name: receiver.name,
        webhook_configs: [
          {
            url: receiver.url,
            http_config: { authorization: { credentials_file: secretFile(receiver.token.secret) } },
            send_resolved: true,
          },
        ],
      };
    case "pubsub":
      throw new Error("Pub/Sub receivers exist only in Cloud Monitoring");
  }
}

/** The Alertmanager configuration as a plain object. */
export function alertmanagerConfig(model: OncallConfig, options: AlertmanagerOptions = {}) {
  const timing = options.timing ?? { groupWait: "30s", groupInterval: "5m", repeatInterval: "4h" };
  const routes = [];
  const usedTeams = new Set<string>();
  for (const area of model.areas) {
    for (const severity of SEVERITIES) {
      const receivers = alertmanagerReceivers(model, area.name, severity);
      if (receivers.length === 0) continue;
      const level = model.severities[severity];
      const quiet = level.notify === "page" && severity !== "SEV1";
      if (quiet) usedTeams.add(area.owner);
      routes.push({
        matchers: [`area="${area.name}"`, severityMatcher([severity])],
        ...(level.renotifyMinutes ? { repeat_interval: `${level.renotifyMinutes}m` } : {}),
        routes: receivers.map((receiver, index) => ({
          receiver: receiver.name,
          ...(quiet && receiver.type === "pagerduty"
            ? { mute_time_intervals: [quietHoursName(area.owner)] }
            : {}),
          ...(index < receivers.length - 1 ? { continue: true } : {}),
        })),
      });
    }
  }
  const receivers = model.receivers.filter((receiver) => receiver.type !== "pubsub");
  const needsSmtp = !options.deliverTo && receivers.some((receiver) => receiver.type === "email");
  const smtp = options.smtp ?? { smarthost: "smtp.example.com:587", from: "alertmanager@example.com" };
  return {
    ...(needsSmtp ? { global: { smtp_smarthost: smtp.smarthost, smtp_from: smtp.from } } : {}),
    route: {
      receiver: fallbackReceiver(model),
      group_by: GROUP_BY,
      group_wait: timing.groupWait,
      group_interval: timing.groupInterval,
      ...(timing.repeatInterval ? { repeat_interval: timing.repeatInterval } : {}),
      routes,
    },
    inhibit_rules: [
      {
        source_matchers: [severityMatcher(["SEV1"])],
        target_matchers: [severityMatcher(["SEV2", "SEV3"])],
        equal: ["area", "service"],
      },
    ],
    time_intervals: model.teams
      .filter((team) => usedTeams.has(team.name))
      .map((team) => ({ name: quietHoursName(team.name), time_intervals: quietHoursIntervals(team) })),
    receivers: receivers.map((receiver) => receiverConfig(receiver, options)),
  };
}

export function renderAlertmanager(
  model: OncallConfig,
  stack: string,
  options: AlertmanagerOptions = {},
): string {
  const header = `# Alertmanager configuration of stack ${stack}, generated from platform:oncall.\n# Do not edit: run \`npm run oncall -- alertmanager --stack ${stack} --out <file>\`.\n`;
  return header + stringify(alertmanagerConfig(model, options), { lineWidth: 0 });
}
