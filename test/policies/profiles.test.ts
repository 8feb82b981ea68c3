/** The per-stack policy configs: complete, valid for the engine, and stricter towards prod, rule by rule. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { catalog, STACKS, type StackName } from "../../policies/profiles";
import { EXPECTED_LEVELS, EXPECTED_RULES } from "./expected-rules";

type Level = "disabled" | "advisory" | "mandatory" | "remediate";
const RANK: Record<Level, number> = { disabled: 0, advisory: 1, mandatory: 2, remediate: 2 };

type ConfigFile = Record<string, string | ({ enforcementLevel?: Level } & Record<string, unknown>)>;

function load(stack: StackName): ConfigFile {
  return JSON.parse(readFileSync(join(__dirname, "../../policies/config", `${stack}.json`), "utf8"));
}

/** The level the engine ends up with for a policy: per-policy entry, then `all`, then the pack default. */
function levelIn(config: ConfigFile, policy: string, packDefault: Level): Level {
  const entry = config[policy];
  if (typeof entry === "string") return entry as Level;
  if (entry?.enforcementLevel) return entry.enforcementLevel;
  const all = config.all;
  if (typeof all === "string") return all as Level;
  if (all && typeof all === "object" && all.enforcementLevel) return all.enforcementLevel;
  return packDefault;
}

const rules = catalog();
const configs = Object.fromEntries(STACKS.map((stack) => [stack, load(stack)])) as Record<
  StackName,
  ConfigFile
>;

describe("policy profiles", () => {
  it("the pack has exactly the hand-written rules, each of the expected kind, area and severity", () => {
    const actual = Object.fromEntries(
      rules.map((rule) => [rule.name, [rule.kind, rule.meta.category, rule.severity]]),
    );
    expect(actual).toEqual(EXPECTED_RULES);
  });

  it("gives each rule, on each stack, the level its area calls for", () => {
    for (const [name, [, area]] of Object.entries(EXPECTED_RULES)) {
      const levels = STACKS.map((stack) => levelIn(configs[stack], name, "disabled"));
      expect(levels, name).toEqual(EXPECTED_LEVELS[area]);
    }
  });

  it.each([
    ["staging", "dev"],
    ["prod", "staging"],
  ] as const)("%s is at least as strict as %s, rule by rule", (stricter, looser) => {
    const weaker = rules
      .filter(
        (rule) =>
          RANK[levelIn(configs[stricter], rule.name, rule.enforcementLevel as Level)] <
          RANK[levelIn(configs[looser], rule.name, rule.enforcementLevel as Level)],
      )
      .map((rule) => rule.name);
    expect(weaker).toEqual([]);
    for (const rule of rules) {
      const strictEntry = configs[stricter][rule.name] as Record<string, unknown>;
      const looseEntry = configs[looser][rule.name] as Record<string, unknown>;
      if (looseEntry.failClosedOnUnknown === true)
        expect(strictEntry.failClosedOnUnknown, rule.name).toBe(true);
      if (looseEntry.requireDigests === true) expect(strictEntry.requireDigests, rule.name).toBe(true);
    }
  });

  it("makes every security rule mandatory on every stack", () => {
    for (const stack of STACKS) {
      const notMandatory = rules
        .filter((rule) => rule.meta.category === "security")
        .filter((rule) => RANK[levelIn(configs[stack], rule.name, rule.enforcementLevel as Level)] < 2)
        .map((rule) => rule.name);
      expect(notMandatory, stack).toEqual([]);
    }
  });

  it("keeps reliability and cost rules advisory in dev and mandatory in prod", () => {
    for (const rule of rules.filter((r) => r.meta.category === "reliability" || r.meta.category === "cost")) {
      expect(levelIn(configs.dev, rule.name, "mandatory"), rule.name).toBe("advisory");
      expect(levelIn(configs.prod, rule.name, "advisory"), rule.name).toBe("mandatory");
    }
  });

  it("lists every policy with its stack name, and only prod fails closed on unknowns", () => {
    for (const stack of STACKS) {
      expect(Object.keys(configs[stack]).sort()).toEqual(Object.keys(EXPECTED_RULES).sort());
      for (const entry of Object.values(configs[stack])) {
        expect(entry).toMatchObject({ stack, failClosedOnUnknown: stack === "prod" });
      }
    }
  });

  it("sets only properties each policy's schema declares, with values of the declared type", () => {
    for (const stack of STACKS) {
      for (const rule of rules) {
        const {
          enforcementLevel: _level,
          stack: _stack,
          failClosedOnUnknown: _fail,
          ...settings
        } = configs[stack][rule.name] as Record<string, unknown>;
        for (const [key, value] of Object.entries(settings)) {
          const declared = Object.keys(rule.configSchema?.properties ?? {});
          expect(declared, `${stack}: ${rule.name}.${key}`).toContain(key);
          const property = rule.configSchema?.properties[key];
          const type = Array.isArray(value) ? "array" : typeof value === "number" ? "integer" : typeof value;
          expect(type, `${stack}: ${rule.name}.${key}`).toBe(property?.type);
        }
      }
    }
  });

  it("sets exactly the organisation's settings, and the stricter ones towards prod", () => {
    const shared = {
      "iam-allowed-member-domains": {
        allowedDomains: ["example.com"],
        allowedServiceAccountProjectPrefixes: ["acme-"],
      },
      "allowed-locations": { allowedLocations: ["europe-west1", "europe-west4", "eu"] },
      "required-labels": { requiredLabels: ["team", "environment", "cost-center"] },
      "k8s-no-cluster-admin-bindings": { platformGroups: ["platform-admins@example.com"] },
      "iam-no-escalation-grants": { platformRepositoryIds: ["612345678"] },
    };
    const expected: Record<StackName, Record<string, Record<string, unknown>>> = {
      dev: {
        ...shared,
        "k8s-pinned-images": { requireDigests: false },
        "log-retention-minimum": { minRetentionDays: 30 },
      },
      staging: {
        ...shared,
        "k8s-pinned-images": { requireDigests: false },
        "log-retention-minimum": { minRetentionDays: 90 },
      },
      prod: {
        ...shared,
        "k8s-pinned-images": { requireDigests: true },
        "log-retention-minimum": { minRetentionDays: 400 },
      },
    };
    for (const stack of STACKS) {
      const settings = Object.fromEntries(
        Object.entries(configs[stack])
          .map(([name, entry]) => {
            const {
              enforcementLevel: _level,
              stack: _stack,
              failClosedOnUnknown: _fail,
              ...rest
            } = entry as Record<string, unknown>;
            return [name, rest] as const;
          })
          .filter(([, rest]) => Object.keys(rest).length > 0),
      );
      expect(settings, stack).toEqual(expected[stack]);
    }
  });
});
