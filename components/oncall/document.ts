import { DateTime } from "luxon";
import { type OncallConfig, SEVERITIES, type Severity, WEEKDAYS } from "../../stacks/config/oncall";
import { codeSpan, inertText, linkDestination, sanitize } from "../../tools/plan-summary/inert";
import { onDuty } from "./rotation";
import { MONITORING_SEVERITY } from "./severity";
import { describeReceiver } from "./simulate";

/**
 * The operating model as documents people read: docs/oncall/<stack>.md and the incident template.
 * Everything depends on the model and the start date only, never on the clock, so the committed
 * files stay current until the model changes.
 */

export const PREVIEW_WEEKS = 4;

const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");
const table = (header: string[], rows: string[][]) =>
  [
    `| ${header.join(" | ")} |`,
    `| ${header.map(() => "---").join(" | ")} |`,
    ...rows.map((r) => `| ${r.map(cell).join(" | ")} |`),
  ].join("\n");
const minutes = (value: number) => (value >= 60 && value % 60 === 0 ? `${value / 60} h` : `${value} min`);
const personName = (model: OncallConfig, id: string | null | undefined) =>
  id ? (model.people.find((p) => p.id === id)?.name ?? id) : "nobody";
const capitalize = (text: string) => text[0].toUpperCase() + text.slice(1);
/** Free text from the stack file (a person's name, a description) as inert Markdown (see inert.ts). */
const prose = (text: string) => inertText(text, { max: 500 });
const personText = (model: OncallConfig, id: string | null | undefined) => prose(personName(model, id));

