/**
 * Exemptions cannot sweep a stack: patterns must name resources, tickets must look like tickets,
 * and on prod a security policy is exempted only for exact URNs (in the register and in the pack).
 */
import { describe, expect, it } from "vitest";
import {
  ExemptionRegisterError,
  isExactUrn,
  loadExemptions,
  namesResources,
} from "../../policies/exemptions";
import { buildPolicies, type PackState } from "../../policies/lib/pack";
import { catalog } from "../../policies/profiles";
import { ruleNamed, runResource } from "./harness";

const FILE = "policies/exemptions.yaml";
const rules = catalog();
const names = rules.map((rule) => rule.name);
const security = rules.filter((rule) => rule.meta.category === "security").map((rule) => rule.name);
const entry = (overrides: Record<string, unknown> = {}) => ({
  policy: "vm-no-external-ip",
  resource: "dev-bastion*",
  stacks: ["dev"],
  owner: "platform-team@example.com",
  reason: "Temporary bastion until IAP is rolled out",
  ticket: "PLAT-1",
  expires: "2027-01-31",
  ...overrides,
});
const load = (entries: unknown[]) =>
  loadExemptions(FILE, JSON.stringify({ exemptions: entries }), names, security);
const errorOf = (entries: unknown[]) => {
  try {
    load(entries);
  } catch (error) {
    expect(error).toBeInstanceOf(ExemptionRegisterError);
    return (error as Error).message;
  }
  return "";
};
const VM_URN = "urn:pulumi:prod::platform::gcp:compute/instance:Instance::bastion";

describe("exemption patterns name resources", () => {
  it.each([
    "urn:pulumi:prod::*",
    "*-*",
    "a*",
    "*a*",
    "urn:pulumi:prod::*::*",
    "urn:pulumi:prod::*::*-*",
    "**",
  ])("%s sweeps a stack", (pattern) => {
    expect(namesResources(pattern)).toBe(false);
  });
  it.each(["dev-bastion*", "*bastion*", "urn:pulumi:dev::*::ci-cache", VM_URN, "bastion"])(
    "%s names resources",
    (pattern) => {
      expect(namesResources(pattern)).toBe(true);
    },
  );
  it("refuses a sweeping pattern in the register, naming file, path, expectation and value", () => {
    expect(errorOf([entry({ resource: "*-*" })])).toBe(
      'policies/exemptions.yaml: exemptions[0].resource: expected a URN or a resource-name glob that names resources (a literal of at least 3 letters or digits in the name), not a pattern matching most of a stack, found "*-*"',
    );
  });
});

describe("tickets look like tickets", () => {
  it.each(["PLAT-142", "acme/platform#12", "#7", "https://tracker.example.com/browse/PLAT-1"])(
    "accepts %s",
    (ticket) => {
      expect(load([entry({ ticket })]).exemptions[0].ticket).toBe(ticket);
    },
  );
  it.each(["n/a", "TODO", "-", "plat-1", "PLAT-", "http://x"])("refuses %s", (ticket) => {
    expect(errorOf([entry({ ticket })])).toBe(
      `policies/exemptions.yaml: exemptions[0].ticket: expected a ticket reference such as PLAT-142, org/repo#12 or an https link, found ${JSON.stringify(ticket)}`,
    );
  });
});

describe("on prod a security policy is exempted only for exact URNs", () => {
  it("refuses a glob for a security policy on a prod stack, and accepts the exact URN or a non-prod stack", () => {
    expect(errorOf([entry({ stacks: ["prod"], resource: "bastion*" })])).toBe(
      'policies/exemptions.yaml: exemptions[0].resource: expected an exact URN (no *) to exempt the security policy vm-no-external-ip on a prod stack, found "bastion*"',
    );
    expect(errorOf([entry({ stacks: ["dev", "prod-eu"], resource: "bastion" })])).toBe(
      'policies/exemptions.yaml: exemptions[0].resource: expected an exact URN (no *) to exempt the security policy vm-no-external-ip on a prod stack, found "bastion"',
    );
    expect(load([entry({ stacks: ["prod"], resource: VM_URN })]).exemptions).toHaveLength(1);
    expect(load([entry({ stacks: ["staging"], resource: "bastion*" })]).exemptions).toHaveLength(1);
    expect(isExactUrn(VM_URN)).toBe(true);
    expect(isExactUrn("urn:pulumi:prod::*::bastion")).toBe(false);
  });
  it("the pack honours only the exact URN on prod even if a register slipped a glob through", () => {
    const register = {
      exemptions: [entry({ stacks: ["prod"], resource: "bastion*", expires: "2027-01-31" })],
    };
    const stateOf = (resource: string): PackState => ({
      register: () => ({ register: { exemptions: [{ ...register.exemptions[0], resource }] } }),
      today: () => "2026-11-30",
    });
    const vm = {
      type: "gcp:compute/instance:Instance",
      name: "bastion",
      urn: VM_URN,
      props: { networkInterfaces: [{ accessConfigs: [{}] }] },
    };
    const violationsWith = (resource: string, stack: string) =>
      runResource(ruleNamed(buildPolicies(stateOf(resource)), "vm-no-external-ip"), vm, { stack }).messages;
    const violation = ["networkInterfaces[0].accessConfigs gives an external IPv4 address."];
    expect(violationsWith("bastion*", "prod")).toEqual(violation);
    expect(violationsWith(VM_URN, "prod")).toEqual([]);
  });
});
