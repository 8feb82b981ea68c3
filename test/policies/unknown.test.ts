/** Unknown values: the SDK's advisory downgrade by default, fail-closed for security rules when configured, recheck. */
import { describe, expect, it } from "vitest";
import { buildPolicies, type PackState } from "../../policies/lib/pack";
import { clearDeferrals, deferredEvaluations, unknownPathOf } from "../../policies/lib/unknown";
import { catalog } from "../../policies/profiles";
import { ruleNamed, runResource, runStack, UNKNOWN, urnOf } from "./harness";

const rules = catalog();
const sqlInstance = {
  type: "gcp:sql/databaseInstance:DatabaseInstance",
  name: "db",
  props: { settings: { ipConfiguration: { ipv4Enabled: UNKNOWN, sslMode: "ENCRYPTED_ONLY" } } },
};

describe("unknown values", () => {
  it("without failClosedOnUnknown, throws the SDK's UnknownValueError (the SDK reports it as advisory)", () => {
    const outcome = runResource(ruleNamed(rules, "sql-no-public-ip"), sqlInstance, {
      failClosedOnUnknown: false,
    });
    expect(outcome.messages).toEqual([]);
    expect((outcome.error as Error).constructor.name).toBe("UnknownValueError");
    expect(unknownPathOf(outcome.error)).toBe("settings.ipConfiguration.ipv4Enabled");
  });

  it("with failClosedOnUnknown, a security rule reports a violation naming the field", () => {
    const outcome = runResource(ruleNamed(rules, "sql-no-public-ip"), sqlInstance, {
      stack: "prod",
      failClosedOnUnknown: true,
    });
    expect(outcome.error).toBeUndefined();
    expect(outcome.messages).toEqual([
      ".settings.ipConfiguration.ipv4Enabled: value unknown at preview; failing closed (failClosedOnUnknown is set for this stack). It is checked again when the value is known.",
    ]);
  });

  it("fails closed on an unknown IAM member and on a whole unknown object", () => {
    const member = runResource(ruleNamed(rules, "iam-no-public-members"), {
      type: "gcp:storage/bucketIAMMember:BucketIAMMember",
      props: { role: "roles/storage.admin", member: UNKNOWN },
    });
    expect(member.messages[0]).toMatch(/^\.member: value unknown at preview; failing closed/);
    const settings = runResource(ruleNamed(rules, "sql-require-ssl"), {
      ...sqlInstance,
      props: { settings: UNKNOWN },
    });
    expect(settings.messages[0]).toMatch(/^\.settings: value unknown/);
  });

  it("never fails closed for non-security rules (they stay advisory notes)", () => {
    const outcome = runResource(
      ruleNamed(rules, "alert-policy-has-routes"),
      { type: "gcp:monitoring/alertPolicy:AlertPolicy", props: { notificationChannels: UNKNOWN } },
      { stack: "prod", failClosedOnUnknown: true },
    );
    expect(outcome.messages).toEqual([]);
    expect(unknownPathOf(outcome.error)).toBe("notificationChannels");
  });

  it("rechecks deferred evaluations on the stack's final values", () => {
    clearDeferrals();
    const state: PackState = {
      register: () => ({ register: { exemptions: [] } }),
      today: () => "2026-11-23",
    };
    const policies = buildPolicies(state);
    const sqlPolicy = ruleNamed(policies, "sql-no-public-ip");
    const prodConfig = { stack: "prod", failClosedOnUnknown: true };
    const atPreview = runResource(sqlPolicy, sqlInstance, prodConfig);
    expect(atPreview.messages).toHaveLength(1);
    const urn = urnOf(sqlInstance.type, "db");
    expect([...(deferredEvaluations().get("sql-no-public-ip") ?? [])]).toEqual([urn]);

    const recheck = ruleNamed(policies, "unknown-values-recheck");
    const known = [
      {
        ...sqlInstance,
        props: { settings: { ipConfiguration: { ipv4Enabled: true, sslMode: "ENCRYPTED_ONLY" } } },
      },
    ];
    expect(runStack(recheck, known, prodConfig).violations).toEqual([
      {
        message:
          "[sql-no-public-ip] settings.ipConfiguration.ipv4Enabled is not false: the instance gets a public IP address.",
        urn,
      },
    ]);
    // Still unknown at the end of a preview: already reported per resource, so nothing more here.
    expect(runStack(recheck, [sqlInstance], prodConfig).violations).toEqual([]);
    const fixed = [
      {
        ...sqlInstance,
        props: { settings: { ipConfiguration: { ipv4Enabled: false, sslMode: "ENCRYPTED_ONLY" } } },
      },
    ];
    expect(runStack(recheck, fixed, prodConfig).violations).toEqual([]);
    clearDeferrals();
  });
});
