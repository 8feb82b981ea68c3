import { DateTime, IANAZone } from "luxon";
import { z } from "zod";
import { SEVERITIES, type Severity } from "./severities";

/**
 * The `platform:oncall` key of a stack: the operating model as data. Severities, areas and their
 * owner teams, rotations, escalation policies, routes from (area, severity) to a policy and
 * channels, quiet hours, duties and cadences. Secrets (PagerDuty keys, Slack tokens, webhook
 * tokens) are never written here: receivers name an entry of `platform:oncallSecrets`, a config
 * value set with `pulumi config set --secret --path 'oncallSecrets.<name>'`.
 */

export { SEVERITIES, type Severity };

export const WEEKDAYS = [
  "monday",
  "tuesday",
  "wednesday",
  "thursday",
  "friday",
  "saturday",
  "sunday",
] as const;
/** How a severity notifies, from loudest to quietest. */
export const NOTIFY_MODES = ["page", "chat", "ticket", "log"] as const;
/** The areas every model must route: the incident classes the team already handles. */
export const REQUIRED_AREAS = ["deployment", "billing", "connectivity", "release"] as const;

export type Weekday = (typeof WEEKDAYS)[number];
export type NotifyMode = (typeof NOTIFY_MODES)[number];

const name = z
  .string()
  .regex(
    /^[a-z][a-z0-9-]{0,38}[a-z0-9]$/,
    "a lowercase name of 2-40 letters, digits and hyphens, like `payments`",
  );
const clockTime = z.string().regex(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, 'a 24-hour time "HH:MM", like "09:30"');
const endClockTime = z
  .string()
  .regex(/^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$/, 'a 24-hour time "HH:MM" up to "24:00", like "18:00"');
// Luxon builds an Intl formatter for each check (milliseconds); a config names a handful of zones.
const zoneValidity = new Map<string, boolean>();
function isIanaZone(value: string): boolean {
  let valid = zoneValidity.get(value);
  if (valid === undefined) {
    valid = IANAZone.isValidZone(value) && (value.includes("/") || value === "UTC");
    if (zoneValidity.size > 1_000) zoneValidity.clear();
    zoneValidity.set(value, valid);
  }
  return valid;
}
const timeZone = z.string().refine(isIanaZone, {
  message: "an IANA time zone, like `Europe/Berlin`",
});
const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date "YYYY-MM-DD"')
  .refine((value) => DateTime.fromISO(value, { zone: "UTC" }).isValid, {
    message: 'a real date "YYYY-MM-DD"',
  });
const instant = z
  .string()
  .refine(
    (value) => /(Z|[+-]\d{2}:\d{2})$/.test(value) && DateTime.fromISO(value, { setZone: true }).isValid,
    {
      message: 'an ISO 8601 instant with an offset, like "2026-12-24T18:00:00+01:00"',
    },
  );
const email = z
  .string()
  .regex(/^[^@\s]+@[a-z0-9.-]+\.[a-z]{2,}$/, "an email address, like `alice@example.com`");
