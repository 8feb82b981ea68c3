/**
 * What keeps the real pack fast over the protocol: single-type rules carry the SDK's type tag
 * through the pack's wrapper (so the SDK skips them for other types before deserializing), the
 * wrapper's shortcuts answer as before, and the realistic throughput measurement runs end to end.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { describe, expect, it } from "vitest";
import { loadExemptions } from "../../policies/exemptions";
import { buildPolicies, type PackState } from "../../policies/lib/pack";
import type { PlatformResourceRule } from "../../policies/lib/rule";
import { platformResourceAndStackRules } from "../../policies/rules/index";
import { measurePolicyThroughput } from "../../tools/analyzer/bench";
import { generateOrganization } from "../../tools/bench/generate-org";

// The SDK's own reading of the tag (policy.js getPulumiType), loaded untyped as it is internal.
const { getPulumiType } = require("@pulumi/policy/policy") as {
  getPulumiType: (value: unknown) => string | undefined;
};

const root = path.join(__dirname, "../..");
const state: PackState = { register: () => ({ register: { exemptions: [] } }), today: () => "2026-11-23" };
const resourceRules = platformResourceAndStackRules().filter(
  (rule): rule is PlatformResourceRule => rule.kind === "resource",
);
const resourcePolicies = buildPolicies(state).filter(
  (policy): policy is ResourceValidationPolicy => "validateResource" in policy,
);

/** SDK-like args: getConfig hands out a fresh shallow copy of the same config on every call. */
function argsFor(type: string, name: string, props: object, config: Record<string, unknown>) {
  return {
    type,
    name,
    urn: `urn:pulumi:dev::platform::${type}::${name}`,
    props,
    opts: { protect: false, ignoreChanges: [], aliases: [], customTimeouts: {}, additionalSecretOutputs: [] },
    stackTags: new Map(),
    isType: () => false,
    asType: () => undefined,
    getConfig: () => ({ ...config }),
    notApplicable: () => {
      throw new Error("not applicable");
    },
  } as unknown as ResourceValidationArgs;
}

function run(policy: ResourceValidationPolicy, args: ResourceValidationArgs): string[] {
  const messages: string[] = [];
  const validate = policy.validateResource;
  if (typeof validate !== "function") throw new Error(`${policy.name} has no single validateResource`);
  validate(args, (message) => messages.push(String(message)));
  return messages;
}

describe("type tags", () => {
  it("tags every single-type rule, in the SDK's form, through the pack's wrapper", () => {
    const tagged = resourceRules.filter((rule) => rule.pulumiType !== undefined);
    // 29 of the resource rules match one type (firewall-no-world-ingress covers seven since it
    // also reads firewall policy rules and the *WithRules types; sql-no-public-ip also reads AlloyDB);
    // alert-policy-has-severity, -has-documentation and -auto-closes are three of them.
    expect(tagged.length).toBe(29);
    expect(
      resourceRules.find((rule) => rule.name === "firewall-no-world-ingress")?.pulumiType,
    ).toBeUndefined();
    for (const rule of resourceRules) {
      const policy = resourcePolicies.find((candidate) => candidate.name === rule.name)!;
      expect(getPulumiType(policy.validateResource), rule.name).toBe(rule.pulumiType);
      expect(getPulumiType(rule.validateResource), rule.name).toBe(rule.pulumiType);
      if (rule.pulumiType) {
        expect(rule.appliesTo(rule.pulumiType)).toBe(true);
        expect(rule.appliesTo(`${rule.pulumiType}x`)).toBe(false);
      }
    }
  });

  it("leaves multi-type rules untagged (one tag names one type)", () => {
    const names = resourceRules.filter((rule) => rule.pulumiType === undefined).map((rule) => rule.name);
    expect(names).toEqual(
      expect.arrayContaining(["iam-no-public-members", "vm-no-external-ip", "required-labels"]),
    );
  });
});

describe("the pack's wrapper", () => {
  const labels = resourcePolicies.find((policy) => policy.name === "required-labels")!;
  const bucket = "gcp:storage/bucket:Bucket";

  it("follows config changes between calls although defaults are remembered", () => {
    const props = { labels: { team: "a" } };
    expect(run(labels, argsFor(bucket, "b", props, { requiredLabels: ["team"] }))).toEqual([]);
    expect(run(labels, argsFor(bucket, "b", props, { requiredLabels: ["team", "owner"] }))).toHaveLength(1);
    expect(run(labels, argsFor(bucket, "b", props, { requiredLabels: ["team"] }))).toEqual([]);
    expect(run(labels, argsFor(bucket, "b", { labels: {} }, {}))).toHaveLength(1);
  });

  it("honours exemptions by stack, policy, resource and expiry", () => {
    const register = loadExemptions(
      "exemptions.yaml",
      [
        "exemptions:",
        ...["2027-01-01", "2026-01-01"].map((expires, index) =>
          [
            "  - policy: required-labels",
            `    resource: "${index === 0 ? "legacy-*" : "old-*"}"`,
            "    stacks: [dev]",
            "    owner: platform-team@example.com",
            "    reason: Legacy buckets keep their labels until the migration.",
            "    ticket: PLAT-9",
            `    expires: "${expires}"`,
          ].join("\n"),
        ),
      ].join("\n"),
    );
    const withRegister = buildPolicies({ register: () => ({ register }), today: () => "2026-11-23" });
    const policy = withRegister.find(
      (candidate) => candidate.name === "required-labels",
    ) as ResourceValidationPolicy;
    const unlabelled = (name: string, stack?: string) =>
      run(policy, argsFor(bucket, name, { labels: {} }, stack ? { stack } : {}));
    expect(unlabelled("legacy-1", "dev")).toEqual([]);
    expect(unlabelled("legacy-1", "prod")).toHaveLength(1);
    expect(unlabelled("legacy-1")).toHaveLength(1);
    expect(unlabelled("old-1", "dev")).toHaveLength(1);
    expect(unlabelled("new-1", "dev")).toHaveLength(1);
  });
});

describe("measurePolicyThroughput", () => {
  it("times the real pack over a planned generated organization, start-up apart", async () => {
    const { planStack } = await import("../../tools/plan/plan");
    const stackFile = path.join(mkdtempSync(path.join(tmpdir(), "throughput-")), "Pulumi.gen.yaml");
    writeFileSync(stackFile, generateOrganization(2));
    const resources = (await planStack({ stack: "gen", stackFile })).result.resources;
    const result = await measurePolicyThroughput({
      resources,
      packDir: path.join(root, "policies"),
      configFile: path.join(root, "policies/config/prod.json"),
      stack: "gen",
    });
    expect(result.resources).toBe(resources.length);
    expect(resources.length).toBeGreaterThan(60);
    // Durations of a real run: only that each was measured (non-zero) is known.
    expect(result.startMs).toBeGreaterThan(0);
    expect(result.analyzeMs).toBeGreaterThan(0);
    expect(result.analyzeStackMs).toBeGreaterThan(0);
    expect(result.perSecond).toBeCloseTo(
      resources.length / ((result.analyzeMs + result.analyzeStackMs) / 1000),
      6,
    );
    expect(result.violations).toBeGreaterThan(0);
  }, 60_000);
});
