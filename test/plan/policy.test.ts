import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { PlanResult } from "../../tools/plan/model";
import { policyConfigFileFor } from "../../tools/plan/policy";
import { runPlan as plan } from "../helpers/cli";

const scratch = mkdtempSync(join(tmpdir(), "plan-policy-"));

/** The offline plan with the real policy pack, started as the engine starts it. */

/** A prod stack moved to a region outside the allowed list: a deliberate, realistic mistake. */
function brokenProd(): string {
  const file = join(scratch, "Pulumi.prod-us.yaml");
  writeFileSync(
    file,
    readFileSync("stacks/Pulumi.prod.yaml", "utf8").replace(
      "platform:region: europe-west1",
      "platform:region: us-east1",
    ),
  );
  return file;
}

describe("policy report in the offline plan", () => {
  it("plans the bundled prod stack with zero mandatory violations", async () => {
    const json = join(scratch, "prod.json");
    const result = await plan("--stack", "prod", "--json", json);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const report: PlanResult = JSON.parse(readFileSync(json, "utf8"));
    expect(report.policy?.pack).toEqual({ name: "platform-policies", version: "0.1.0" });
    expect(report.policy?.violations.filter((v) => v.enforcementLevel === "mandatory")).toEqual([]);
    expect(report.policy?.exemptions).toEqual([]);
    // The on-call check runs while the pack analyzes; its report still closes the output.
    expect(result.stdout.trimEnd().split("\n").at(-1)).toBe("on-call check: no gaps");
  });

  it("fails a broken prod stack with mandatory violations at the right resources (exit 1)", async () => {
    const json = join(scratch, "prod-us.json");
    const result = await plan(
      "--stack",
      "prod-us",
      "--stack-file",
      brokenProd(),
      "--policy-config",
      "policies/config/prod.json",
      "--json",
      json,
    );
    expect(result.code).toBe(1);
    const report: PlanResult = JSON.parse(readFileSync(json, "utf8"));
    const locations = report.policy!.violations.filter((v) => v.policyName === "allowed-locations");
    for (const violation of locations) {
      expect(violation.enforcementLevel).toBe("mandatory");
      expect(violation.message).toContain("us-east1");
    }
    expect(locations.map((v) => v.urn)).toContain(
      "urn:pulumi:prod-us::platform::platform:environment:GcpEnvironment$gcp:kms/keyRing:KeyRing::payments-keyring",
    );
    expect(result.stdout).toMatch(/\[mandatory(, \w+)?\] allowed-locations — payments-keyring: .*us-east1/);
  });

  it("reports the same mistake as advisory in dev (exit 0) and lists the dev exemptions", async () => {
    const file = join(scratch, "Pulumi.dev-us.yaml");
    writeFileSync(
      file,
      readFileSync("stacks/Pulumi.dev.yaml", "utf8").replace(
        "platform:region: europe-west1",
        "platform:region: us-east1",
      ),
    );
    const json = join(scratch, "dev-us.json");
    const result = await plan("--stack", "dev", "--stack-file", file, "--json", json);
    expect(result.code).toBe(0);
    const report: PlanResult = JSON.parse(readFileSync(json, "utf8"));
    const locations = report.policy!.violations.filter((v) => v.policyName === "allowed-locations");
    // A non-empty set, all advisory (the stack's resources may change; the key ring is always there).
    expect(new Set(locations.map((v) => v.enforcementLevel))).toEqual(new Set(["advisory"]));
    expect(locations.map((v) => v.urn)).toContain(
      "urn:pulumi:dev::platform::platform:environment:GcpEnvironment$gcp:kms/keyRing:KeyRing::platform-keyring",
    );
    // The register's one dev entry (policies/exemptions.yaml), as written there.
    expect(report.policy!.exemptions).toEqual([
      {
        policy: "vm-no-external-ip",
        resource: "dev-bastion*",
        owner: "platform-team@example.com",
        reason:
          "Temporary bastion for debugging the dev GKE control plane until IAP TCP forwarding is rolled out to the dev network; firewall limits it to the office range.",
        ticket: "PLAT-142",
        expires: "2027-02-28",
      },
    ]);
  });

  it("exits 2 for a policy config file with a mistake, naming the file and path", async () => {
    const config = join(scratch, "bad-policy.json");
    writeFileSync(config, JSON.stringify({ "allowed-locations": { enforcementLevel: "mandatry" } }));
    const result = await plan("--stack", "dev", "--policy-config", config);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `${config}: allowed-locations.enforcementLevel: expected an enforcement level (advisory, mandatory, remediate, disabled), found string "mandatry"\n`,
    );
  });

  it("picks the stack's own policy config, else its tier's", () => {
    expect(policyConfigFileFor("prod", "prod")).toBe("policies/config/prod.json");
    expect(policyConfigFileFor("prod-eu2", "prod")).toBe("policies/config/prod.json");
    expect(policyConfigFileFor("sandbox", "dev")).toBe("policies/config/dev.json");
  });
});