const url = z
  .string()
  .regex(
    /^https:\/\/[^\s?#]+$/,
    "an https URL without a query string, like `https://hooks.example.com/alerts`",
  );
const secretRef = z
  .strictObject({ secret: name.describe("An entry of `platform:oncallSecrets`.") })
  .describe("A secret from `platform:oncallSecrets`, never the value itself.");

export const workingHoursSchema = z.strictObject({
  days: z.array(z.enum(WEEKDAYS)).min(1).describe("Working days."),
  start: clockTime.describe("Start of the working day, local time."),
  end: endClockTime.describe("End of the working day, local time (after start)."),
});

export const severitySchema = z.strictObject({
  meaning: z.string().min(1).describe("When this severity applies."),
  responseMinutes: z.number().int().min(1).max(10_080).describe("Time to acknowledge."),
  notify: z.enum(NOTIFY_MODES).describe("page (escalation policy), chat, ticket (email) or log (Pub/Sub)."),
  renotifyMinutes: z
    .number()
    .int()
    .min(1)
    .max(1440)
    .optional()
    .describe("Re-notify while open; none by default."),
  autoCloseHours: z
    .number()
    .int()
    .min(1)
    .max(720)
    .describe("Close an incident whose condition stopped this long ago."),
  updateEveryMinutes: z
    .number()
    .int()
    .min(5)
    .max(1440)
    .optional()
    .describe("Internal status-update cadence."),
});

export const personSchema = z.strictObject({
  id: name.describe("Short handle used in rotations and escalation targets."),
  name: z.string().min(1).describe("Full name."),
  email,
  team: name.describe("A team under `platform:teams`."),
});

export const oncallTeamSchema = z.strictObject({
  name: name.describe("A team under `platform:teams`."),
  timeZone: timeZone.describe("The team's home time zone: working hours and quiet hours are in it."),
  workingHours: workingHoursSchema.describe("Outside them, non-SEV1 pages are lowered to chat."),
});

export const areaSchema = z.strictObject({
  name: name.describe("Area name, the `area` label of alerts."),
  owner: name.describe("The owner team (under `platform:oncall.teams`)."),
  description: z.string().min(1),
  runbook: url.optional().describe("Runbook index of the area."),
});

const receiverBase = { name: name.describe("Receiver name, used by routes and escalation levels.") };
export const receiverSchema = z.discriminatedUnion("type", [
  z.strictObject({ ...receiverBase, type: z.literal("pagerduty"), serviceKey: secretRef }),
  z.strictObject({
    ...receiverBase,
    type: z.literal("slack"),
    channel: z.string().regex(/^#[a-z0-9_-]{1,79}$/, "a Slack channel like `#payments-alerts`"),
    authToken: secretRef,
  }),
  z.strictObject({ ...receiverBase, type: z.literal("email"), address: email }),
  z.strictObject({ ...receiverBase, type: z.literal("webhook"), url, token: secretRef }),
  z.strictObject({
    ...receiverBase,
    type: z.literal("pubsub"),
    topic: z
      .string()
      .regex(
        /^projects\/[a-z][a-z0-9-]{4,28}[a-z0-9]\/topics\/[A-Za-z][A-Za-z0-9._~%+-]{2,254}$/,
        "a topic like `projects/acme-ops/topics/alerts`",
      ),
  }),
]);

export const layerSchema = z.strictObject({
  name: z.enum(["primary", "secondary"]).describe("primary answers first; secondary backs it up."),
  members: z.array(name).min(1).describe("People (ids) in handoff order."),
  workingHoursOnly: z.boolean().default(false).describe("On duty only in the team's working hours."),
});

export const overrideSchema = z.strictObject({
  layer: z.enum(["primary", "secondary"]),
  person: name,
  start: instant,
  end: instant,
  reason: z.string().optional(),
});

export const rotationSchema = z.strictObject({
  name,
  team: name.describe("The team whose people rotate (under `platform:oncall.teams`)."),
  timeZone: timeZone.describe("Where handoffs happen (DST-aware)."),
  start: isoDate.describe("Date of the first handoff; must fall on the handoff weekday."),
  handoff: z.strictObject({ weekday: z.enum(WEEKDAYS), time: clockTime }),
  lengthDays: z.number().int().min(1).max(28).default(7).describe("Length of a shift in days."),
  layers: z.array(layerSchema).min(1),
  overrides: z
    .array(overrideSchema)
    .default([])
    .describe("Time-boxed replacements; expired ones are errors."),
});

export const targetSchema = z.union([
  z.strictObject({ rotation: name, layer: z.enum(["primary", "secondary"]) }),
  z.strictObject({ person: name }),
  z.strictObject({ team: name }),
]);

export const escalationPolicySchema = z.strictObject({
  name,
  repeat: z.number().int().min(0).max(5).default(0).describe("How many times the whole policy repeats."),
  repeatAfterMinutes: z
    .number()
    .int()
    .min(1)
    .max(1440)
    .default(30)
    .describe("Minutes after the last level before a repeat starts again at the first level."),
  levels: z
    .array(
      z.strictObject({
        delayMinutes: z.number().int().min(0).max(1440).describe("Minutes after the alert opens."),
        targets: z.array(targetSchema).min(1),
        channel: name.describe("The receiver that reaches this level's people."),
      }),
    )
    .min(1),
});

export const routeSchema = z.strictObject({
  area: name,
  severities: z.array(z.enum(SEVERITIES)).min(1),
  escalationPolicy: name,
  channels: z.array(name).min(1).describe("Receivers notified when the alert opens."),
});

export const dutiesSchema = z.strictObject({
  incidentReviewDays: z
    .number()
    .int()
    .min(1)
    .max(30)
    .describe("Incident review within N days of every SEV1/SEV2."),
  postmortemHours: z
    .number()
    .int()
    .min(1)
    .max(336)
    .default(72)
    .describe("Blameless postmortem due after SEV1/SEV2."),
  backlogHygiene: z
    .strictObject({ rotation: name, layer: z.enum(["primary", "secondary"]) })
    .describe("Weekly owner."),
  reviewStandards: name.describe("Person owning code-review standards."),
  documentation: name.describe("Person owning documentation."),
  onCallSync: z.strictObject({ weekday: z.enum(WEEKDAYS), time: clockTime, timeZone }),
  triage: z.strictObject({ weekdays: z.array(z.enum(WEEKDAYS)).min(1), time: clockTime, timeZone }),
  release: z.strictObject({
    everyWeeks: z.number().int().min(1).max(12),
    weekday: z.enum(WEEKDAYS),
    captains: z.array(name).min(1).describe("Release-captain rotation, one per release."),
  }),
  runbookReviewWeeks: z.number().int().min(1).max(52),
});

// Every environment's project gets its own channels (an alert policy or budget can only notify
// channels of its own project), so the model names no project.
export const oncallConfigSchema = z.strictObject({
  people: z.array(personSchema).min(1),
  teams: z.array(oncallTeamSchema).min(1),
  severities: z.strictObject({
    SEV1: severitySchema,
    SEV2: severitySchema,
    SEV3: severitySchema,
    SEV4: severitySchema,
  }),
  areas: z.array(areaSchema).min(1),
  receivers: z.array(receiverSchema).min(1),
  rotations: z.array(rotationSchema).min(1),
  escalationPolicies: z.array(escalationPolicySchema).min(1),
  routes: z.array(routeSchema).min(1),
  duties: dutiesSchema,
  documentStart: isoDate.describe("First day of the rotation preview in docs/oncall (never the clock)."),
});

// Keys are not pattern-checked: an error on a key would quote its value, which is a secret.
export const oncallSecretsSchema = z.record(z.string(), z.string().min(1));

export type OncallConfig = z.output<typeof oncallConfigSchema>;
export type OncallConfigInput = z.input<typeof oncallConfigSchema>;
export type Receiver = OncallConfig["receivers"][number];
export type Rotation = OncallConfig["rotations"][number];
export type EscalationPolicy = OncallConfig["escalationPolicies"][number];
export type Target = EscalationPolicy["levels"][number]["targets"][number];

/** The instant "now" for validating overrides; tests pin it with `withValidationTime`. */
let validationTime: (() => Date) | undefined;
export function withValidationTime<T>(now: Date, run: () => T): T {
  const previous = validationTime;
  validationTime = () => now;
  try {
    return run();
  } finally {
    validationTime = previous;
  }
}

/** Which receiver types reach a person directly, which only post to a shared place. */
export const RECEIVER_MODE: Record<Receiver["type"], NotifyMode> = {
  pagerduty: "page",
  slack: "chat",
  webhook: "chat",
  email: "ticket",
  pubsub: "log",
};

type Issue = (path: (string | number)[], message: string) => void;

/**
 * Cross-reference rules of `platform:oncall`, for `platformConfigSchema.superRefine`: every name
 * refers to something declared, times are consistent, nothing refers to an expired override.
 * Issues are added under `["oncall", ...]` (secrets under `["oncallSecrets"]`).
 */
export function refineOncall(
  oncall: OncallConfig | undefined,
  secrets: Record<string, string> | undefined,
  platformTeams: readonly string[],
  ctx: z.RefinementCtx,
): void {
  if (!oncall) return;
  const issue: Issue = (path, message) =>
    ctx.addIssue({ code: "custom", path: ["oncall", ...path], message });
  const list = (values: readonly string[]) => values.join(", ");
  const unique = (values: string[], path: string[], what: string, key = "name") =>
    values.forEach((value, index) => {
      if (values.indexOf(value) !== index) issue([...path, index, key], `a unique ${what}`);
    });
  unique(
    oncall.people.map((p) => p.id),
    ["people"],
    "person id",
    "id",
  );
  unique(
    oncall.teams.map((t) => t.name),
    ["teams"],
    "team name",
  );
  unique(
    oncall.areas.map((a) => a.name),
    ["areas"],
    "area name",
  );
  unique(
    oncall.receivers.map((r) => r.name),
    ["receivers"],
    "receiver name",
  );
  unique(
    oncall.rotations.map((r) => r.name),
    ["rotations"],
    "rotation name",
  );
  unique(
    oncall.escalationPolicies.map((p) => p.name),
    ["escalationPolicies"],
    "escalation policy name",
  );

  const people = oncall.people.map((p) => p.id);
  const teams = oncall.teams.map((t) => t.name);
  const receivers = new Map(oncall.receivers.map((r) => [r.name, r]));
  const rotations = new Map(oncall.rotations.map((r) => [r.name, r]));
  const policies = new Map(oncall.escalationPolicies.map((p) => [p.name, p]));
  const personRef = (value: string, path: (string | number)[]) => {
    if (!people.includes(value)) issue(path, `a person under platform:oncall.people (${list(people)})`);
  };
  oncall.people.forEach((person, index) => {
    if (!platformTeams.includes(person.team))
      issue(["people", index, "team"], `one of the teams under platform:teams (${list(platformTeams)})`);
  });
  oncall.teams.forEach((team, index) => {
    if (!platformTeams.includes(team.name))
      issue(["teams", index, "name"], `one of the teams under platform:teams (${list(platformTeams)})`);
    if (team.workingHours.end <= team.workingHours.start)
      issue(["teams", index, "workingHours", "end"], `a time after start (${team.workingHours.start})`);
  });
  const areaNames = oncall.areas.map((a) => a.name);
  for (const required of REQUIRED_AREAS) {
    if (!areaNames.includes(required))
      issue(["areas"], `an area named ${required} (required areas: ${list(REQUIRED_AREAS)})`);
  }
  oncall.areas.forEach((area, index) => {
    if (!teams.includes(area.owner))
      issue(["areas", index, "owner"], `a team under platform:oncall.teams (${list(teams)})`);
  });
  oncall.receivers.forEach((receiver, index) => {
    for (const [field, value] of Object.entries(receiver)) {
      if (value && typeof value === "object" && "secret" in value) {
        const secret = (value as { secret: string }).secret;
        if (!secrets || !(secret in secrets))
          issue(
            ["receivers", index, field, "secret"],
            `an entry of platform:oncallSecrets (${list(Object.keys(secrets ?? {})) || "none set"})`,
          );
      }
    }
  });
  const now = validationTime?.() ?? new Date();
  oncall.rotations.forEach((rotation, index) => {
    const base = ["rotations", index];
    if (!teams.includes(rotation.team))
      issue([...base, "team"], `a team under platform:oncall.teams (${list(teams)})`);
    const first = DateTime.fromISO(rotation.start, { zone: rotation.timeZone });
    if (first.isValid && WEEKDAYS[first.weekday - 1] !== rotation.handoff.weekday)
      issue(
        [...base, "start"],
        `a ${rotation.handoff.weekday} (the handoff weekday), not a ${WEEKDAYS[first.weekday - 1]}`,
      );
    const layerNames = rotation.layers.map((l) => l.name);
    layerNames.forEach((layer, layerIndex) => {
      if (layerNames.indexOf(layer) !== layerIndex)
        issue([...base, "layers", layerIndex, "name"], "a unique layer name");
    });
    rotation.layers.forEach((layer, layerIndex) => {
      layer.members.forEach((member, memberIndex) => {
        personRef(member, [...base, "layers", layerIndex, "members", memberIndex]);
      });
    });
    rotation.overrides.forEach((override, overrideIndex) => {
      const path = [...base, "overrides", overrideIndex];
      personRef(override.person, [...path, "person"]);
      if (!layerNames.includes(override.layer))
        issue([...path, "layer"], `a layer of the rotation (${list(layerNames)})`);
      const start = DateTime.fromISO(override.start);
      const end = DateTime.fromISO(override.end);
      if (end <= start) issue([...path, "end"], `an instant after start (${override.start})`);
      else if (end.toMillis() <= now.getTime())
        issue(
          [...path, "end"],
          `an override that has not ended yet (it ended before ${now.toISOString()}; remove it)`,
        );
      rotation.overrides.slice(0, overrideIndex).forEach((earlier, earlierIndex) => {
        if (earlier.layer !== override.layer) return;
        if (DateTime.fromISO(earlier.start) < end && start < DateTime.fromISO(earlier.end))
          issue(
            [...path, "start"],
            `an override that does not overlap overrides[${earlierIndex}] on the ${override.layer} layer`,
          );
      });
    });
  });
  oncall.escalationPolicies.forEach((policy, index) => {
    const base = ["escalationPolicies", index, "levels"];
    let previousDelay = -1;
    policy.levels.forEach((level, levelIndex) => {
      if (level.delayMinutes <= previousDelay)
        issue(
          [...base, levelIndex, "delayMinutes"],
          `a delay greater than the previous level's (${previousDelay})`,
        );
      previousDelay = level.delayMinutes;
      if (!receivers.has(level.channel))
        issue(
          [...base, levelIndex, "channel"],
          `a receiver under platform:oncall.receivers (${list([...receivers.keys()])})`,
        );
      level.targets.forEach((target, targetIndex) => {
        const path = [...base, levelIndex, "targets", targetIndex];
        if ("person" in target) personRef(target.person, [...path, "person"]);
        else if ("team" in target) {
          if (!teams.includes(target.team))
            issue([...path, "team"], `a team under platform:oncall.teams (${list(teams)})`);
        } else {
          const rotation = rotations.get(target.rotation);
          if (!rotation)
            issue(
              [...path, "rotation"],
              `a rotation under platform:oncall.rotations (${list([...rotations.keys()])})`,
            );
          else if (!rotation.layers.some((l) => l.name === target.layer))
            issue(
              [...path, "layer"],
              `a layer of rotation ${rotation.name} (${list(rotation.layers.map((l) => l.name))})`,
            );
        }
      });
    });
  });
  oncall.routes.forEach((route, index) => {
    const base = ["routes", index];
    if (!areaNames.includes(route.area))
      issue([...base, "area"], `an area under platform:oncall.areas (${list(areaNames)})`);
    const policy = policies.get(route.escalationPolicy);
    if (!policy)
      issue(
        [...base, "escalationPolicy"],
        `an escalation policy under platform:oncall.escalationPolicies (${list([...policies.keys()])})`,
      );
    route.channels.forEach((channel, channelIndex) => {
      if (!receivers.has(channel))
        issue(
          [...base, "channels", channelIndex],
          `a receiver under platform:oncall.receivers (${list([...receivers.keys()])})`,
        );
    });
    if (policy) {
      for (const severity of route.severities) {
        const target = oncall.severities[severity].responseMinutes;
        if (oncall.severities[severity].notify === "page" && policy.levels[0].delayMinutes > target)
          issue(
            [...base, "escalationPolicy"],
            `a policy whose first level starts within the ${severity} response target (${target} min), not after ${policy.levels[0].delayMinutes} min (${policy.name})`,
          );
      }
    }
    oncall.routes.slice(0, index).forEach((earlier, earlierIndex) => {
      if (earlier.area !== route.area) return;
      const both = route.severities.filter((s) => earlier.severities.includes(s));
      if (both.length > 0)
        issue(
          [...base, "severities"],
          `severities not already routed for ${route.area} by routes[${earlierIndex}] (${list(both)})`,
        );
    });
  });
  const duties = oncall.duties;
  const backlog = rotations.get(duties.backlogHygiene.rotation);
  if (!backlog)
    issue(
      ["duties", "backlogHygiene", "rotation"],
      `a rotation under platform:oncall.rotations (${list([...rotations.keys()])})`,
    );
  personRef(duties.reviewStandards, ["duties", "reviewStandards"]);
  personRef(duties.documentation, ["duties", "documentation"]);
  duties.release.captains.forEach((captain, index) => {
    personRef(captain, ["duties", "release", "captains", index]);
  });
}
