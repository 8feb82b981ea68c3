import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { alertmanagerConfig, renderAlertmanager } from "../../components/oncall/alertmanager";
import { whoIsNotified } from "../../components/oncall/simulate";
import { readStackFile } from "../../stacks/config/load";
import { SEVERITIES } from "../../stacks/config/oncall";
import { ensureDebianTool } from "../../tools/debian-tools/fetch";
import { parsedModel } from "./fixture";

const run = promisify(execFile);
const STACKS = ["dev", "staging", "prod"] as const;
let amtool: string;
let dir: string;

beforeAll(async () => {
  amtool = await ensureDebianTool("prometheus-alertmanager", "amtool");
  dir = mkdtempSync(path.join(tmpdir(), "oncall-am-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function routesTest(file: string, labels: string[]): Promise<string[]> {
  const { stdout } = await run(amtool, ["config", "routes", "test", `--config.file=${file}`, ...labels]);
  return stdout.trim().split(",").sort();
}

describe.each(STACKS)("the %s stack's Alertmanager configuration", (stack) => {
  const model = readStackFile(`stacks/Pulumi.${stack}.yaml`).config.oncall!;
  let file: string;
  beforeAll(() => {
    file = path.join(dir, `${stack}.yml`);
    writeFileSync(file, renderAlertmanager(model, stack));
  });

  it("passes amtool check-config", async () => {
    const { stdout } = await run(amtool, ["check-config", file]);
    expect(stdout).toContain("SUCCESS");
  });

  it("routes every (area, severity) to the receivers the simulator names, whatever team, service or spelling", async () => {
    // In working hours for every owner team (Tuesday 15:00Z: Berlin, London and New York are all at work).
    const at = new Date("2026-12-01T15:00:00Z");
    const expectedReceivers = (area: string, severity: (typeof SEVERITIES)[number]) =>
      [...new Set(whoIsNotified(model, area, severity, at).notifications.map((n) => n.channel))]
        .filter((name) => model.receivers.find((r) => r.name === name)?.type !== "pubsub")
        .sort();
    for (const area of model.areas) {
      for (const severity of SEVERITIES) {
        const received = await routesTest(file, [`area=${area.name}`, `severity=${severity}`]);
        expect(received, `${area.name} ${severity}`).toEqual(expectedReceivers(area.name, severity));
      }
      // Extra labels never change the route; GCP's lowercase severity spelling routes the same.
      const severity = SEVERITIES[area.name.length % 4];
      const labels = [
        `area=${area.name}`,
        `severity=${severity.toLowerCase()}`,
        "service=checkout",
        "team=someone-else",
      ];
      expect(await routesTest(file, labels), labels.join(" ")).toEqual(
        expectedReceivers(area.name, severity),
      );
    }
  });

  it("sends alerts of no known area to the deployment area's chat", async () => {
    const chat = model.receivers.find(
      (r) =>
        r.type === "slack" &&
        model.routes.some((route) => route.area === "deployment" && route.channels.includes(r.name)),
    )!;
    expect(await routesTest(file, ["area=unknown", "severity=SEV1"])).toEqual([chat.name]);
  });
});

describe("rendered configuration", () => {
  const model = parsedModel();
  const config = alertmanagerConfig(model);

  it("mutes pages of non-SEV1 alerts in the owner's quiet hours, in the owner's zone", () => {
    expect(config.time_intervals).toEqual([
      {
        name: "quiet-hours-platform",
        time_intervals: [
          {
            weekdays: ["monday", "tuesday", "wednesday", "thursday", "friday"],
            times: [
              { start_time: "00:00", end_time: "09:00" },
              { start_time: "18:00", end_time: "24:00" },
            ],
            location: "Europe/Berlin",
          },
          { weekdays: ["saturday", "sunday"], location: "Europe/Berlin" },
        ],
      },
      {
        name: "quiet-hours-payments",
        time_intervals: [
          {
            weekdays: ["monday", "tuesday", "wednesday", "thursday", "friday"],
            times: [
              { start_time: "00:00", end_time: "08:00" },
              { start_time: "17:00", end_time: "24:00" },
            ],
            location: "America/New_York",
          },
          { weekdays: ["saturday", "sunday"], location: "America/New_York" },
        ],
      },
    ]);
    const billing = config.route.routes.filter((r) => r.matchers[0] === 'area="billing"');
    expect(billing.map((r) => [r.matchers[1], r.routes])).toEqual([
      [
        'severity=~"SEV1|sev1"',
        [
          { receiver: "pd-payments", continue: true },
          { receiver: "slack-payments", continue: true },
          { receiver: "mail-payments", continue: true },
          { receiver: "hook" },
        ],
      ],
      [
        'severity=~"SEV2|sev2"',
        [
          { receiver: "pd-payments", mute_time_intervals: ["quiet-hours-payments"], continue: true },
          { receiver: "slack-payments", continue: true },
          { receiver: "mail-payments", continue: true },
          { receiver: "hook" },
        ],
      ],
      [
        'severity=~"SEV3|sev3"',
        [
          { receiver: "slack-payments", continue: true },
          { receiver: "mail-payments", continue: true },
          { receiver: "hook" },
        ],
      ],
      ['severity=~"SEV4|sev4"', [{ receiver: "mail-payments" }]],
    ]);
  });

  it("amtool routes the fixture's billing alerts to the hand-written receivers of each severity", async () => {
    const file = path.join(dir, "fixture.yml");
    writeFileSync(file, renderAlertmanager(model, "fixture"));
    // Written by hand from the fixture: billing is owned by payments; SEV1-2 page, SEV1-3 reach chat,
    // e-mail always, the incident hook on SEV1-3; the Pub/Sub archive is not an Alertmanager receiver.
    const expected: Record<string, string[]> = {
      SEV1: ["hook", "mail-payments", "pd-payments", "slack-payments"],
      SEV2: ["hook", "mail-payments", "pd-payments", "slack-payments"],
      SEV3: ["hook", "mail-payments", "slack-payments"],
      SEV4: ["mail-payments"],
    };
    for (const [severity, receivers] of Object.entries(expected)) {
      expect(await routesTest(file, ["area=billing", `severity=${severity}`]), severity).toEqual(receivers);
      expect(
        await routesTest(file, ["area=billing", `severity=${severity.toLowerCase()}`]),
        severity,
      ).toEqual(receivers);
    }
  });

  it("inhibits SEV2 and SEV3 alerts of the same area and service while a SEV1 fires", () => {
    expect(config.inhibit_rules).toEqual([
      {
        source_matchers: ['severity=~"SEV1|sev1"'],
        target_matchers: ['severity=~"SEV2|sev2|SEV3|sev3"'],
        equal: ["area", "service"],
      },
    ]);
  });

  it("references secrets as files and never writes their values", () => {
    const text = renderAlertmanager(model, "fixture", { secretsDir: "/run/secrets" });
    const receivers = parse(text).receivers as Record<string, unknown>[];
    expect(receivers.find((r) => r.name === "pd-payments")).toEqual({
      name: "pd-payments",
      pagerduty_configs: [{ routing_key_file: "/run/secrets/pd-payments", send_resolved: true }],
    });
    expect(receivers.find((r) => r.name === "hook")).toEqual({
      name: "hook",
      webhook_configs: [
        {
          url: "https://hooks.example.com/in",
          http_config: { authorization: { credentials_file: "/run/secrets/hook" } },
          send_resolved: true,
        },
      ],
    });
    expect(receivers.map((r) => r.name)).not.toContain("archive");
  });

  it("starts with a header telling how to regenerate it", () => {
    const text = renderAlertmanager(readStackFile("stacks/Pulumi.prod.yaml").config.oncall!, "prod");
    expect(text.split("\n").slice(0, 2)).toEqual([
      "# Alertmanager configuration of stack prod, generated from platform:oncall.",
      "# Do not edit: run `npm run oncall -- alertmanager --stack prod --out <file>`.",
    ]);
  });
});
