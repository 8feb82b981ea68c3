import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { resolveSlo } from "../../components/monitoring/model";
import { OBJECTIVE_PRESETS } from "../../components/monitoring/presets";
import { UserInputError } from "../../stacks/config/errors";
import { parseStackFile } from "../../stacks/config/load";

const FILE = "test/monitoring/fixtures/Pulumi.services.yaml";
const text = readFileSync(FILE, "utf8");

function problems(changed: string): string[] {
  try {
    parseStackFile(FILE, changed);
  } catch (error) {
    expect(error).toBeInstanceOf(UserInputError);
    return (error as UserInputError).problems;
  }
  throw new Error("expected the config to be rejected");
}

function replaced(from: string, to: string): string {
  expect(text).toContain(from);
  return text.replace(from, to);
}

describe("platform:services", () => {
  it("parses with tier defaults, and resolves objectives from the stage presets", () => {
    const { config } = parseStackFile(FILE, text);
    const [storefront, mailer] = config.services ?? [];
    expect(storefront).toMatchObject({
      tier: "standard",
      runbooks: "docs/runbooks",
      endpoints: [{ host: "shop.example.com", path: "/" }],
    });
    // standard tier → growth stage → web 99 %; 30-day rolling period by default.
    expect(resolveSlo(storefront, storefront.slos[0])).toEqual({
      name: "availability",
      objective: 99,
      objectiveSource: "growth preset for web",
      periodDays: 30,
      calendarMonth: false,
      runbook: "slo-burn.md",
      sli: {
        cloudMonitoring: {
          totalFilter: 'metric.type="run.googleapis.com/request_count"',
          badFilter:
            'metric.type="run.googleapis.com/request_count" AND metric.label.response_code_class="5xx"',
        },
      },
    });
    // An explicit objective overrides the preset (low tier → launch → 90 % for jobs).
    expect(resolveSlo(mailer, mailer.slos[0])).toEqual({
      name: "sends",
      objective: 97.5,
      objectiveSource: "written",
      periodDays: 7,
      calendarMonth: false,
      runbook: "slo-burn.md",
      sli: {
        prometheus: {
          errorQuery: 'sum(rate(mails_total{outcome="failed"}[{{window}}]))',
          totalQuery: "sum(rate(mails_total[{{window}}]))",
        },
      },
    });
    expect(resolveSlo(mailer, { ...mailer.slos[0], objective: undefined })).toMatchObject({
      objective: 90,
      objectiveSource: "launch preset for background-job",
    });
  });

  it("has the presets the growth stages promise", () => {
    const table = Object.fromEntries(
      Object.entries(OBJECTIVE_PRESETS).map(([stage, kinds]) => [
        stage,
        [
          kinds.web.objective,
          kinds.api.objective,
          kinds.database.objective,
          kinds["background-job"].objective,
        ],
      ]),
    );
    expect(table).toEqual({
      launch: [95, 95, 99, 90],
      growth: [99, 99, 99.5, 95],
      scale: [99.9, 99.9, 99.95, 99],
    });
  });

  it("calendar month SLOs count 30 days", () => {
    const { config } = parseStackFile(
      FILE,
      replaced("          periodDays: 7\n", "          calendarMonth: true\n"),
    );
    const mailer = config.services?.[1];
    if (!mailer) throw new Error("no mailer");
    expect(resolveSlo(mailer, mailer.slos[0])).toMatchObject({ calendarMonth: true, periodDays: 30 });
  });

  it.each([
    [
      "an unknown team",
      [
        "      team: shop\n      area: shop\n      environment: shop\n      kind: web",
        "      team: shoop\n      area: shop\n      environment: shop\n      kind: web",
      ],
      [
        `${FILE}: platform:services[0].team: expected one of the teams under platform:teams (shop), found "shoop" (line 23)`,
      ],
    ],
    [
      "an unknown environment",
      [
        "      environment: shop\n      kind: background-job",
        "      environment: warehouse\n      kind: background-job",
      ],
      [
        `${FILE}: platform:services[1].environment: expected one of the environments under platform:environments (shop), found "warehouse" (line 38)`,
      ],
    ],
    [
      "an objective of 100 %",
      ["objective: 97.5", "objective: 100"],
      [
        `${FILE}: platform:services[1].slos[0].objective: expected a number at most 99.99, found number 100 (line 43)`,
      ],
    ],
    [
      "a rolling period longer than Cloud Monitoring allows",
      ["periodDays: 7", "periodDays: 90"],
      [
        `${FILE}: platform:services[1].slos[0].periodDays: expected a number at most 30, found number 90 (line 44)`,
      ],
    ],
    [
      "both a rolling period and a calendar month",
      ["          periodDays: 7\n", "          periodDays: 7\n          calendarMonth: true\n"],
      [
        `${FILE}: platform:services[1].slos[0].periodDays: expected either periodDays or calendarMonth: true, not both, found number 7 (line 44)`,
      ],
    ],
    [
      "a Prometheus query without the window placeholder",
      ["sum(rate(mails_total[{{window}}]))", "sum(rate(mails_total[5m]))"],
      [
        `${FILE}: platform:services[1].slos[0].sli.prometheus.totalQuery: expected a PromQL query with a \`{{window}}\` placeholder, like \`sum(rate(http_requests_total[{{window}}]))\`, found "sum(rate(mails_total[5m]))" (line 48)`,
      ],
    ],
    [
      "a request SLI with both good and bad filters",
      [
        '              badFilter: metric.type="run.googleapis.com/request_count" AND',
        '              goodFilter: metric.type="x"\n              badFilter: metric.type="run.googleapis.com/request_count" AND',
      ],
      [
        `${FILE}: platform:services[0].slos[0].sli.cloudMonitoring.badFilter: expected exactly one of goodFilter and badFilter beside totalFilter, found "metric.type=\\"run.googleapis.com/request_count\\" AND metric.label.response_code..." (line 35)`,
      ],
    ],
    [
      "an unknown kind, with the allowed values",
      ["kind: background-job", "kind: cron"],
      [
        `${FILE}: platform:services[1].kind: expected one of "web", "api", "database", "background-job", found "cron" (line 39)`,
      ],
    ],
    [
      "two SLOs of one name",
      [
        "        - name: sends\n",
        '        - name: sends\n          sli: { prometheus: { errorQuery: "e[{{window}}]", totalQuery: "t[{{window}}]" } }\n        - name: sends\n',
      ],
      [
        `${FILE}: platform:services[1].slos[1].name: expected a unique SLO name within the service, found "sends" (line 44)`,
      ],
    ],
  ])("refuses %s", (_label, [from, to], expected) => {
    expect(problems(replaced(from, to))).toEqual(expected);
  });

  it("refuses services without platform:ci, whose repository the runbook links point into", () => {
    const withoutCi = text.slice(0, text.indexOf("  platform:ci:\n"));
    expect(problems(withoutCi)).toEqual([
      `${FILE}: platform:ci: expected a platform:ci section: its platformRepository is where the alerts' runbook links point, found nothing (the key is missing) (line 3)`,
    ]);
  });
});
