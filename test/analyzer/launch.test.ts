/**
 * A pack launched ahead of its session (the plan spawns it before it validates its config) is never
 * left running: stopped before its port, refused by a session of another stack, or killed when the
 * policy config, the exemption register or the pack folder turns out wrong.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { UserInputError } from "../../stacks/config/errors";
import { openPolicyPack, PolicyPackError } from "../../tools/analyzer/index";
import { launchPack, packEnvironment } from "../../tools/analyzer/pack-process";
import { loadStackInput } from "../../tools/plan/input";
import { launchPolicyPack } from "../../tools/plan/pack-launch";
import { startPolicyCheck } from "../../tools/plan/policy";
import { alive, gone } from "../helpers/process";

const fixturePack = path.join(__dirname, "../fixtures/analyzer-pack");
const identity = { stack: "dev", project: "shop", dryRun: true, stackConfig: { "shop:tier": "dev" } };

describe("a launched policy pack", () => {
  it("is killed by stop() before it has printed its port, and its start then fails as stopped", async () => {
    const launched = launchPack(fixturePack, packEnvironment(identity));
    expect(alive(launched.pid)).toBe(true);
    await launched.stop();
    expect(alive(launched.pid)).toBe(false);
    await expect(launched.ready).rejects.toThrow(`policy pack at "${fixturePack}" was killed by SIGKILL`);
  });

  it("is refused, and killed, by a session of another stack", async () => {
    const launched = launchPack(fixturePack, packEnvironment(identity));
    await expect(
      openPolicyPack({ packDir: fixturePack, ...identity, stack: "prod", started: launched }),
    ).rejects.toThrow("policy pack: the launched process has another environment than its session");
    expect(await gone(launched.pid)).toBe(true);
  });

  it("is killed when the pack folder has no PulumiPolicy.yaml", async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), "no-pack-"));
    const launched = launchPack(fixturePack, packEnvironment(identity));
    const error = await openPolicyPack({ packDir: empty, ...identity, started: launched }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(PolicyPackError);
    expect((error as Error).message).toBe(
      `failed to load Pulumi policy project located at "${empty}": ${path.join(empty, "PulumiPolicy.yaml")} not found`,
    );
    expect(await gone(launched.pid)).toBe(true);
    fs.rmSync(empty, { recursive: true, force: true });
  });

  it("is killed when the plan's policy config is refused", () => {
    const input = loadStackInput({ stack: "dev" });
    const started = launchPolicyPack({
      stack: "dev",
      project: "platform",
      engineConfig: input.loaded.engineConfig,
      secretKeys: input.loaded.secretKeys,
    });
    const missing = path.join(os.tmpdir(), "no-such-policy-config.json");
    expect(() => startPolicyCheck(input, { configFile: missing, started })).toThrow(UserInputError);
    return expect(gone(started.pid)).resolves.toBe(true);
  });
});
