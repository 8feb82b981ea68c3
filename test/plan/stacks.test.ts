import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import type { PlanResult } from "../../tools/plan/model";
import { planStack } from "../../tools/plan/plan";

/**
 * Plans every bundled stack under the mock runtime. The URN snapshot guards state: a refactor that
 * renames or re-parents a resource without an alias would make `pulumi up` delete and recreate it.
 * After an intended change, refresh with `UPDATE_URN_SNAPSHOT=1 npx vitest run test/plan/stacks.test.ts`.
 */

const STACKS = ["dev", "staging", "prod"] as const;
const SNAPSHOT_DIR = "test/plan/urn-snapshots";
const plans = new Map<string, PlanResult>();

beforeAll(async () => {
  for (const stack of STACKS) plans.set(stack, (await planStack({ stack })).result);
});

/** URNs in the snapshot that the plan lost without an alias pointing back at them. */
function unaliasedRemovals(snapshot: string[], plan: PlanResult): string[] {
  const current = new Set(plan.resources.map((resource) => resource.urn));
  const aliased = new Set(plan.resources.flatMap((resource) => resource.aliases ?? []));
  return snapshot.filter((urn) => !current.has(urn) && !aliased.has(urn));
}

describe.each(STACKS)("stack %s", (stack) => {
  it("plans every environment with its baseline", () => {
    const plan = plans.get(stack)!;
    expect(plan.stack).toBe(stack);
    expect(plan.project).toBe("platform");
    const environments = plan.resources.filter((r) => r.type === "platform:environment:GcpEnvironment");
    expect(environments.map((env) => env.name).sort()).toEqual(["api", "payments", "platform"]);
    for (const type of [
      "gcp:organizations/project:Project",
      "gcp:billing/budget:Budget",
      "gcp:logging/projectSink:ProjectSink",
      "gcp:kms/cryptoKey:CryptoKey",
    ]) {
      expect(plan.summary.byType[type], type).toBe(3);
    }
    expect(plan.summary.resourceCount).toBe(plan.resources.length);
    expect(Object.values(plan.summary.byType).reduce((a, b) => a + b, 0)).toBe(plan.resources.length);
    expect(new Set(plan.resources.map((r) => r.urn)).size).toBe(plan.resources.length);
  });

  it("keeps every URN of the committed snapshot", () => {
    const plan = plans.get(stack)!;
    const file = `${SNAPSHOT_DIR}/${stack}.json`;
    const urns = plan.resources.map((resource) => resource.urn).sort();
    if (process.env.UPDATE_URN_SNAPSHOT === "1" || !existsSync(file)) {
      mkdirSync(SNAPSHOT_DIR, { recursive: true });
      writeFileSync(file, `${JSON.stringify(urns, null, 2)}\n`);
    }
    const snapshot: string[] = JSON.parse(readFileSync(file, "utf8"));
    expect(unaliasedRemovals(snapshot, plan), "resources renamed or moved without an alias").toEqual([]);
    expect(
      urns.filter((urn) => !snapshot.includes(urn)),
      "new resources: refresh the snapshot",
    ).toEqual([]);
  });
});

describe("prod", () => {
  it("protects every stateful resource", () => {
    const plan = plans.get("prod")!;
    const stateful = plan.resources.filter((r) =>
      [
        "gcp:organizations/project:Project",
        "gcp:kms/keyRing:KeyRing",
        "gcp:kms/cryptoKey:CryptoKey",
        "gcp:logging/projectBucketConfig:ProjectBucketConfig",
        "gcp:compute/network:Network",
      ].includes(r.type),
    );
    expect(stateful.length).toBe(15);
    expect(stateful.filter((r) => !r.protect).map((r) => r.urn)).toEqual([]);
  });

  it("sends every budget alert through the on-call channels of the billing area's owner", async () => {
    const plan = plans.get("prod")!;
    const { readStackFile } = await import("../../stacks/config/load");
    const { routePlan } = await import("../../components/oncall");
    const model = readStackFile("stacks/Pulumi.prod.yaml").config.oncall!;
    const expected = routePlan(model, "billing", "SEV4").receivers.length;
    for (const budget of plan.resources.filter((r) => r.type === "gcp:billing/budget:Budget")) {
      const rule = budget.inputs.allUpdatesRule as { monitoringNotificationChannels: string[] };
      expect(rule.monitoringNotificationChannels, budget.name).toHaveLength(expected);
      for (const id of rule.monitoringNotificationChannels)
        expect(id).toMatch(/^projects\/[a-z0-9-]+\/notificationChannels\/[0-9]+$/);
    }
    // No bare e-mail channel per environment any more: every channel belongs to on-call routing.
    const channels = plan.resources.filter(
      (r) => r.type === "gcp:monitoring/notificationChannel:NotificationChannel",
    );
    expect(
      channels.filter((r) => !r.parent?.includes("platform:oncall:OnCallRouting::")).map((r) => r.name),
    ).toEqual([]);
  });
});

describe("URN snapshot guard", () => {
  it("fails a rename without an alias and accepts one with an alias", () => {
    const plan = plans.get("dev")!;
    const old =
      "urn:pulumi:dev::platform::platform:environment:GcpEnvironment$gcp:compute/network:Network::payments-network";
    const snapshot = [...plan.resources.map((r) => r.urn), old];
    expect(unaliasedRemovals(snapshot, plan)).toEqual([old]);
    const renamed = structuredClone(plan);
    renamed.resources.find((r) => r.name === "payments-vpc")!.aliases = [old];
    expect(unaliasedRemovals(snapshot, renamed)).toEqual([]);
  });
});
