import {
  NOTIFY_MODES,
  type NotifyMode,
  type OncallConfig,
  RECEIVER_MODE,
  type Receiver,
  type Severity,
} from "../../stacks/config/oncall";
import { inWorkingHours, onDuty } from "./rotation";

/** Routing as pure functions: which route, which channels, who is reached at which minute. */

export interface Notification {
  /** Minutes after the alert opened. */
  minute: number;
  /** 0: the route's channels; 1..n: escalation levels (repeats continue the numbering). */
  level: number;
  /** What was notified: a rotation layer, a person, a team, or a channel's destination. */
  target: string;
  /** The person reached, or null for a shared channel or a layer nobody covers. */
  person: string | null;
  /** Receiver name. */
  channel: string;
}

export interface WhoResult {
  area: string;
  severity: Severity;
  at: string;
  owner: string;
  /** How the alert notifies at that instant: quiet hours lower non-SEV1 pages to chat. */
  mode: NotifyMode;
  quietHours: boolean;
  notifications: Notification[];
}

export function findRoute(model: OncallConfig, area: string, severity: Severity) {
  return model.routes.find((route) => route.area === area && route.severities.includes(severity));
}

/** True when the owner of `area` is outside working hours at `at` (quiet hours apply to non-SEV1). */
export function isQuietHours(model: OncallConfig, area: string, at: Date): boolean {
  const owner = ownerTeam(model, area);
  return owner !== undefined && !inWorkingHours(owner, at);
}

export function ownerTeam(model: OncallConfig, area: string) {
  const owner = model.areas.find((candidate) => candidate.name === area)?.owner;
  return model.teams.find((team) => team.name === owner);
}

/** The mode an alert notifies in at an instant. */
export function effectiveMode(model: OncallConfig, area: string, severity: Severity, at: Date): NotifyMode {
  const mode = model.severities[severity].notify;
  if (mode === "page" && severity !== "SEV1" && isQuietHours(model, area, at)) return "chat";
  return mode;
}

/** A receiver is used in a mode when it is no louder than the mode allows. */
export function receiverUsedIn(receiver: Receiver, mode: NotifyMode): boolean {
  return NOTIFY_MODES.indexOf(RECEIVER_MODE[receiver.type]) >= NOTIFY_MODES.indexOf(mode);
}

/** Receivers of a route that an alert of this severity reaches, in a given mode. */
export function routeChannels(
  model: OncallConfig,
  area: string,
  severity: Severity,
  mode: NotifyMode,
): Receiver[] {
  const route = findRoute(model, area, severity);
  if (!route) return [];
  return route.channels
    .map((name) => model.receivers.find((receiver) => receiver.name === name))
    .filter((receiver): receiver is Receiver => receiver !== undefined && receiverUsedIn(receiver, mode));
}

export function describeReceiver(receiver: Receiver): string {
  switch (receiver.type) {
    case "pagerduty":
      return `PagerDuty ${receiver.name}`;
    case "slack":
      return `Slack ${receiver.channel}`;
    case "email":
      return receiver.address;
    case "webhook":
      return receiver.url;
    case "pubsub":
      return receiver.topic;
  }
}

/**
 * Who is notified for an alert of (area, severity) opening at `at`: the route's channels at minute
 * 0, then, when the alert pages, every escalation level (with its repeats) and the person on duty
 * at that minute.
 */
export function whoIsNotified(model: OncallConfig, area: string, severity: Severity, at: Date): WhoResult {
  const route = findRoute(model, area, severity);
  const owner = model.areas.find((candidate) => candidate.name === area)?.owner ?? "";
  const mode = effectiveMode(model, area, severity, at);
  const quietHours = mode !== model.severities[severity].notify;
  const notifications: Notification[] = [];
  for (const receiver of routeChannels(model, area, severity, mode)) {
    if (receiver.type === "pagerduty") continue; // a page goes to people, through the levels below
    notifications.push({
      minute: 0,
      level: 0,
      target: describeReceiver(receiver),
      person: null,
      channel: receiver.name,
    });
  }
  const policy =
    route && model.escalationPolicies.find((candidate) => candidate.name === route.escalationPolicy);
  if (policy && mode === "page") {
    const last = policy.levels[policy.levels.length - 1].delayMinutes;
    for (let round = 0; round <= policy.repeat; round++) {
      const offset = round * (last + policy.repeatAfterMinutes);
      policy.levels.forEach((level, index) => {
        const minute = offset + level.delayMinutes;
        const instant = new Date(at.getTime() + minute * 60_000);
        const levelNumber = round * policy.levels.length + index + 1;
        for (const target of level.targets) {
          for (const { label, person } of resolveTarget(model, target, instant)) {
            notifications.push({ minute, level: levelNumber, target: label, person, channel: level.channel });
          }
        }
      });
    }
  }
  return { area, severity, at: at.toISOString(), owner, mode, quietHours, notifications };
}

type Target = OncallConfig["escalationPolicies"][number]["levels"][number]["targets"][number];

export function resolveTarget(
  model: OncallConfig,
  target: Target,
  at: Date,
): { label: string; person: string | null }[] {
  if ("person" in target) return [{ label: `person ${target.person}`, person: target.person }];
  if ("team" in target) {
    const members = model.people.filter((person) => person.team === target.team);
    return members.map((person) => ({ label: `team ${target.team}`, person: person.id }));
  }
  const rotation = model.rotations.find((candidate) => candidate.name === target.rotation);
  const person = rotation ? onDuty(model, rotation, target.layer, at) : undefined;
  return [{ label: `${target.rotation} ${target.layer}`, person: person ?? null }];
}

/** Receivers that reach a person directly (a page or a mail to them), as opposed to a shared room. */
export function reachesHuman(receiver: Receiver | undefined): boolean {
  return receiver?.type === "pagerduty" || receiver?.type === "email";
}

/** The first minute a person is reached through a human channel, or undefined. */
export function firstHumanMinute(model: OncallConfig, result: WhoResult): number | undefined {
  const minutes = result.notifications
    .filter((n) => n.person !== null && reachesHuman(model.receivers.find((r) => r.name === n.channel)))
    .map((n) => n.minute);
  return minutes.length > 0 ? Math.min(...minutes) : undefined;
}
