import * as path from "node:path";
import type { WhoResult } from "../../components/oncall/simulate";
import { UserInputError } from "../../stacks/config/errors";
import type { OncallConfig } from "../../stacks/config/oncall";
import { SEVERITIES, type Severity } from "../../stacks/config/severities";
import { quoteText, terminalText as t } from "../../stacks/config/terminal-text";
import { parseFlags, stackNameProblem, userInputExitCode, writeOutputFile } from "../cli/args";

// The stack's config (YAML, zod, luxon) and the renderers load only once the command line is
// accepted: a mistyped flag is answered at once, before the stack file is read.
const luxon = () => require("luxon") as typeof import("luxon");

const USAGE = `usage: npm run oncall -- <command> --stack <name> [options]

The on-call model of a stack (platform:oncall), simulated, checked and rendered.

  who --stack S --area A --severity SEV1..SEV4 [--at INSTANT] [--json]
        who is notified, on which channel, at which minute, through every escalation level
  check --stack S [--now INSTANT]
        gaps: unrouted (area, severity), uncovered rotation hours in the next 8 weeks, SEV1 paths
        slower than the response target, escalations ending in chat, expired overrides, people
        primary on two rotations at once
  alertmanager --stack S --out FILE
        writes the routing as an Alertmanager configuration
  doc --stack S [--start YYYY-MM-DD] [--out-dir DIR]
        writes DIR/<stack>.md and DIR/<stack>-incident-template.md (default DIR: docs/oncall,
        start: documentStart of the model)

  --stack-file PATH   read this stack config file instead of stacks/Pulumi.<stack>.yaml
  INSTANT             ISO 8601 with an offset, like 2026-11-28T03:00:00Z (default: now)

Exit codes: 0 done (check: no gap), 1 check found gaps, 2 bad input.`;

const COMMANDS = ["who", "check", "alertmanager", "doc"] as const;
type Command = (typeof COMMANDS)[number];

export interface OncallIo {
  out: (text: string) => void;
  now: () => Date;
}

function parseInstant(flag: string, value: string): Date {
  const parsed = luxon().DateTime.fromISO(value, { setZone: true });
  if (!/(Z|[+-]\d{2}:?\d{2})$/.test(value) || !parsed.isValid) {
    throw new UserInputError([
      `command line: --${flag}: expected an ISO 8601 instant with an offset, like 2026-11-28T03:00:00Z, found ${quoteText(value)}`,
    ]);
  }
  return parsed.toJSDate();
}

/** `--start` (or the model's documentStart): a calendar date. */
function dateProblem(start: string): void {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(start) || !luxon().DateTime.fromISO(start).isValid)
    throw new UserInputError([
      `command line: --start: expected a date YYYY-MM-DD, found ${quoteText(start)}`,
    ]);
}

/** Reads a stack's on-call model; a missing model or any config mistake is a UserInputError. */
export function loadOncall(stack: string, stackFile?: string): { model: OncallConfig; file: string } {
  const { readStackFile, stackFilePath } =
    require("../../stacks/config/load") as typeof import("../../stacks/config/load");
  const file = stackFile ?? stackFilePath(stack);
  const { config } = readStackFile(file);
  if (!config.oncall) {
    throw new UserInputError([
      `${file}: platform:oncall: expected the on-call model, found nothing (the key is missing)`,
    ]);
  }
  return { model: config.oncall, file };
}

export function formatWho(model: OncallConfig, result: WhoResult): string {
  const lines = [
    `${t(result.area)} ${result.severity} at ${result.at}: owner ${t(result.owner)}, notifies by ${result.mode}${result.quietHours ? " (quiet hours: lowered to chat)" : ""}`,
  ];
  for (const n of result.notifications) {
    const person = n.person ? (model.people.find((p) => p.id === n.person)?.name ?? n.person) : undefined;
    lines.push(
      `  +${String(n.minute).padStart(3)} min  level ${n.level}  ${t(n.target)}${n.person ? ` -> ${t(person)} (${t(n.person)})` : n.level > 0 ? " -> nobody on duty" : ""}  via ${t(n.channel)}`,
    );
  }
  return lines.join("\n");
}

