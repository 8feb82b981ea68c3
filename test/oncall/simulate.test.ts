import { describe, expect, it } from "vitest";
import { checkInstants, checkModel, offsetChanges } from "../../components/oncall/checks";
import { onDuty, shiftBounds } from "../../components/oncall/rotation";
import { whoIsNotified } from "../../components/oncall/simulate";
import { readStackFile } from "../../stacks/config/load";
import { parsedModel } from "./fixture";

const model = parsedModel();
const rotation = (name: string) => model.rotations.find((r) => r.name === name)!;

describe("rotations across time zones and DST", () => {
  // platform: Berlin, Monday 10:00 handoffs from 2026-01-05, primaries ana, ben, cai.
  // Berlin moves to CEST on 2026-03-29: the 2026-03-30 handoff is at 08:00Z, not 09:00Z.
  it("hands off at 10:00 Berlin time after the DST change", () => {
    expect(onDuty(model, rotation("platform"), "primary", new Date("2026-03-30T07:59:00Z"))).toBe("cai");
    expect(onDuty(model, rotation("platform"), "primary", new Date("2026-03-30T08:00:00Z"))).toBe("ana");
    expect(onDuty(model, rotation("platform"), "primary", new Date("2026-03-23T08:59:00Z"))).toBe("ben");
    expect(onDuty(model, rotation("platform"), "primary", new Date("2026-03-23T09:00:00Z"))).toBe("cai");
    expect(shiftBounds(rotation("platform"), new Date("2026-03-25T12:00:00Z"))).toEqual({
      start: new Date("2026-03-23T09:00:00Z"),
      end: new Date("2026-03-30T08:00:00Z"),
      shift: 11,
    });
  });

  // payments: New York, Wednesday 09:00 from 2026-01-07; EDT from 2026-03-08.
  it("hands off at 09:00 New York time on both sides of the US DST change", () => {
    expect(onDuty(model, rotation("payments"), "primary", new Date("2026-03-04T13:59:00Z"))).toBe("eli");
    expect(onDuty(model, rotation("payments"), "primary", new Date("2026-03-04T14:00:00Z"))).toBe("dee");
    expect(onDuty(model, rotation("payments"), "primary", new Date("2026-03-11T12:59:00Z"))).toBe("dee");
    expect(onDuty(model, rotation("payments"), "primary", new Date("2026-03-11T13:00:00Z"))).toBe("eli");
  });

  it("keeps a working-hours-only layer off duty outside the team's hours, in the team's zone", () => {
    // Wednesday 2026-03-11: 08:00 EDT is 12:00Z; 17:00 EDT is 21:00Z.
    expect(
      onDuty(model, rotation("payments"), "secondary", new Date("2026-03-11T11:59:00Z")),
    ).toBeUndefined();
    expect(onDuty(model, rotation("payments"), "secondary", new Date("2026-03-11T13:30:00Z"))).toBe("dee");
    expect(
      onDuty(model, rotation("payments"), "secondary", new Date("2026-03-11T21:00:00Z")),
    ).toBeUndefined();
  });

  it("lets an override win inside its window only", () => {
    const overridden = parsedModel((m) => {
      m.rotations[0].overrides = [
        {
          layer: "primary",
          person: "ben",
          start: "2026-03-24T00:00:00+01:00",
          end: "2026-03-25T00:00:00+01:00",
        },
      ];
    });
    const platform = overridden.rotations[0];
    expect(onDuty(overridden, platform, "primary", new Date("2026-03-23T22:59:00Z"))).toBe("cai");
    expect(onDuty(overridden, platform, "primary", new Date("2026-03-23T23:00:00Z"))).toBe("ben");
    expect(onDuty(overridden, platform, "primary", new Date("2026-03-24T23:00:00Z"))).toBe("cai");
  });

  it("finds DST changes to the minute", () => {
    expect(
      offsetChanges("Europe/Berlin", new Date("2026-03-01T00:00:00Z"), new Date("2026-11-01T00:00:00Z")),
    ).toEqual([new Date("2026-03-29T01:00:00Z"), new Date("2026-10-25T01:00:00Z")]);
    expect(
      offsetChanges("America/New_York", new Date("2026-03-01T00:00:00Z"), new Date("2026-04-01T00:00:00Z")),
    ).toEqual([new Date("2026-03-08T07:00:00Z")]);
  });

  it("checks handoffs and the minute before them besides the 15-minute grid", () => {
    const instants = checkInstants(model, new Date("2026-03-01T00:00:00Z"), 1).map((d) => d.toISOString());
    // A week of the 15-minute grid (7 × 96), plus the minute before each of the week's two handoffs;
    // no DST change falls in 2026-03-01..08 for the fixture's zones.
    expect(instants).toHaveLength(7 * 96 + 2);
    expect(instants[0]).toBe("2026-03-01T00:00:00.000Z");
    expect(instants.at(-1)).toBe("2026-03-07T23:45:00.000Z");
    expect(instants).toContain("2026-03-02T09:00:00.000Z");
    expect(instants).toContain("2026-03-02T08:59:00.000Z");
    expect(instants).toContain("2026-03-04T13:59:00.000Z");
    expect(instants.filter((i) => !i.endsWith(":00:00.000Z") && !/:(15|30|45):00\.000Z$/.test(i))).toEqual([
      "2026-03-02T08:59:00.000Z",
      "2026-03-04T13:59:00.000Z",
    ]);
  });
});

