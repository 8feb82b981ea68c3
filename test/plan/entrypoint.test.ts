import { describe, expect, it } from "vitest";
import { readStackFile } from "../../stacks/config/load";
import { runUnderMocks } from "../../tools/plan/mock-runtime";

/**
 * `stacks/index.ts` is what `pulumi preview` runs: config comes from the engine
 * (`pulumi.runtime.allConfig()`), not from the file. Run it the same way under the mock runtime.
 */
describe("stacks/index.ts under the engine's config", () => {
  it("declares the same stack as the offline plan", async () => {
    const { engineConfig, secretKeys, config } = readStackFile("stacks/Pulumi.prod.yaml");
    const { resources, outputs } = await runUnderMocks({
      project: "platform",
      stack: "prod",
      config: engineConfig,
      secretKeys,
      program: async () => (await import("../../stacks/index")).default as unknown as Record<string, unknown>,
    });
    expect(
      resources.filter((r) => r.type === "platform:environment:GcpEnvironment").map((r) => r.name),
    ).toEqual(config.environments.map((env) => env.name));
    // The stack file's one `platform:ci` block: one CiIdentity.
    expect(resources.filter((r) => r.type === "platform:ci:CiIdentity")).toHaveLength(1);
    expect(outputs.tier).toBe("prod");
  });
});

describe("configFromEngine", () => {
  it("turns a config mistake into a RunError that Pulumi prints without a stack trace", async () => {
    const pulumi = await import("@pulumi/pulumi");
    const { configFromEngine } = await import("../../stacks/engine-config");
    const { engineConfig } = readStackFile("stacks/Pulumi.dev.yaml");
    const broken = { ...engineConfig, "platform:tier": "qa" };
    let caught: unknown;
    try {
      configFromEngine("dev", broken);
    } catch (error) {
      caught = error;
    }
    expect(pulumi.RunError.isInstance(caught)).toBe(true);
    expect((caught as Error).message).toBe(
      'invalid stack config:\nstacks/Pulumi.dev.yaml: platform:tier: expected one of "dev", "staging", "prod", found "qa"',
    );
  });
});