export async function main(
  argv: string[],
  io: OncallIo = { out: console.log, now: () => new Date() },
): Promise<number> {
  try {
    const [command, ...rest] = argv;
    if (command === "--help" || command === "-h") {
      io.out(USAGE);
      return 0;
    }
    if (!(COMMANDS as readonly string[]).includes(command ?? "")) {
      throw new UserInputError([
        `command line: command: expected one of ${COMMANDS.join(", ")}, found ${command === undefined ? "nothing" : quoteText(command)}\n${USAGE}`,
      ]);
    }
    const values = parseFlags(
      rest,
      {
        stack: { type: "string" },
        "stack-file": { type: "string" },
        area: { type: "string" },
        severity: { type: "string" },
        at: { type: "string" },
        now: { type: "string" },
        json: { type: "boolean" },
        out: { type: "string" },
        start: { type: "string" },
        "out-dir": { type: "string" },
      },
      USAGE,
    );
    const stack = values.stack as string | undefined;
    const stackProblem = stackNameProblem(stack);
    if (stackProblem) throw new UserInputError([stackProblem]);
    const allowed: Record<Command, string[]> = {
      who: ["area", "severity", "at", "json"],
      check: ["now"],
      alertmanager: ["out"],
      doc: ["start", "out-dir"],
    };
    for (const flag of Object.keys(values)) {
      if (flag !== "stack" && flag !== "stack-file" && !allowed[command as Command].includes(flag))
        throw new UserInputError([
          `command line: --${flag}: expected no such option for ${command}, found --${flag}`,
        ]);
    }
    // What the command line alone can get wrong is refused before the stack is read.
    const severity = values.severity as string | undefined;
    if (command === "who" && (!severity || !(SEVERITIES as readonly string[]).includes(severity)))
      throw new UserInputError([
        `command line: --severity: expected one of ${SEVERITIES.join(", ")}, found ${severity === undefined ? "nothing" : quoteText(severity)}`,
      ]);
    const at = values.at ? parseInstant("at", values.at as string) : undefined;
    const now = values.now ? parseInstant("now", values.now as string) : undefined;
    const out = values.out as string | undefined;
    if (command === "alertmanager" && !out)
      throw new UserInputError(["command line: --out: expected a file to write, found nothing"]);
    const startFlag = values.start as string | undefined;
    if (startFlag !== undefined) dateProblem(startFlag);
    const { model, file } = loadOncall(stack as string, values["stack-file"] as string | undefined);
    switch (command as Command) {
      case "who": {
        const area = values.area as string | undefined;
        const areas = model.areas.map((a) => a.name);
        if (!area || !areas.includes(area))
          throw new UserInputError([
            `command line: --area: expected one of the areas of ${file} (${areas.join(", ")}), found ${area === undefined ? "nothing" : quoteText(area)}`,
          ]);
        const { whoIsNotified } =
          require("../../components/oncall/simulate") as typeof import("../../components/oncall/simulate");
        const result = whoIsNotified(model, area, severity as Severity, at ?? io.now());
        if (values.json) {
          const { area: a, severity: s, at: when, notifications } = result;
          io.out(JSON.stringify({ area: a, severity: s, at: when, notifications }, null, 2));
        } else io.out(formatWho(model, result));
        return 0;
      }
      case "check": {
        const { checkModel, formatGaps } =
          require("../../components/oncall/checks") as typeof import("../../components/oncall/checks");
        const gaps = checkModel(model, now ?? io.now());
        io.out(formatGaps(gaps));
        return gaps.length > 0 ? 1 : 0;
      }
      case "alertmanager": {
        const { renderAlertmanager } =
          require("../../components/oncall/alertmanager") as typeof import("../../components/oncall/alertmanager");
        writeOutputFile(out as string, renderAlertmanager(model, stack as string));
        io.out(`wrote ${out}`);
        return 0;
      }
      case "doc": {
        const start = startFlag ?? model.documentStart;
        dateProblem(start);
        const { renderIncidentTemplate, renderOncallDocument } =
          require("../../components/oncall/document") as typeof import("../../components/oncall/document");
        const dir = (values["out-dir"] as string | undefined) ?? "docs/oncall";
        const document = path.join(dir, `${stack}.md`);
        const template = path.join(dir, `${stack}-incident-template.md`);
        writeOutputFile(document, renderOncallDocument(model, stack as string, start));
        writeOutputFile(template, renderIncidentTemplate(model, stack as string));
        io.out(`wrote ${document}\nwrote ${template}`);
        return 0;
      }
    }
  } catch (error) {
    return userInputExitCode(error);
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 3;
    },
  );
}