describe("who is notified", () => {
  it("pages the payments primary, then the secondary in working hours, then the team by mail", () => {
    expect(whoIsNotified(model, "billing", "SEV1", new Date("2026-03-11T13:30:00Z"))).toEqual({
      area: "billing",
      severity: "SEV1",
      at: "2026-03-11T13:30:00.000Z",
      owner: "payments",
      mode: "page",
      quietHours: false,
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

  it("lowers a SEV2 to chat in quiet hours (Saturday in New York) and still pages a SEV1", () => {
    const saturday = new Date("2026-03-14T15:00:00Z");
    const sev2 = whoIsNotified(model, "billing", "SEV2", saturday);
    expect(sev2.mode).toBe("chat");
    expect(sev2.quietHours).toBe(true);
    expect(sev2.notifications.map((n) => n.channel)).toEqual(["slack-payments", "mail-payments", "hook"]);
    const sev1 = whoIsNotified(model, "billing", "SEV1", saturday);
    expect(sev1.quietHours).toBe(false);
    expect(sev1.notifications.filter((n) => n.level > 0)).toEqual([
      { minute: 0, level: 1, target: "payments primary", person: "eli", channel: "pd-payments" },
      { minute: 5, level: 2, target: "payments secondary", person: null, channel: "pd-payments" },
      { minute: 15, level: 3, target: "team payments", person: "dee", channel: "mail-payments" },
      { minute: 15, level: 3, target: "team payments", person: "eli", channel: "mail-payments" },
    ]);
  });

  it("follows the rotation across a handoff during the escalation, and repeats the policy", () => {
    // 07:59Z on 2026-03-30 is 09:59 CEST: cai is primary for one more minute, the next shift starts at 08:00Z.
    const result = whoIsNotified(model, "deployment", "SEV1", new Date("2026-03-30T07:59:00Z"));
    expect(result.notifications).toEqual([
      { minute: 0, level: 0, target: "Slack #platform", person: null, channel: "slack-platform" },
      { minute: 0, level: 0, target: "projects/acme-ops/topics/alerts", person: null, channel: "archive" },
      { minute: 0, level: 1, target: "platform primary", person: "cai", channel: "pd-platform" },
      { minute: 10, level: 2, target: "platform secondary", person: "ben", channel: "pd-platform" },
      { minute: 40, level: 3, target: "platform primary", person: "ana", channel: "pd-platform" },
      { minute: 50, level: 4, target: "platform secondary", person: "ben", channel: "pd-platform" },
    ]);
  });

  it("notifies a SEV3 in chat only and a SEV4 by ticket only, whatever the hour", () => {
    const tuesdayNoon = new Date("2026-03-10T16:00:00Z");
    expect(whoIsNotified(model, "billing", "SEV3", tuesdayNoon).notifications.map((n) => n.channel)).toEqual([
      "slack-payments",
      "mail-payments",
      "hook",
    ]);
    expect(whoIsNotified(model, "billing", "SEV4", tuesdayNoon).notifications.map((n) => n.channel)).toEqual([
      "mail-payments",
    ]);
  });
});

describe("checks", () => {
  const NOW = new Date("2026-03-01T00:00:00Z");

  it("finds no gap in the fixture model", () => {
    expect(checkModel(model, NOW)).toEqual([]);
  });

  it.each(["dev", "staging", "prod"])("finds no gap in the bundled %s stack", (stack) => {
    const oncall = readStackFile(`stacks/Pulumi.${stack}.yaml`).config.oncall!;
    expect(checkModel(oncall, new Date("2026-11-28T00:00:00Z"))).toEqual([]);
  });

  it("names an (area, severity) without a route", () => {
    const broken = parsedModel((m) => {
      m.routes[3].severities = ["SEV1", "SEV2", "SEV3"];
    });
    expect(checkModel(broken, NOW)).toEqual([{ kind: "unrouted", message: "billing SEV4: no route" }]);
  });

  it("names an uncovered rotation hour and the SEV1 path it makes too slow", () => {
    const broken = parsedModel((m) => {
      m.rotations[1].layers[0].workingHoursOnly = true;
    });
    expect(checkModel(broken, NOW)).toEqual([
      {
        kind: "uncovered-rotation",
        message:
          "rotation payments: nobody on duty at 2026-03-01T00:00:00Z, the first uncovered instant of the next 8 weeks",
      },
      {
        kind: "sev1-too-slow",
        message:
          "billing SEV1 at 2026-03-01T00:00:00Z: first reaches a person after 15 min, over the 5-minute response target",
      },
    ]);
  });

  it("names an escalation that ends in chat only", () => {
    const broken = parsedModel((m) => {
      m.escalationPolicies[1].levels[2].channel = "hook";
    });
    expect(checkModel(broken, NOW)).toEqual([
      {
        kind: "chat-only-escalation",
        message:
          "escalation policy payments-page: its last level notifies through hook (webhook), which reaches no person directly",
      },
    ]);
  });

  it("names an expired override", () => {
    const broken = parsedModel((m) => {
      m.rotations[0].overrides = [
        { layer: "primary", person: "cai", start: "2026-02-10T00:00:00Z", end: "2026-02-20T00:00:00Z" },
      ];
    });
    expect(checkModel(broken, NOW)).toEqual([
      {
        kind: "expired-override",
        message: "rotation platform: the primary override for cai ended at 2026-02-20T00:00:00Z",
      },
    ]);
  });

  it("names a person primary on two rotations at once, from the first such instant", () => {
    // ana is platform primary from the 2026-03-09 10:00 CET handoff (09:00Z).
    const broken = parsedModel((m) => {
      m.rotations[1].layers[0].members = ["ana"];
    });
    expect(checkModel(broken, NOW)).toEqual([
      {
        kind: "double-primary",
        message: "ana is primary on platform and payments at the same time, from 2026-03-09T09:00:00Z",
      },
    ]);
  });

  it("names a SEV1 path whose first level starts after the response target at some instants only", () => {
    // The primary only covers working hours; the 24/7 secondary is paged at minute 10 (> 5).
    const broken = parsedModel((m) => {
      m.rotations[0].layers[0].workingHoursOnly = true;
    });
    expect(checkModel(broken, NOW).filter((gap) => gap.kind === "sev1-too-slow")).toEqual([
      {
        kind: "sev1-too-slow",
        message:
          "deployment SEV1 at 2026-03-01T00:00:00Z: first reaches a person after 10 min, over the 5-minute response target",
      },
      {
        kind: "sev1-too-slow",
        message:
          "connectivity SEV1 at 2026-03-01T00:00:00Z: first reaches a person after 10 min, over the 5-minute response target",
      },
      {
        kind: "sev1-too-slow",
        message:
          "release SEV1 at 2026-03-01T00:00:00Z: first reaches a person after 10 min, over the 5-minute response target",
      },
    ]);
  });
});
