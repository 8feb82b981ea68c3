import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { OncallConfig } from "../../stacks/config/oncall";
import { formatWho } from "../../tools/oncall/cli";
import { runCommand } from "../helpers/cli";
import { fixtureModel, stackFileText } from "./fixture";

const oncall = (...args: string[]) => runCommand("tools/oncall/cli.ts", args);
let dir: string;
let stackFile: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "oncall-cli-"));
  stackFile = path.join(dir, "Pulumi.fixture.yaml");
  writeFileSync(stackFile, stackFileText(fixtureModel()));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("npm run oncall", () => {
  it("who --json prints every notification of the escalation at a pinned instant", async () => {
    const run = await oncall(
      "who",
      "--stack",
      "fixture",
      "--stack-file",
      stackFile,
      "--area",
      "billing",
      "--severity",
      "SEV1",
      "--at",
      "2026-03-11T09:30:00-04:00",
      "--json",
    );
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      area: "billing",
      severity: "SEV1",
      at: "2026-03-11T13:30:00.000Z",
      notifications: [
        { minute: 0, level: 0, target: "Slack #payments", person: null, channel: "slack-payments" },
        { minute: 0, level: 0, target: "payments@example.com", person: null, channel: "mail-payments" },
        { minute: 0, level: 0, target: "https://hooks.example.com/in", person: null, channel: "hook" },
        { minute: 0, level: 1, target: "payments primary", person: "eli", channel: "pd-payments" },
        { minute: 5, level: 2, target: "payments secondary", person: "dee", channel: "pd-payments" },
        { minute: 15, level: 3, target: "team payments", person: "dee", channel: "mail-payments" },
        { minute: 15, level: 3, target: "team payments", person: "eli", channel: "mail-payments" },
      ],
    });
  });

  it("who prints text with names, and says when nobody covers a layer", async () => {
    const run = await oncall(
      "who",
      "--stack",
      "fixture",
      "--stack-file",
      stackFile,
      "--area",
      "billing",
      "--severity",
      "SEV1",
      "--at",
      "2026-03-14T15:00:00Z",
    );
    expect(run.code).toBe(0);
    expect(run.stdout.split("\n").slice(0, 6)).toEqual([
      "billing SEV1 at 2026-03-14T15:00:00.000Z: owner payments, notifies by page",
      "  +  0 min  level 0  Slack #payments  via slack-payments",
      "  +  0 min  level 0  payments@example.com  via mail-payments",
      "  +  0 min  level 0  https://hooks.example.com/in  via hook",
      "  +  0 min  level 1  payments primary -> Eli Stone (eli)  via pd-payments",
      "  +  5 min  level 2  payments secondary -> nobody on duty  via pd-payments",
    ]);
  });

  it("check exits 0 on the bundled prod stack at a pinned instant", async () => {
    const run = await oncall("check", "--stack", "prod", "--now", "2026-11-28T00:00:00Z");
    expect(run).toMatchObject({ code: 0, stdout: "on-call check: no gaps\n" });
  });

  it("check exits 1 naming each gap", async () => {
    const model = fixtureModel();
    model.routes[3].severities = ["SEV1", "SEV2", "SEV3"];
    model.escalationPolicies[1].levels[2].channel = "hook";
    const broken = path.join(dir, "Pulumi.broken.yaml");
    writeFileSync(broken, stackFileText(model));
    const run = await oncall(
      "check",
      "--stack",
      "broken",
      "--stack-file",
      broken,
      "--now",
      "2026-03-01T00:00:00Z",
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toBe(
      [
        "on-call check: 2 gaps",
        "  unrouted: billing SEV4: no route",
        "  chat-only-escalation: escalation policy payments-page: its last level notifies through hook (webhook), which reaches no person directly",
        "",
      ].join("\n"),
    );
  });

  it("alertmanager --out writes the configuration", async () => {
    const out = path.join(dir, "am.yml");
    const run = await oncall("alertmanager", "--stack", "fixture", "--stack-file", stackFile, "--out", out);
    expect(run).toMatchObject({ code: 0, stdout: `wrote ${out}\n` });
    const config = parse(readFileSync(out, "utf8"));
    expect(config.route.receiver).toBe("slack-platform");
    expect(config.receivers.map((r: { name: string }) => r.name)).toEqual([
      "pd-platform",
      "pd-payments",
      "slack-platform",
      "slack-payments",
      "mail-payments",
      "hook",
    ]);
  });

  it("doc writes the document and the incident template", async () => {
    const run = await oncall(
      "doc",
      "--stack",
      "fixture",
      "--stack-file",
      stackFile,
      "--start",
      "2026-03-23",
      "--out-dir",
      dir,
    );
    expect(run.code).toBe(0);
    expect(readFileSync(path.join(dir, "fixture.md"), "utf8")).toContain(
      "## Rotations (4 weeks from 2026-03-23)",
    );
    expect(readFileSync(path.join(dir, "fixture-incident-template.md"), "utf8")).toContain(
      "# Incident: <title> (fixture)",
    );
  });

  it.each([
    [
      ["whom", "--stack", "prod"],
      'command line: command: expected one of who, check, alertmanager, doc, found "whom"',
    ],
    [
      ["who", "--stack", "prod", "--area", "payroll", "--severity", "SEV1"],
      'command line: --area: expected one of the areas of stacks/Pulumi.prod.yaml (deployment, billing, connectivity, release, public-api), found "payroll"',
    ],
    [
      ["who", "--stack", "prod", "--area", "billing", "--severity", "P1"],
      'command line: --severity: expected one of SEV1, SEV2, SEV3, SEV4, found "P1"',
    ],
    [
      ["who", "--stack", "prod", "--area", "billing", "--severity", "SEV1", "--at", "2026-11-28 03:00"],
      'command line: --at: expected an ISO 8601 instant with an offset, like 2026-11-28T03:00:00Z, found "2026-11-28 03:00"',
    ],
    [
      ["check", "--stack", "prod", "--out", "x"],
      "command line: --out: expected no such option for check, found --out",
    ],
    [["alertmanager", "--stack", "prod"], "command line: --out: expected a file to write, found nothing"],
    [
      ["doc", "--stack", "prod", "--start", "2026-02-30"],
      'command line: --start: expected a date YYYY-MM-DD, found "2026-02-30"',
    ],
    [
      ["check", "--stack", "qa"],
      "stacks/Pulumi.qa.yaml: (file): expected a readable stack config file (a regular file of at most 1 MiB), found no such file",
    ],
    // The command line is judged before the stack is read: qa has no stack file.
    [
      ["who", "--stack", "qa", "--area", "billing", "--severity", "P1"],
      'command line: --severity: expected one of SEV1, SEV2, SEV3, SEV4, found "P1"',
    ],
    [
      ["check", "--stack", "qa", "--now", "tomorrow"],
      'command line: --now: expected an ISO 8601 instant with an offset, like 2026-11-28T03:00:00Z, found "tomorrow"',
    ],
    [["alertmanager", "--stack", "qa"], "command line: --out: expected a file to write, found nothing"],
    // What the command line holds is quoted with visible escapes: a bidi override stays visible.
    [
      ["who", "--stack", "qa", "--area", "billing", "--severity", "SEV1\u202e"],
      'command line: --severity: expected one of SEV1, SEV2, SEV3, SEV4, found "SEV1\\u202e"',
    ],
    [
      ["doc", "--stack", "qa", "--start", "2026-13-01"],
      'command line: --start: expected a date YYYY-MM-DD, found "2026-13-01"',
    ],
  ])("exits 2 on bad input: %j", async (args, message) => {
    const run = await oncall(...args);
    expect(run.code).toBe(2);
    expect(run.stderr.split("\n")[0]).toBe(message);
    expect(run.stdout).toBe("");
  });

  it("who's text keeps names from the stack file on their line, quoted with visible escapes", () => {
    const model = { people: [{ id: "eve", name: "Eve\n::error::forged" }] } as unknown as OncallConfig;
    const text = formatWho(model, {
      area: "billing",
      severity: "SEV1",
      at: "2026-03-11T13:30:00.000Z",
      owner: "payments",
      mode: "page",
      quietHours: false,
      notifications: [
        { minute: 0, level: 1, target: "payments primary", person: "eve", channel: "pd\u202epayments" },
      ],
    });
    expect(text.split("\n")).toEqual([
      "billing SEV1 at 2026-03-11T13:30:00.000Z: owner payments, notifies by page",
      '  +  0 min  level 1  payments primary -> "Eve\\n::error::forged" (eve)  via "pd\\u202epayments"',
    ]);
  });

  it("exits 2 naming the file and path of a config mistake", async () => {
    const model = fixtureModel();
    model.rotations[0].timeZone = "Mars/Olympus";
    const bad = path.join(dir, "Pulumi.bad.yaml");
    writeFileSync(bad, stackFileText(model));
    const run = await oncall("check", "--stack", "bad", "--stack-file", bad);
    expect(run.code).toBe(2);
    expect(run.stderr.trim().replace(/ \(line \d+\)$/, "")).toBe(
      `${bad}: platform:oncall.rotations[0].timeZone: expected an IANA time zone, like \`Europe/Berlin\`, found "Mars/Olympus"`,
    );
  });
});
