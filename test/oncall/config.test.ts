import { describe, expect, it } from "vitest";
import { UserInputError } from "../../stacks/config/errors";
import { parseStackFile, readStackFile } from "../../stacks/config/load";
import { type OncallConfigInput, withValidationTime } from "../../stacks/config/oncall";
import { fixtureModel, stackFileText } from "./fixture";

const FILE = "stacks/Pulumi.fixture.yaml";
const NOW = new Date("2026-03-01T00:00:00Z");

function problems(change: (model: OncallConfigInput) => void): string[] {
  const model = fixtureModel();
  change(model);
  try {
    withValidationTime(NOW, () => parseStackFile(FILE, stackFileText(model)));
  } catch (error) {
    expect(error).toBeInstanceOf(UserInputError);
    // Line numbers depend on the YAML writer: the rest of each line is the contract.
    return (error as UserInputError).problems.map((line) => line.replace(/ \(line \d+\)$/, ""));
  }
  throw new Error("expected the config to be rejected");
}

describe("platform:oncall validation", () => {
  it("accepts the fixture model and marks the secrets key secret, with nested secure values replaced", () => {
    const loaded = withValidationTime(NOW, () => parseStackFile(FILE, stackFileText(fixtureModel())));
    expect(loaded.secretKeys).toEqual(["platform:oncallSecrets"]);
    expect(loaded.config.oncallSecrets).toEqual({
      "pd-platform": "offline-plan-secret-placeholder",
      "pd-payments": "offline-plan-secret-placeholder",
      slack: "offline-plan-secret-placeholder",
      hook: "offline-plan-secret-placeholder",
    });
    expect(loaded.config.oncall?.rotations[0].lengthDays).toBe(7);
    expect(loaded.config.oncall?.escalationPolicies[1].repeat).toBe(0);
  });

  it.each(["dev", "staging", "prod"])("the bundled %s stack has a model with the required areas", (stack) => {
    const { config, secretKeys } = readStackFile(`stacks/Pulumi.${stack}.yaml`);
    expect(secretKeys).toContain("platform:oncallSecrets");
    const areas = config.oncall?.areas.map((area) => area.name) ?? [];
    expect(areas).toEqual(expect.arrayContaining(["deployment", "billing", "connectivity", "release"]));
    expect(new Set(config.oncall?.teams.map((team) => team.name))).toEqual(
      new Set(["platform", "payments", "api"]),
    );
  });

  it("names no project for the channels: every environment gets its own (an unknown key)", () => {
    expect(
      problems((m) => {
        (m as Record<string, unknown>).environment = "platform";
      }),
    ).toEqual([
      `${FILE}: platform:oncall.environment: expected no such key, found unknown key \`environment\`; known keys: people, teams, severities, areas, receivers, rotations, escalationPolicies, routes, duties, documentStart`,
    ]);
  });

  it("refuses an unknown person in a rotation", () => {
    expect(
      problems((m) => {
        m.rotations[0].layers[0].members[1] = "bob";
      }).join("\n"),
    ).toBe(
      `${FILE}: platform:oncall.rotations[0].layers[0].members[1]: expected a person under platform:oncall.people (ana, ben, cai, dee, eli), found "bob"`,
    );
  });

  it("refuses an unknown team in a rotation and a person of a team that does not exist", () => {
    expect(
      problems((m) => {
        m.rotations[1].team = "billing";
        m.people[0].team = "ops";
      }),
    ).toEqual([
      `${FILE}: platform:oncall.people[0].team: expected one of the teams under platform:teams (platform, payments), found "ops"`,
      `${FILE}: platform:oncall.rotations[1].team: expected a team under platform:oncall.teams (platform, payments), found "billing"`,
    ]);
  });

  it("refuses an area without an owner, and a missing required area", () => {
    expect(
      problems((m) => {
        delete (m.areas[1] as { owner?: string }).owner;
        m.areas.splice(3, 1);
      }),
    ).toEqual([
      `${FILE}: platform:oncall.areas[1].owner: expected a string, found nothing (the key is missing)`,
    ]);
    expect(
      problems((m) => {
        m.areas.splice(3, 1);
      }),
    ).toEqual([
      `${FILE}: platform:oncall.areas: expected an area named release (required areas: deployment, billing, connectivity, release), found a list of 3 items`,
      `${FILE}: platform:oncall.routes[2].area: expected an area under platform:oncall.areas (deployment, billing, connectivity), found "release"`,
    ]);
    expect(
      problems((m) => {
        m.areas[0].owner = "sre";
      }),
    ).toEqual([
      `${FILE}: platform:oncall.areas[0].owner: expected a team under platform:oncall.teams (platform, payments), found "sre"`,
    ]);
  });

  it("refuses a route to a missing policy and to a missing receiver", () => {
    expect(
      problems((m) => {
        m.routes[0].escalationPolicy = "ops-page";
        m.routes[1].channels[1] = "slack-ops";
      }),
    ).toEqual([
      `${FILE}: platform:oncall.routes[0].escalationPolicy: expected an escalation policy under platform:oncall.escalationPolicies (platform-page, payments-page), found "ops-page"`,
      `${FILE}: platform:oncall.routes[1].channels[1]: expected a receiver under platform:oncall.receivers (pd-platform, pd-payments, slack-platform, slack-payments, mail-payments, hook, archive), found "slack-ops"`,
    ]);
  });

  it("refuses an invalid time zone", () => {
    expect(
      problems((m) => {
        m.rotations[0].timeZone = "Europe/Berlni";
      }),
    ).toEqual([
      `${FILE}: platform:oncall.rotations[0].timeZone: expected an IANA time zone, like \`Europe/Berlin\`, found "Europe/Berlni"`,
    ]);
    expect(
      problems((m) => {
        m.teams[0].timeZone = "CET+1";
      }),
    ).toEqual([
      `${FILE}: platform:oncall.teams[0].timeZone: expected an IANA time zone, like \`Europe/Berlin\`, found "CET+1"`,
    ]);
  });

  it("refuses overlapping overrides on one layer, and accepts them on different layers", () => {
    expect(
      problems((m) => {
        m.rotations[0].overrides = [
          {
            layer: "primary",
            person: "cai",
            start: "2026-04-01T08:00:00+02:00",
            end: "2026-04-03T08:00:00+02:00",
          },
          {
            layer: "primary",
            person: "ben",
            start: "2026-04-02T08:00:00+02:00",
            end: "2026-04-04T08:00:00+02:00",
          },
          {
            layer: "secondary",
            person: "ana",
            start: "2026-04-02T08:00:00+02:00",
            end: "2026-04-04T08:00:00+02:00",
          },
        ];
      }),
    ).toEqual([
      `${FILE}: platform:oncall.rotations[0].overrides[1].start: expected an override that does not overlap overrides[0] on the primary layer, found "2026-04-02T08:00:00+02:00"`,
    ]);
  });

  it("refuses an override already past its end at the validation instant", () => {
    expect(
      problems((m) => {
        m.rotations[0].overrides = [
          { layer: "primary", person: "cai", start: "2026-02-01T08:00:00Z", end: "2026-02-28T23:59:00Z" },
        ];
      }),
    ).toEqual([
      `${FILE}: platform:oncall.rotations[0].overrides[0].end: expected an override that has not ended yet (it ended before 2026-03-01T00:00:00.000Z; remove it), found "2026-02-28T23:59:00Z"`,
    ]);
  });

  it("refuses a first escalation delay that exceeds a paging severity's response target", () => {
    expect(
      problems((m) => {
        const [first, second, third] = m.escalationPolicies[1].levels;
        [first.delayMinutes, second.delayMinutes, third.delayMinutes] = [8, 12, 20];
      }),
    ).toEqual([
      `${FILE}: platform:oncall.routes[3].escalationPolicy: expected a policy whose first level starts within the SEV1 response target (5 min), not after 8 min (payments-page), found "payments-page"`,
    ]);
  });

  it("refuses a rotation whose start is not on the handoff weekday", () => {
    expect(
      problems((m) => {
        m.rotations[0].start = "2026-01-06";
      }),
    ).toEqual([
      `${FILE}: platform:oncall.rotations[0].start: expected a monday (the handoff weekday), not a tuesday, found "2026-01-06"`,
    ]);
  });

  it("refuses a receiver whose secret is not set, without quoting any secret value", () => {
    const model = fixtureModel();
    let lines: string[] = [];
    try {
      parseStackFile(FILE, stackFileText(model, { "pd-platform": "x", slack: "y", hook: "z" }));
    } catch (error) {
      lines = (error as UserInputError).problems.map((line) => line.replace(/ \(line \d+\)$/, ""));
    }
    expect(lines).toEqual([
      `${FILE}: platform:oncall.receivers[1].serviceKey.secret: expected an entry of platform:oncallSecrets (pd-platform, slack, hook), found "pd-payments"`,
    ]);
  });
});
