import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runPlan } from "../helpers/cli";
import { fixtureModel, stackFileText } from "./fixture";

const dir = mkdtempSync(path.join(tmpdir(), "oncall-plan-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("npm run plan reports the on-call check beside the policy report", () => {
  it("exits 1 and names the gap of a stack whose model has one", async () => {
    const model = fixtureModel();
    model.escalationPolicies[0].levels[1].channel = "slack-platform";
    const file = path.join(dir, "Pulumi.gap.yaml");
    writeFileSync(file, stackFileText(model));
    // With the pack: the check runs while the pack analyzes the plan, and is printed after its report.
    const run = await runPlan("--stack", "gap", "--stack-file", file);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("Policy pack platform-policies@0.1.0:");
    expect(run.stdout.trimEnd().split("\n").slice(-2)).toEqual([
      "on-call check: 1 gap",
      "  chat-only-escalation: escalation policy platform-page: its last level notifies through slack-platform (slack), which reaches no person directly",
    ]);
  });

  it("exits 0 and says so when the model has no gap", async () => {
    const file = path.join(dir, "Pulumi.clean.yaml");
    writeFileSync(file, stackFileText(fixtureModel()));
    const run = await runPlan("--stack", "clean", "--stack-file", file, "--skip-policy");
    expect(run.code).toBe(0);
    expect(run.stdout.trimEnd().split("\n").at(-1)).toBe("on-call check: no gaps");
  });
});