/** Mermaid-safe label text: no quotes, brackets or pipes. */
function label(text: string): string {
  return sanitize(text, 200)
    .replace(/["[\]{}|<>#]/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}

type Target = OncallConfig["escalationPolicies"][number]["levels"][number]["targets"][number];
function describeTarget(model: OncallConfig, target: Target): string {
  if ("person" in target) return personName(model, target.person);
  if ("team" in target) return `whole ${target.team} team`;
  return `${target.rotation} ${target.layer}`;
}

/** An escalation policy as a Mermaid flowchart: alert, each level with its delay, the repeat. */
export function escalationDiagram(model: OncallConfig, policyName: string): string {
  const policy = model.escalationPolicies.find((p) => p.name === policyName);
  if (!policy) throw new Error(`no escalation policy ${policyName}`);
  const lines = ["flowchart LR", `  alert(["Alert opens"])`];
  let previous = "alert";
  policy.levels.forEach((level, index) => {
    const id = `level${index + 1}`;
    const who = level.targets.map((t) => describeTarget(model, t)).join(", ");
    lines.push(`  ${id}["Level ${index + 1}: ${label(who)} via ${label(level.channel)}"]`);
    lines.push(`  ${previous} -->|"${level.delayMinutes} min"| ${id}`);
    previous = id;
  });
  if (policy.repeat > 0) {
    lines.push(
      `  ${previous} -.->|"after ${policy.repeatAfterMinutes} min, repeat ${policy.repeat}x"| level1`,
    );
  }
  return lines.join("\n");
}

/** Shift starts of a rotation in [start, start + weeks), with who is on each layer. */
export function rotationPreview(
  model: OncallConfig,
  rotationName: string,
  start: Date,
  weeks = PREVIEW_WEEKS,
) {
  const rotation = model.rotations.find((r) => r.name === rotationName)!;
  const end = DateTime.fromJSDate(start, { zone: "UTC" }).plus({ weeks });
  const [hour, minute] = rotation.handoff.time.split(":").map(Number);
  const rows: { day: string; handoff: string; layers: Record<string, string> }[] = [];
  let day = DateTime.fromJSDate(start, { zone: rotation.timeZone }).startOf("day");
  while (day.toMillis() < end.toMillis()) {
    const handoff = day.set({ hour, minute });
    const weekday = WEEKDAYS[day.weekday - 1];
    if (weekday === rotation.handoff.weekday && handoff.toMillis() >= start.getTime() && handoff < end) {
      const at = handoff.plus({ minutes: 1 }).toJSDate();
      const layers: Record<string, string> = {};
      for (const layer of rotation.layers)
        layers[layer.name] = personName(model, onDuty(model, rotation, layer.name, at));
      rows.push({
        day: day.toISODate()!,
        handoff: `${capitalize(weekday.slice(0, 3))} ${handoff.toFormat("HH:mm")} (UTC${handoff.toFormat("ZZ")})`,
        layers,
      });
    }
    day = day.plus({ days: 1 });
  }
  return rows;
}

export function renderOncallDocument(model: OncallConfig, stack: string, startDate: string): string {
  const start = DateTime.fromISO(startDate, { zone: "UTC" }).toJSDate();
  const out: string[] = [];
  out.push(`# On-call operating model: ${stack}`, "");
  out.push(
    `Generated from \`platform:oncall\` in \`stacks/Pulumi.${stack}.yaml\` by \`npm run oncall -- doc --stack ${stack}\`; do not edit. Rotation preview from ${startDate}.`,
    "",
  );
  out.push("## Owners per area", "");
  out.push(
    table(
      ["Area", "Owner team", "What", "Runbook"],
      model.areas.map((a) => [
        a.name,
        a.owner,
        prose(a.description),
        a.runbook ? `[runbook](${linkDestination(a.runbook)})` : "none",
      ]),
    ),
    "",
  );
  out.push("## Severities", "");
  out.push(
    table(
      [
        "Severity",
        "Meaning",
        "Acknowledge within",
        "Notifies",
        "Re-notify",
        "Auto-close",
        "Cloud Monitoring",
      ],
      SEVERITIES.map((s) => {
        const level = model.severities[s];
        return [
          s,
          prose(level.meaning),
          minutes(level.responseMinutes),
          level.notify,
          level.renotifyMinutes ? `every ${minutes(level.renotifyMinutes)}` : "no",
          `${level.autoCloseHours} h`,
          MONITORING_SEVERITY[s] ?? `label \`severity: ${s.toLowerCase()}\``,
        ];
      }),
    ),
    "",
  );
  out.push(
    "Quiet hours: outside the owner team's working hours, SEV2-SEV4 pages are lowered to chat; SEV1 always pages.",
    "",
  );
  out.push(
    table(
      ["Team", "Time zone", "Working hours"],
      model.teams.map((t) => [
        t.name,
        t.timeZone,
        `${t.workingHours.days.map((d) => capitalize(d.slice(0, 3))).join(", ")} ${t.workingHours.start}-${t.workingHours.end}`,
      ]),
    ),
    "",
  );
  out.push("## Routes", "");
  out.push(
    table(
      ["Area", "Severities", "Escalation policy", "Channels"],
      model.routes.map((r) => [
        r.area,
        r.severities.join(", "),
        r.escalationPolicy,
        r.channels
          .map((name) => {
            const receiver = model.receivers.find((x) => x.name === name);
            if (!receiver) return name;
            // Addresses and URLs are free text: shown literally, as code, never as links or markup.
            const described = describeReceiver(receiver);
            return `${name} (${receiver.type === "email" || receiver.type === "webhook" ? codeSpan(described, { max: 300 }) : described})`;
          })
          .join(", "),
      ]),
    ),
    "",
  );
  out.push("## Escalation paths", "");
  for (const policy of model.escalationPolicies) {
    out.push(`### ${policy.name}`, "", "```mermaid", escalationDiagram(model, policy.name), "```", "");
  }
  out.push(`## Rotations (${PREVIEW_WEEKS} weeks from ${startDate})`, "");
  for (const rotation of model.rotations) {
    const layers = rotation.layers.map((l) => l.name);
    out.push(
      `### ${rotation.name}`,
      "",
      `Team ${rotation.team}, handoff ${capitalize(rotation.handoff.weekday)} ${rotation.handoff.time} ${rotation.timeZone}, shifts of ${rotation.lengthDays} days.${
        rotation.layers.some((l) => l.workingHoursOnly)
          ? ` Working hours only: ${rotation.layers
              .filter((l) => l.workingHoursOnly)
              .map((l) => l.name)
              .join(", ")}.`
          : ""
      }`,
      "",
    );
    out.push(
      table(
        ["Handoff", ...layers.map(capitalize)],
        rotationPreview(model, rotation.name, start).map((row) => [
          `${row.handoff} (${row.day})`,
          ...layers.map((l) => prose(row.layers[l])),
        ]),
      ),
      "",
    );
  }
  const duties = model.duties;
  out.push("## Duties and cadences", "");
  const backlog = model.rotations.find((r) => r.name === duties.backlogHygiene.rotation)!;
  const release = releasesFrom(model, start);
  out.push(
    table(
      ["Duty", "Who", "When"],
      [
        [
          "Weekly on-call sync",
          "everyone on call",
          `${capitalize(duties.onCallSync.weekday)} ${duties.onCallSync.time} ${duties.onCallSync.timeZone}`,
        ],
        [
          "Alert and incident triage",
          "the primaries on duty",
          `${duties.triage.weekdays.map(capitalize).join(", ")} ${duties.triage.time} ${duties.triage.timeZone}`,
        ],
        [
          "Incident review",
          "the incident coordinator",
          `within ${duties.incidentReviewDays} days of every SEV1/SEV2`,
        ],
        [
          "Blameless postmortem",
          "the technical lead",
          `due within ${duties.postmortemHours} hours of every SEV1/SEV2`,
        ],
        ["Backlog hygiene", `${backlog.name} ${duties.backlogHygiene.layer} of the week`, "weekly"],
        ["Review standards", personText(model, duties.reviewStandards), "owner"],
        ["Documentation", personText(model, duties.documentation), "owner"],
        [
          "Release",
          `release captain (${duties.release.captains.map((c) => personText(model, c)).join(", ")} in turn)`,
          `every ${duties.release.everyWeeks} weeks on ${capitalize(duties.release.weekday)}`,
        ],
        ["Runbook review", "area owners", `every ${duties.runbookReviewWeeks} weeks`],
      ],
    ),
    "",
  );
  out.push(
    "Release captains in the preview window:",
    "",
    ...release.map((r) => `- ${r.date}: ${personText(model, r.captain)}`),
    "",
  );
  out.push("Backlog-hygiene owner per week:", "");
  for (let week = 0; week < PREVIEW_WEEKS; week++) {
    const at = DateTime.fromJSDate(start, { zone: "UTC" }).plus({ weeks: week, hours: 12 });
    out.push(
      `- week of ${at.toISODate()}: ${personText(model, onDuty(model, backlog, duties.backlogHygiene.layer, at.toJSDate()))}`,
    );
  }
  out.push("", "## Runbooks", "");
  for (const area of model.areas)
    out.push(`- ${area.name}: ${area.runbook ? `<${linkDestination(area.runbook)}>` : "none yet"}`);
  out.push("", `Incident template: [${stack}-incident-template.md](${stack}-incident-template.md).`, "");
  return out.join("\n");
}

/** Release dates from the first release weekday on or after `start`, every N weeks, with captains in turn. */
export function releasesFrom(model: OncallConfig, start: Date, weeks = PREVIEW_WEEKS) {
  const release = model.duties.release;
  let day = DateTime.fromJSDate(start, { zone: "UTC" }).startOf("day");
  while (WEEKDAYS[day.weekday - 1] !== release.weekday) day = day.plus({ days: 1 });
  const end = DateTime.fromJSDate(start, { zone: "UTC" }).plus({ weeks });
  const releases: { date: string; captain: string }[] = [];
  for (let index = 0; day < end; index++, day = day.plus({ weeks: release.everyWeeks })) {
    releases.push({ date: day.toISODate()!, captain: release.captains[index % release.captains.length] });
  }
  return releases;
}

/** Internal update cadence of a severity: the model's value, else 30 min for SEV1 and 60 for SEV2. */
export function updateCadence(model: OncallConfig, severity: Severity): string {
  const explicit = model.severities[severity].updateEveryMinutes;
  if (explicit) return `every ${minutes(explicit)}`;
  if (severity === "SEV1") return "every 30 min";
  if (severity === "SEV2") return "every 60 min";
  return "at each status change";
}

export function renderIncidentTemplate(model: OncallConfig, stack: string): string {
  const hours = model.duties.postmortemHours;
  const out = [
    `# Incident: <title> (${stack})`,
    "",
    `Generated from \`platform:oncall\` by \`npm run oncall -- doc --stack ${stack}\`; copy it for each incident.`,
    "",
    "## Summary",
    "",
    "- Severity: <SEV1 | SEV2 | SEV3 | SEV4>",
    `- Area: <${model.areas.map((a) => a.name).join(" | ")}>`,
    "- Status: <investigating | identified | monitoring | resolved>",
    "- Started: <YYYY-MM-DDTHH:MMZ>  Detected: <...>  Resolved: <...>",
    "",
    "## Severity definitions",
    "",
    table(
      ["Severity", "Meaning", "Acknowledge within", "Internal updates"],
      SEVERITIES.map((s) => [
        s,
        prose(model.severities[s].meaning),
        minutes(model.severities[s].responseMinutes),
        updateCadence(model, s),
      ]),
    ),
    "",
    "## Roles",
    "",
    "- Coordinator (incident commander): <name>. Owns the timeline, decisions and the update cadence.",
    "- Communications lead: <name>. Posts internal updates at the cadence above and customer updates.",
    "- Technical lead: <name>. Leads the diagnosis and the fix; writes the postmortem.",
    "",
    "## Timeline (UTC)",
    "",
    "| Time | Event | Who |",
    "| --- | --- | --- |",
    "| <HH:MM> | Alert fired / incident declared | |",
    "",
    "## Updates",
    "",
    `Internal updates: SEV1 ${updateCadence(model, "SEV1")}, SEV2 ${updateCadence(model, "SEV2")}, SEV3 ${updateCadence(model, "SEV3")}, SEV4 ${updateCadence(model, "SEV4")}.`,
    "",
    "## Follow-up",
    "",
    `- Blameless postmortem due within ${hours} hours of resolution for SEV1/SEV2 (due: <date>).`,
    `- Incident review within ${model.duties.incidentReviewDays} days for SEV1/SEV2 (on: <date>).`,
    "- Action items: <owner, ticket, due date>",
    "",
  ];
  return out.join("\n");
}
