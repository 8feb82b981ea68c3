/**
 * Every resource rule, called directly with a passing and a failing fixture.
 * A guard at the end fails when a rule is added without fixtures here.
 */
import { describe, expect, it } from "vitest";
import { googleServiceAccountProblem } from "../../policies/lib/iam";
import type { PlatformRule } from "../../policies/lib/rule";
import { catalog } from "../../policies/profiles";
import { bucket, cases, dev, pod, prod } from "./cases";
import { ruleNamed, runResource } from "./harness";

const rules = catalog();

describe("resource rules: passing and failing fixtures", () => {
  it.each(cases)("$rule", ({ rule: name, pass, fail, expect: patterns, config, violations }) => {
    const rule = ruleNamed(rules, name);
    const passed = runResource(rule, pass, config);
    expect(passed.error).toBeUndefined();
    expect(passed.messages).toEqual([]);
    const failed = runResource(rule, fail, config);
    expect(failed.error).toBeUndefined();
    if (violations) expect([...failed.messages].sort()).toEqual([...violations].sort());
    // Otherwise exactly these violations, in order: one message per expected pattern and nothing
    // else, so a check that reports the wrong reason (or one reason too many) fails here.
    else
      expect(failed.messages).toEqual(
        patterns.map((pattern) => (typeof pattern === "string" ? pattern : expect.stringMatching(pattern))),
      );
  });

  it("has fixtures for every resource rule in the pack", () => {
    const covered = new Set(cases.map((c) => c.rule));
    const missing = rules
      .filter((r: PlatformRule) => r.kind === "resource" && !covered.has(r.name))
      .map((r) => r.name);
    expect(missing).toEqual([]);
  });

  it("applies prod-only rules only on prod", () => {
    expect(runResource(ruleNamed(rules, "storage-versioning-in-prod"), bucket({}), dev).messages).toEqual([]);
    expect(
      runResource(ruleNamed(rules, "prod-stateful-protected"), bucket({}), { stack: "staging" }).messages,
    ).toEqual([]);
  });

  it("treats an unconfigured run as prod (secure default)", () => {
    expect(
      runResource(ruleNamed(rules, "kms-key-protected-in-prod"), {
        type: "gcp:kms/cryptoKey:CryptoKey",
        props: {},
      }).messages,
    ).toEqual(["the key is not protected: deleting it makes everything encrypted with it unreadable."]);
  });

  it("requires digests when requireDigests is set (the prod profile)", () => {
    const outcome = runResource(ruleNamed(rules, "k8s-pinned-images"), pod({ image: "nginx:1.27" }), prod);
    expect(outcome.messages).toEqual([
      "spec.template.spec.containers[0] (app) image nginx:1.27 is not pinned by digest (@sha256:...).",
    ]);
  });

  it("reports a policyData document it cannot parse rather than passing it", () => {
    const outcome = runResource(ruleNamed(rules, "iam-no-public-members"), {
      type: "gcp:storage/bucketIAMPolicy:BucketIAMPolicy",
      props: { policyData: "{not json" },
    });
    expect(outcome.messages).toEqual([
      "policyData is not valid JSON: expected a string at offset 1, so its grants cannot be checked",
    ]);
  });

  it("ignores resource types a rule does not cover", () => {
    expect(runResource(ruleNamed(rules, "gke-private-nodes"), bucket({})).messages).toEqual([]);
  });

  it("allows Google service agents and the organisation's projects' accounts, and nothing else under gserviceaccount.com", () => {
    const allowed = (email: string) => googleServiceAccountProblem(email, ["acme-"]) === undefined;
    expect(allowed("deploy-platform@acme-platform-prod.iam.gserviceaccount.com")).toBe(true);
    expect(allowed("service-42@gcp-sa-artifactregistry.iam.gserviceaccount.com")).toBe(true);
    expect(allowed("service-42@container-engine-robot.iam.gserviceaccount.com")).toBe(true);
    expect(allowed("42@cloudservices.gserviceaccount.com")).toBe(true);
    // Anyone can name an account service-<digits> in their own project.
    expect(allowed("service-42@evil-project.iam.gserviceaccount.com")).toBe(false);
    expect(allowed("x@acmeish.iam.gserviceaccount.com")).toBe(false);
    expect(allowed("x@other.gserviceaccount.com")).toBe(false);
    expect(googleServiceAccountProblem("x@acme-a.iam.gserviceaccount.com", [])).toBe(
      "belongs to project acme-a, whose id does not start with an allowed prefix (none configured)",
    );
  });
});
