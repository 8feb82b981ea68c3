/**
 * Every bundled stack, planned as a first `pulumi preview` sees it (computed outputs unknown) and as
 * after a first `up` (known outputs), each through the real policy pack. The assertions are
 * properties any correct stack file has, not its names or counts, so adding a team, an environment
 * or a resource to a stack file keeps them green.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { loadStackInput } from "../../tools/plan/input";
import type { OutputMode } from "../../tools/plan/mock-outputs";
import type { PlannedResource, PlanResult } from "../../tools/plan/model";
import { STATEFUL_TYPES } from "../../tools/plan/risk";
import { UNKNOWN_VALUE, unknownPaths } from "../../tools/plan/unknown-values";
import { bundledPlansWithPolicy } from "../helpers/bundled-plans";
import { gone } from "../helpers/process";
import { REFRESH_COMMAND, removalMessage, SNAPSHOT_DIR, unaliasedRemovals } from "./urn-snapshot";

/** The bundled stacks: every stack file in stacks/, whatever it is called. */
const STACKS = readdirSync("stacks")
  .map((file) => /^Pulumi\.(.+)\.yaml$/.exec(file)?.[1])
  .filter((stack): stack is string => stack !== undefined)
  .sort();
const MODES: OutputMode[] = ["preview", "known"];
/** Exemptions are judged on a pinned day, so the test does not change with the date. */
const TODAY = "2026-12-01";
const plans = new Map<string, PlanResult>();
/** The pack process that analyzed both modes of each stack. */
const packPids = new Map<string, number>();

beforeAll(async () => {
  for (const stack of STACKS) {
    const checked = await bundledPlansWithPolicy(stack, MODES, TODAY);
    for (const [outputs, plan] of checked.plans) plans.set(`${stack}/${outputs}`, plan);
    packPids.set(stack, checked.packPid);
  }
}, 600_000);

it("analyzes both output modes of a stack with one pack process, stopped once both are analyzed", async () => {
  const pids = STACKS.map((stack) => packPids.get(stack)!);
  expect(new Set(pids).size).toBe(STACKS.length);
  for (const pid of pids) expect(await gone(pid)).toBe(true);
});

const ENVIRONMENT = "platform:environment:GcpEnvironment";

function descendants(plan: PlanResult, urn: string): PlannedResource[] {
  const below = plan.resources.filter((resource) => resource.parent === urn);
  return below.flatMap((resource) => [resource, ...descendants(plan, resource.urn)]);
}

