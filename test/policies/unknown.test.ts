/**
 * Values unknown at preview: a resource rule defers them (no report at Analyze); the
 * unknown-values-recheck stack policy judges them with the engine's property dependencies.
 */
import { describe, expect, it } from "vitest";
import { buildPolicies, type PackState } from "../../policies/lib/pack";
import {
  clearDeferrals,
  deferrableUnknown,
  deferredEvaluations,
  hiddenUnknownMessage,
} from "../../policies/lib/unknown";
import { type FakeResource, ruleNamed, runResource, runStack, UNKNOWN, urnOf } from "./harness";

const state: PackState = {
  register: () => ({ register: { exemptions: [] } }),
  today: () => "2026-11-23",
};
const prodConfig = { stack: "prod", failClosedOnUnknown: true };
const networkUrn = urnOf("gcp:compute/network:Network", "vpc");
const network: FakeResource = { type: "gcp:compute/network:Network", name: "vpc" };
const sqlInstance = {
  type: "gcp:sql/databaseInstance:DatabaseInstance",
  name: "db",
  props: { settings: { ipConfiguration: { ipv4Enabled: UNKNOWN, sslMode: "ENCRYPTED_ONLY" } } },
};
const sqlUrn = urnOf(sqlInstance.type, "db");

/** Analyze (per resource, as at preview), then AnalyzeStack with the recheck over `stack`. */
function previewThenStack(
  policyName: string,
  resource: FakeResource,
  stack: FakeResource[],
  config: Record<string, unknown> = prodConfig,
) {
  clearDeferrals();
  const policies = buildPolicies(state);
  const atAnalyze = runResource(ruleNamed(policies, policyName), resource, config);
  const deferred = [...(deferredEvaluations().get(policyName) ?? [])];
  const recheck = runStack(ruleNamed(policies, "unknown-values-recheck"), stack, config);
  clearDeferrals();
  return { atAnalyze, deferred, recheck };
}

describe("unknown values at preview", () => {
  it("a resource rule reports nothing at Analyze and records the deferral (no SDK advisory either)", () => {
    const { atAnalyze, deferred } = previewThenStack("sql-no-public-ip", sqlInstance, []);
    expect(atAnalyze.messages).toEqual([]);
    expect(atAnalyze.error).toBeUndefined();
    expect(deferred).toEqual([sqlUrn]);
  });

  it("waits for up when the unknown property was built from a resource of the stack", () => {
    const computed = { ...sqlInstance, propertyDependencies: { settings: [networkUrn] } };
    const { recheck } = previewThenStack("sql-no-public-ip", computed, [network, computed]);
    expect(recheck.violations).toEqual([]);
  });

  it("fails closed, for a security rule on a fail-closed stack, when no resource of the stack computes it", () => {
    const { recheck } = previewThenStack("sql-no-public-ip", sqlInstance, [network, sqlInstance]);
    expect(recheck.violations).toEqual([
      {
        message:
          "[sql-no-public-ip] .settings.ipConfiguration.ipv4Enabled: value unknown at preview and computed by no resource of this stack (it has no property dependency); only a program hiding the value leaves it unknown, so it fails closed (failClosedOnUnknown is set for this stack).",
        urn: sqlUrn,
      },
    ]);
  });

  it("does not fail closed where the stack does not ask for it, nor for non-security rules", () => {
    expect(
      previewThenStack("sql-no-public-ip", sqlInstance, [sqlInstance], {
        stack: "dev",
        failClosedOnUnknown: false,
      }).recheck.violations,
    ).toEqual([]);
    const alert = {
      type: "gcp:monitoring/alertPolicy:AlertPolicy",
      name: "alert",
      props: { notificationChannels: UNKNOWN },
    };
    const { atAnalyze, deferred, recheck } = previewThenStack("alert-policy-has-routes", alert, [alert]);
    expect(atAnalyze.messages).toEqual([]);
    expect(deferred).toEqual([urnOf(alert.type, "alert")]);
    expect(recheck.violations).toEqual([]);
  });

  it("on up, judges the deferred rule on the known value and reports its own violation", () => {
    const known = {
      ...sqlInstance,
      props: { settings: { ipConfiguration: { ipv4Enabled: true, sslMode: "ENCRYPTED_ONLY" } } },
    };
    expect(previewThenStack("sql-no-public-ip", sqlInstance, [known]).recheck.violations).toEqual([
      {
        message:
          "[sql-no-public-ip] settings.ipConfiguration.ipv4Enabled is not false: the instance gets a public IP address.",
        urn: sqlUrn,
      },
    ]);
    const fixed = {
      ...sqlInstance,
      props: { settings: { ipConfiguration: { ipv4Enabled: false, sslMode: "ENCRYPTED_ONLY" } } },
    };
    expect(previewThenStack("sql-no-public-ip", sqlInstance, [fixed]).recheck.violations).toEqual([]);
  });

  it("an unknown IAM member computed by a new service account waits; a hidden one fails closed", () => {
    const accountUrn = urnOf("gcp:serviceaccount/account:Account", "sa");
    const account: FakeResource = { type: "gcp:serviceaccount/account:Account", name: "sa" };
    const grant = {
      type: "gcp:storage/bucketIAMMember:BucketIAMMember",
      name: "grant",
      props: { bucket: "b", role: "roles/storage.objectViewer", member: UNKNOWN },
    };
    const computed = { ...grant, propertyDependencies: { member: [accountUrn] } };
    expect(
      previewThenStack("iam-no-public-members", computed, [account, computed]).recheck.violations,
    ).toEqual([]);
    expect(previewThenStack("iam-no-public-members", grant, [account, grant]).recheck.violations).toEqual([
      {
        message: `[iam-no-public-members] ${hiddenUnknownMessage("member")}`,
        urn: urnOf(grant.type, "grant"),
      },
    ]);
  });

  it("judges a path by its top-level property", () => {
    const resource = { propertyDependencies: { bindings: [{ urn: "u" }], members: [] } };
    expect(deferrableUnknown(resource, "bindings[0].members")).toBe(true);
    expect(deferrableUnknown(resource, "bindings.0.members")).toBe(true);
    expect(deferrableUnknown(resource, "members[1]")).toBe(false);
    expect(deferrableUnknown({}, "member")).toBe(false);
  });
});
