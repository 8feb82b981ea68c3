/**
 * The platform's CrossGuard policy pack. This file is the only place that constructs the
 * PolicyPack (constructing it starts the gRPC server the engine talks to).
 *
 *   pulumi preview --stack prod --policy-pack policies --policy-pack-config policies/config/prod.json
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PolicyPack } from "@pulumi/policy";
import { ExemptionRegisterError, isoDay, loadExemptions } from "./exemptions";
import { buildPolicies, type PackState, platformRules } from "./lib/pack";
import { packDirectory } from "./lib/pack-dir";
import type { RegisterState } from "./rules/exemptions";

const REGISTER_FILE = join(packDirectory(__dirname, 0), "exemptions.yaml");

function readRegister(knownPolicies: string[], securityPolicies: string[]): RegisterState {
  try {
    return {
      register: loadExemptions(
        "policies/exemptions.yaml",
        readFileSync(REGISTER_FILE, "utf8"),
        knownPolicies,
        securityPolicies,
      ),
    };
  } catch (error) {
    // A broken register must not stop the pack: every policy still runs, no exemption is honoured,
    // and exemption-register-valid reports the problem as a mandatory violation.
    if (error instanceof ExemptionRegisterError) return { error: error.message };
    return { error: `policies/exemptions.yaml: cannot be read: ${(error as Error).message}` };
  }
}

let register: RegisterState = { error: "policies/exemptions.yaml: not loaded yet" };
const state: PackState = { register: () => register, today: () => isoDay(new Date()) };
const rules = platformRules(state);
register = readRegister(
  rules.map((rule) => rule.name),
  rules.filter((rule) => rule.meta.category === "security").map((rule) => rule.name),
);

new PolicyPack("platform-policies", {
  description:
    "Platform standards for Google Cloud and Kubernetes: security invariants, reliability, cost and governance.",
  provider: "gcp",
  tags: ["gcp", "kubernetes", "platform"],
  policies: buildPolicies(state),
});
