import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  ExemptionRegisterError,
  exemptionMatches,
  exemptionsInForce,
  expiredExemptions,
  loadExemptions,
  overlongExemptions,
} from "../../policies/exemptions";
import { buildPolicies, type PackState } from "../../policies/lib/pack";
import { catalog } from "../../policies/profiles";
import { ruleNamed, runResource, runStack, urnOf } from "./harness";

const FILE = "policies/exemptions.yaml";
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
const yamlOf = (entries: unknown[]) => JSON.stringify({ exemptions: entries });
const names = catalog().map((rule) => rule.name);

describe("loadExemptions", () => {
  it("loads the shipped register, whose entries name real policies and keep prod clean", () => {
    const register = loadExemptions(
      FILE,
      readFileSync(join(__dirname, "../../policies/exemptions.yaml"), "utf8"),
      names,
    );
    expect(register.exemptions.some((e) => e.stacks.includes("prod"))).toBe(false);
    expect(exemptionsInForce(register, "dev", "2026-11-23")).toEqual([
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
    // The same entry lapses the day after it expires.
    expect(exemptionsInForce(register, "dev", "2027-03-01")).toEqual([]);
    expect(exemptionsInForce(register, "staging", "2026-11-23")).toEqual([]);
    expect(overlongExemptions(register, "2026-11-23")).toEqual([]);
  });

  it("names the file, the path, what was expected and what was found", () => {
    expect(() => loadExemptions(FILE, yamlOf([entry({ expires: "31/01/2027" })]))).toThrow(
      'policies/exemptions.yaml: exemptions[0].expires: expected an ISO date (YYYY-MM-DD), found "31/01/2027"',
    );
    expect(() => loadExemptions(FILE, yamlOf([entry({ stacks: "dev" })]))).toThrow(
      'policies/exemptions.yaml: exemptions[0].stacks: expected array, received string, found "dev"',
    );
    expect(() => loadExemptions(FILE, yamlOf([entry({ owner: undefined })]))).toThrow(
      "policies/exemptions.yaml: exemptions[0].owner: expected string, received undefined, found nothing",
    );
    expect(() => loadExemptions(FILE, yamlOf([entry({ color: "red" })]))).toThrow(
      new ExemptionRegisterError(
        'policies/exemptions.yaml: exemptions[0]: Unrecognized key: "color", found {"policy":"vm-no-external-ip","resource":"dev-bastion*","stacks":["dev"],"own...',
      ),
    );
    expect(() => loadExemptions(FILE, yamlOf([entry({ expires: "2027-02-30" })]))).toThrow(
      'policies/exemptions.yaml: exemptions[0].expires: expected a real calendar date, found "2027-02-30"',
    );
  });

  it("refuses a resource pattern that matches everything", () => {
    for (const resource of ["*", "**", " * ", "urn:*"])
      expect(() => loadExemptions(FILE, yamlOf([entry({ resource })])), resource).toThrow(
        `policies/exemptions.yaml: exemptions[0].resource: expected a URN or a resource-name glob that names resources, not a pattern matching every resource, found ${JSON.stringify(resource)}`,
      );
    expect(
      loadExemptions(FILE, yamlOf([entry({ resource: "dev-*" })])).exemptions.map((e) => e.resource),
    ).toEqual(["dev-*"]);
  });

  it("rejects policies the pack does not have, and broken YAML with its position", () => {
    expect(() => loadExemptions(FILE, yamlOf([entry({ policy: "vm-no-externl-ip" })]), names)).toThrow(
      'policies/exemptions.yaml: exemptions[0].policy: expected the name of a policy in the pack, found "vm-no-externl-ip"',
    );
    expect(() => loadExemptions(FILE, "exemptions:\n  - policy: [unclosed\n")).toThrow(
      new ExemptionRegisterError(
        "policies/exemptions.yaml: line 3, column 1: not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]",
      ),
    );
    expect(() => loadExemptions(FILE, "nope")).toThrow(
      new ExemptionRegisterError(
        'policies/exemptions.yaml: (top level): expected object, received string, found "nope"',
      ),
    );
  });

  it("splits entries into in force and expired by stack and day (valid through the expiry day)", () => {
    const register = loadExemptions(
      FILE,
      yamlOf([entry(), entry({ stacks: ["staging"], expires: "2026-01-01" })]),
    );
    expect(exemptionsInForce(register, "dev", "2027-01-31")).toEqual([
      {
        policy: "vm-no-external-ip",
        resource: "dev-bastion*",
        owner: "platform-team@example.com",
        reason: "Temporary bastion until IAP is rolled out",
        ticket: "PLAT-1",
        expires: "2027-01-31",
      },
    ]);
    expect(exemptionsInForce(register, "dev", "2027-02-01")).toEqual([]);
    expect(
      expiredExemptions(register, "staging", new Date("2026-11-23T10:00:00Z")).map((e) => e.expires),
    ).toEqual(["2026-01-01"]);
    expect(exemptionsInForce(register, "prod", "2026-11-23")).toEqual([]);
  });

  it("matches URN patterns against URNs and other patterns against names", () => {
    const urn = urnOf("gcp:compute/instance:Instance", "dev-bastion-1");
    expect(exemptionMatches("dev-bastion*", urn)).toBe(true);
    expect(exemptionMatches("urn:pulumi:dev::*::dev-bastion-1", urn)).toBe(true);
    expect(exemptionMatches("urn:pulumi:prod::*", urn)).toBe(false);
    expect(exemptionMatches("bastion", urn)).toBe(false);
  });
});

describe("exemptions in the pack", () => {
  const register = loadExemptions(
    FILE,
    yamlOf([
      entry(),
      entry({ policy: "bucket-public-via-iam", resource: "assets" }),
      entry({ resource: "old-vm", expires: "2026-01-01" }),
    ]),
  );
  const state: PackState = { register: () => ({ register }), today: () => "2026-11-23" };
  const policies = buildPolicies(state);
  const vm = (name: string) => ({
    type: "gcp:compute/instance:Instance",
    name,
    props: { networkInterfaces: [{ accessConfigs: [{}] }] },
  });

  it("skips an exempted resource on the exempted stack only", () => {
    const policy = ruleNamed(policies, "vm-no-external-ip");
    expect(runResource(policy, vm("dev-bastion-1"), { stack: "dev" }).messages).toEqual([]);
    const external = ["networkInterfaces[0].accessConfigs gives an external IPv4 address."];
    expect(runResource(policy, vm("dev-bastion-1"), { stack: "staging" }).messages).toEqual(external);
    expect(runResource(policy, vm("web-1"), { stack: "dev" }).messages).toEqual(external);
  });

  it("drops exempted violations of stack policies by URN", () => {
    const policy = ruleNamed(policies, "bucket-public-via-iam");
    const resources = [
      { type: "gcp:storage/bucket:Bucket", name: "assets", props: { name: "a" } },
      {
        type: "gcp:storage/bucketIAMMember:BucketIAMMember",
        name: "pub",
        props: { bucket: "a", role: "r", member: "allUsers" },
      },
    ];
    expect(runStack(policy, resources, { stack: "dev" }).violations).toEqual([]);
    expect(runStack(policy, resources, { stack: "prod" }).violations).toEqual([
      {
        message: "bucket assets is made public by BucketIAMMember pub (allUsers r).",
        urn: "urn:pulumi:dev::platform::gcp:storage/bucket:Bucket::assets",
      },
    ]);
  });

  it("reports expired exemptions (and does not honour them)", () => {
    const expired = runStack(ruleNamed(policies, "exemption-expired"), [vm("old-vm")], { stack: "dev" });
    expect(expired.violations).toEqual([
      {
        message:
          'the exemption from vm-no-external-ip for "old-vm" (owner platform-team@example.com, ticket PLAT-1) expired on 2026-01-01; the policy applies again.',
        urn: urnOf("gcp:compute/instance:Instance", "old-vm"),
      },
    ]);
    expect(
      runResource(ruleNamed(policies, "vm-no-external-ip"), vm("old-vm"), { stack: "dev" }).messages,
    ).toEqual(["networkInterfaces[0].accessConfigs gives an external IPv4 address."]);
  });

  it("reports a malformed register through exemption-register-valid and honours no exemption", () => {
    const broken: PackState = {
      register: () => ({ error: "policies/exemptions.yaml: exemptions[0].expires: ..." }),
      today: () => "2026-11-23",
    };
    const brokenPolicies = buildPolicies(broken);
    expect(runStack(ruleNamed(brokenPolicies, "exemption-register-valid"), [], {}).messages).toEqual([
      "policies/exemptions.yaml: exemptions[0].expires: ...",
    ]);
    expect(
      runResource(ruleNamed(brokenPolicies, "vm-no-external-ip"), vm("dev-bastion-1"), { stack: "dev" })
        .messages,
    ).toEqual(["networkInterfaces[0].accessConfigs gives an external IPv4 address."]);
  });

  it("reports through exemption-register-valid an exemption that expires more than 180 days ahead", () => {
    const longLived = loadExemptions(
      FILE,
      yamlOf([
        entry({ expires: "2027-05-22" }),
        entry({ resource: "far-vm", stacks: ["staging"], ticket: "PLAT-9", expires: "2027-05-23" }),
      ]),
    );
    const longPolicies = buildPolicies({
      register: () => ({ register: longLived }),
      today: () => "2026-11-23",
    });
    expect(
      runStack(ruleNamed(longPolicies, "exemption-register-valid"), [], { stack: "dev" }).messages,
    ).toEqual([
      'policies/exemptions.yaml: exemptions[1].expires: the exemption from vm-no-external-ip for "far-vm" (owner platform-team@example.com, ticket PLAT-9) expires on 2027-05-23, more than 180 days after today (2026-11-23); renew it closer to that date instead.',
    ]);
    expect(runStack(ruleNamed(policies, "exemption-register-valid"), [], { stack: "dev" }).messages).toEqual(
      [],
    );
  });

  it("adds the stack context to every policy's config schema", () => {
    for (const policy of policies) {
      expect(Object.keys(policy.configSchema?.properties ?? {})).toEqual(
        expect.arrayContaining(["stack", "failClosedOnUnknown"]),
      );
      expect(policy.configSchema?.properties.stack.default).toBe("prod");
    }
  });
});