describe.each(STACKS.flatMap((stack) => MODES.map((mode) => [stack, mode] as const)))(
  "stack %s, %s outputs",
  (stack, mode) => {
    const plan = () => plans.get(`${stack}/${mode}`)!;

    it("plans with zero mandatory policy violations", () => {
      expect(plan().policy?.violations.filter((v) => v.enforcementLevel === "mandatory")).toEqual([]);
    });

    it("gives every environment a project, a network with NAT, a budget, an audit sink and a KMS key", () => {
      const environments = plan().resources.filter((r) => r.type === ENVIRONMENT);
      // One component per environment the stack file declares (read with a plain YAML parser).
      const declared = (
        parse(readFileSync(`stacks/Pulumi.${stack}.yaml`, "utf8")).config["platform:environments"] as {
          name: string;
        }[]
      ).map((environment) => environment.name);
      expect(environments.map((environment) => environment.name).sort()).toEqual(declared.sort());
      for (const environment of environments) {
        const types = new Set(descendants(plan(), environment.urn).map((r) => r.type));
        for (const type of [
          "gcp:organizations/project:Project",
          "gcp:compute/network:Network",
          "gcp:compute/routerNat:RouterNat",
          "gcp:billing/budget:Budget",
          "gcp:logging/projectSink:ProjectSink",
          "gcp:kms/cryptoKey:CryptoKey",
        ])
          expect(types.has(type), `${environment.name} has a ${type}`).toBe(true);
      }
    });

    it("has unique URNs and a summary that counts every resource", () => {
      const { resources, summary } = plan();
      expect(new Set(resources.map((r) => r.urn)).size).toBe(resources.length);
      expect(summary.resourceCount).toBe(resources.length);
      expect(Object.values(summary.byType).reduce((a, b) => a + b, 0)).toBe(resources.length);
    });

    if (mode === "preview") {
      it("leaves provider-computed values unknown, each built from a resource of the stack", () => {
        const unknown = plan().resources.flatMap((resource) =>
          unknownPaths(resource.inputs).map((path) => ({ resource, path })),
        );
        // Every identity grants to service accounts it creates: their members are unknown at preview.
        expect(unknown.some(({ path }) => path === "member")).toBe(true);
        const urns = new Set(plan().resources.map((resource) => resource.urn));
        for (const { resource, path } of unknown) {
          const property = path.split(/[.[]/)[0];
          const dependencies = resource.propertyDependencies?.[property] ?? [];
          expect(
            dependencies.filter((urn) => !urns.has(urn)),
            `${resource.urn} ${path}`,
          ).toEqual([]);
          // Which resources it depends on is the stack's business; that there is one is the property.
          expect(dependencies.length, `${resource.urn} ${path}`).toBeGreaterThanOrEqual(1);
        }
      });
    } else {
      it("knows every value", () => {
        expect(JSON.stringify(plan().resources)).not.toContain(UNKNOWN_VALUE);
      });
    }
  },
);

/** Stacks of the prod tier (by their config, not their name). */
const PROD_STACKS = STACKS.filter((stack) => loadStackInput({ stack }).loaded.config.tier === "prod");

describe.each(PROD_STACKS)("prod-tier stack %s", (stack) => {
  it("protects every stateful resource", () => {
    const plan = plans.get(`${stack}/known`)!;
    const unprotected = plan.resources.filter((r) => STATEFUL_TYPES.has(r.type) && !r.protect);
    expect(unprotected.map((r) => r.urn)).toEqual([]);
  });
});

describe("prod", () => {
  it("sends every budget alert through the on-call channels of the billing area's owner", async () => {
    const plan = plans.get("prod/known")!;
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

describe.each(STACKS)("URN snapshot of %s", (stack) => {
  it("keeps every URN of the committed snapshot (adding resources is fine)", () => {
    const plan = plans.get(`${stack}/known`)!;
    const file = `${SNAPSHOT_DIR}/${stack}.json`;
    if (process.env.UPDATE_URN_SNAPSHOT === "1") {
      mkdirSync(SNAPSHOT_DIR, { recursive: true });
      const urns = plan.resources.map((resource) => resource.urn).sort();
      writeFileSync(file, `${JSON.stringify(urns, null, 2)}\n`);
    }
    // A new stack has no state to protect yet.
    if (!existsSync(file)) return;
    const removed = unaliasedRemovals(JSON.parse(readFileSync(file, "utf8")), plan);
    if (removed.length > 0) expect.fail(removalMessage(stack, removed));
  });
});

describe("URN snapshot guard", () => {
  const plan: PlanResult = {
    stack: "dev",
    project: "platform",
    resources: [
      {
        urn: "urn:pulumi:dev::platform::gcp:compute/network:Network::payments-vpc",
        type: "gcp:compute/network:Network",
        name: "payments-vpc",
        parent: null,
        custom: true,
        protect: false,
        inputs: {},
      },
      {
        urn: "urn:pulumi:dev::platform::gcp:compute/network:Network::new-vpc",
        type: "gcp:compute/network:Network",
        name: "new-vpc",
        parent: null,
        custom: true,
        protect: false,
        inputs: {},
      },
    ],
    summary: { resourceCount: 2, byType: {} },
  };
  const old = "urn:pulumi:dev::platform::gcp:compute/network:Network::payments-network";

  it("accepts added resources", () => {
    expect(unaliasedRemovals([plan.resources[0]!.urn], plan)).toEqual([]);
  });

  it("fails a rename without an alias, printing the exact refresh command", () => {
    const removed = unaliasedRemovals([old, plan.resources[0]!.urn], plan);
    expect(removed).toEqual([old]);
    expect(removalMessage("dev", removed)).toBe(
      [
        "stack dev: 1 resource(s) of test/plan/urn-snapshots/dev.json are gone without an alias (pulumi up would delete and recreate them):",
        `  ${old}`,
        "Add `aliases` to the moved resources; if the removal is intended, refresh the snapshot with:",
        "  UPDATE_URN_SNAPSHOT=1 npx vitest run test/plan/stacks.test.ts",
      ].join("\n"),
    );
    expect(REFRESH_COMMAND).toBe("UPDATE_URN_SNAPSHOT=1 npx vitest run test/plan/stacks.test.ts");
  });

  it("accepts a rename with an alias", () => {
    const renamed = structuredClone(plan);
    renamed.resources[0]!.aliases = [old];
    expect(unaliasedRemovals([old], renamed)).toEqual([]);
  });
});
