/**
 * firewall-no-world-ingress and network-no-default-or-auto-mode called in-process with exact
 * violation lists, plus the address-space and port helpers at their boundaries.
 */
import { describe, expect, it } from "vitest";
import { isWorldRange, networkRules, parsePortRange, tooWideAllow } from "../../policies/rules/network";
import { type FakeResource, ruleNamed, runResource } from "../policies/harness";

// The rules as the pack declares them, without loading the whole catalog (mutation runs re-import it).
const worldIngress = ruleNamed(networkRules, "firewall-no-world-ingress");
const noDefaultNetwork = ruleNamed(networkRules, "network-no-default-or-auto-mode");

const FIREWALL = "gcp:compute/firewall:Firewall";
const POLICY_RULE = "gcp:compute/networkFirewallPolicyRule:NetworkFirewallPolicyRule";
const REGION_POLICY_RULE = "gcp:compute/regionNetworkFirewallPolicyRule:RegionNetworkFirewallPolicyRule";

const firewall = (props: Record<string, unknown>): FakeResource => ({ type: FIREWALL, props });
const tcp = (...ports: string[]) => ({ protocol: "tcp", ports });
const world = (...allows: unknown[]) => firewall({ sourceRanges: ["0.0.0.0/0"], allows });

/**
 * How the rule names 0.0.0.0/0: the range and its share of the public IPv4 space. The non-public
 * ranges (0/8, 10/8, 127/8: 3 × 2^24; 100.64/10: 2^22; 172.16/12: 2^20; 169.254/16, 192.168/16:
 * 2 × 2^16) sum to 55,705,600 of 2^32 addresses, so 4,239,261,696 / 4,294,967,296 = 98.70 % remain.
 */
const WORLD_V4 = "0.0.0.0/0 (together 98.7% of IPv4)";

function violations(resource: FakeResource, config: Record<string, unknown> = {}): string[] {
  const outcome = runResource(worldIngress, resource, config);
  expect(outcome.error).toBeUndefined();
  return outcome.messages;
}

describe("firewall-no-world-ingress on VPC firewall rules: which ports", () => {
  it.each([
    // A world-open rule for a public service is fine: only admin ports and wide ranges are reported.
    [[tcp("443")], []],
    [[tcp("80", "443")], []],
    [[tcp("21"), tcp("23")], []],
    [[tcp("22")], [`allows[0]: tcp/22 exposes SSH (22) to ${WORLD_V4}.`]],
    [[tcp("22-22")], [`allows[0]: tcp/22-22 exposes SSH (22) to ${WORLD_V4}.`]],
    [[tcp("21-22")], [`allows[0]: tcp/21-22 exposes SSH (22) to ${WORLD_V4}.`]],
    [[tcp("22-23")], [`allows[0]: tcp/22-23 exposes SSH (22) to ${WORLD_V4}.`]],
    [[tcp("3389")], [`allows[0]: tcp/3389 exposes RDP (3389) to ${WORLD_V4}.`]],
    [[tcp("3388-3390")], [`allows[0]: tcp/3388-3390 exposes RDP (3389) to ${WORLD_V4}.`]],
    [[tcp("3390-3399")], []],
    // Port ranges: 10 ports is the default maximum, 11 is one too many.
    [[tcp("8000-8009")], []],
    [[tcp("8000-8010")], [`allows[0]: tcp/8000-8010 opens 11 ports (maximum 10) to ${WORLD_V4}.`]],
    [
      [tcp("20-3400")],
      [
        `allows[0]: tcp/20-3400 exposes SSH (22) to ${WORLD_V4}.`,
        `allows[0]: tcp/20-3400 exposes RDP (3389) to ${WORLD_V4}.`,
        `allows[0]: tcp/20-3400 opens 3381 ports (maximum 10) to ${WORLD_V4}.`,
      ],
    ],
    // Protocols: all, or a ported protocol without ports, opens everything; others have no ports.
    [[{ protocol: "all" }], [`allows[0]: protocol "all" opens every port to ${WORLD_V4}.`]],
    [[{ protocol: "ALL" }], [`allows[0]: protocol "all" opens every port to ${WORLD_V4}.`]],
    [[{ protocol: "udp" }], [`allows[0]: udp with no ports opens every port to ${WORLD_V4}.`]],
    [[{ protocol: "sctp", ports: [] }], [`allows[0]: sctp with no ports opens every port to ${WORLD_V4}.`]],
    [[{ protocol: "17" }], [`allows[0]: 17 with no ports opens every port to ${WORLD_V4}.`]],
    [[{ protocol: "132" }], [`allows[0]: 132 with no ports opens every port to ${WORLD_V4}.`]],
    [[{ protocol: "6", ports: ["22"] }], [`allows[0]: 6/22 exposes SSH (22) to ${WORLD_V4}.`]],
    [[{ protocol: "TCP", ports: ["3389"] }], [`allows[0]: tcp/3389 exposes RDP (3389) to ${WORLD_V4}.`]],
    [[{ protocol: "icmp" }], []],
    [[{ protocol: "esp" }], []],
    [[tcp("ssh")], [`allows[0]: tcp port "ssh" is not a port or range to ${WORLD_V4}.`]],
    [[tcp("30-20")], [`allows[0]: tcp port "30-20" is not a port or range to ${WORLD_V4}.`]],
    // Every entry is judged, and messages name the entry.
    [
      [tcp("443"), { protocol: "udp", ports: ["53"] }, tcp("22"), { protocol: "all" }],
      [
        `allows[2]: tcp/22 exposes SSH (22) to ${WORLD_V4}.`,
        `allows[3]: protocol "all" opens every port to ${WORLD_V4}.`,
      ],
    ],
  ])("allows %j → %j", (allows, expected) => {
    expect(violations(world(...allows))).toEqual(expected);
  });

  it("maxPortRangeSize from the policy config", () => {
    expect(violations(world(tcp("8000-8019")), { maxPortRangeSize: 20 })).toEqual([]);
    expect(violations(world(tcp("8000-8020")), { maxPortRangeSize: 20 })).toEqual([
      `allows[0]: tcp/8000-8020 opens 21 ports (maximum 20) to ${WORLD_V4}.`,
    ]);
  });
});

describe("firewall-no-world-ingress on VPC firewall rules: which sources", () => {
  const ssh = [tcp("22")];

  it("no source at all is 0.0.0.0/0 to Google", () => {
    expect(violations(firewall({ allows: ssh }))).toEqual([
      "allows[0]: tcp/22 exposes SSH (22) to anywhere (no source given).",
    ]);
    expect(violations(firewall({ sourceRanges: [], sourceTags: [], allows: ssh }))).toEqual([
      "allows[0]: tcp/22 exposes SSH (22) to anywhere (no source given).",
    ]);
  });

  it("source tags or service accounts alone restrict the rule", () => {
    expect(violations(firewall({ sourceTags: ["bastion"], allows: ssh }))).toEqual([]);
    expect(
      violations(firewall({ sourceServiceAccounts: ["ci@p.iam.gserviceaccount.com"], allows: ssh })),
    ).toEqual([]);
    expect(violations(firewall({ sourceRanges: ["35.235.240.0/20"], allows: ssh }))).toEqual([]);
  });

  it("a world range next to tags still admits the world (sources are ORed); every range is named with the share they cover together", () => {
    expect(
      violations(firewall({ sourceRanges: ["0.0.0.0/0"], sourceTags: ["bastion"], allows: ssh })),
    ).toEqual([`allows[0]: tcp/22 exposes SSH (22) to ${WORLD_V4}.`]);
    // ::/0 less ::1, fc00::/7 (2^-7 of the space) and fe80::/10 (2^-10): 99.12 % of IPv6.
    expect(
      violations(firewall({ sourceRanges: ["35.235.240.0/20", "0.0.0.0/0", "::/0"], allows: ssh })),
    ).toEqual([
      "allows[0]: tcp/22 exposes SSH (22) to 35.235.240.0/20, 0.0.0.0/0, ::/0 (together 98.7% of IPv4, 99.1% of IPv6).",
    ]);
  });

  it("address space, not spelling: two halves are the world, private ranges are not", () => {
    expect(violations(firewall({ sourceRanges: ["0.0.0.0/1", "128.0.0.0/1"], allows: ssh }))).toEqual([
      "allows[0]: tcp/22 exposes SSH (22) to 0.0.0.0/1, 128.0.0.0/1 (together 98.7% of IPv4).",
    ]);
    expect(violations(firewall({ sourceRanges: ["10.0.0.0/8", "172.16.0.0/12"], allows: ssh }))).toEqual([]);
  });

  it("egress and disabled rules admit nothing; ingress is the default direction", () => {
    expect(violations(firewall({ direction: "EGRESS", allows: ssh }))).toEqual([]);
    expect(violations(firewall({ direction: "INGRESS", sourceRanges: ["0.0.0.0/0"], allows: ssh }))).toEqual([
      `allows[0]: tcp/22 exposes SSH (22) to ${WORLD_V4}.`,
    ]);
    expect(violations(firewall({ disabled: true, sourceRanges: ["0.0.0.0/0"], allows: ssh }))).toEqual([]);
    expect(violations(firewall({ disabled: false, sourceRanges: ["0.0.0.0/0"], allows: ssh }))).toEqual([
      `allows[0]: tcp/22 exposes SSH (22) to ${WORLD_V4}.`,
    ]);
  });
});

describe("firewall-no-world-ingress on network firewall policy rules", () => {
  const policyRule = (match: Record<string, unknown>, extra: Record<string, unknown> = {}): FakeResource => ({
    type: POLICY_RULE,
    props: { direction: "INGRESS", action: "allow", priority: 1000, firewallPolicy: "p", match, ...extra },
  });
  const ssh = [{ ipProtocol: "tcp", ports: ["22"] }];

  it("srcNetworkScope INTERNET is the internet, whatever its case, and ranges beside it are named instead", () => {
    expect(violations(policyRule({ srcNetworkScope: "INTERNET", layer4Configs: ssh }))).toEqual([
      "match.layer4Configs[0]: tcp/22 exposes SSH (22) to the internet (srcNetworkScope INTERNET).",
    ]);
    expect(violations(policyRule({ srcNetworkScope: "internet", layer4Configs: ssh }))).toEqual([
      "match.layer4Configs[0]: tcp/22 exposes SSH (22) to the internet (srcNetworkScope INTERNET).",
    ]);
    expect(
      violations(
        policyRule({ srcNetworkScope: "INTERNET", srcIpRanges: ["35.235.240.0/20"], layer4Configs: ssh }),
      ),
    ).toEqual([
      "match.layer4Configs[0]: tcp/22 exposes SSH (22) to the internet (srcNetworkScope INTERNET).",
    ]);
    expect(
      violations(policyRule({ srcNetworkScope: "INTERNET", srcIpRanges: ["0.0.0.0/0"], layer4Configs: ssh })),
    ).toEqual([`match.layer4Configs[0]: tcp/22 exposes SSH (22) to ${WORLD_V4}.`]);
  });

  it("another network scope, or any other kind of source, restricts the rule", () => {
    expect(violations(policyRule({ srcNetworkScope: "VPC_NETWORKS", layer4Configs: ssh }))).toEqual([]);
    expect(violations(policyRule({ srcNetworkScope: "INTRA_VPC", layer4Configs: ssh }))).toEqual([]);
    for (const field of [
      "srcAddressGroups",
      "srcFqdns",
      "srcRegionCodes",
      "srcThreatIntelligences",
      "srcSecureTags",
      "srcNetworks",
    ]) {
      expect(violations(policyRule({ [field]: ["x"], layer4Configs: ssh })), field).toEqual([]);
      expect(violations(policyRule({ [field]: [], layer4Configs: ssh })), field).toEqual([
        "match.layer4Configs[0]: tcp/22 exposes SSH (22) to anywhere (no source given).",
      ]);
    }
  });

  it("no source, or a null scope, is anywhere", () => {
    expect(violations(policyRule({ layer4Configs: ssh }))).toEqual([
      "match.layer4Configs[0]: tcp/22 exposes SSH (22) to anywhere (no source given).",
    ]);
    expect(violations(policyRule({ srcNetworkScope: null, layer4Configs: ssh }))).toEqual([
      "match.layer4Configs[0]: tcp/22 exposes SSH (22) to anywhere (no source given).",
    ]);
    expect(
      violations({ type: REGION_POLICY_RULE, props: { direction: "INGRESS", action: "allow", priority: 1 } }),
    ).toEqual([]);
  });

  it("only allowing actions on ingress count; direction and action in any case", () => {
    const open = { srcIpRanges: ["0.0.0.0/0"], layer4Configs: ssh };
    const expected = [`match.layer4Configs[0]: tcp/22 exposes SSH (22) to ${WORLD_V4}.`];
    expect(violations(policyRule(open, { action: "ALLOW" }))).toEqual(expected);
    expect(violations(policyRule(open, { action: "apply_security_profile_group" }))).toEqual(expected);
    expect(violations(policyRule(open, { direction: "ingress" }))).toEqual(expected);
    expect(violations(policyRule(open, { direction: undefined }))).toEqual(expected);
    expect(violations(policyRule(open, { action: "deny" }))).toEqual([]);
    expect(violations(policyRule(open, { action: "goto_next" }))).toEqual([]);
    expect(violations(policyRule(open, { action: undefined }))).toEqual([]);
    expect(violations(policyRule(open, { direction: "EGRESS" }))).toEqual([]);
    expect(violations(policyRule(open, { disabled: true }))).toEqual([]);
    expect(
      violations({
        type: REGION_POLICY_RULE,
        props: {
          direction: "INGRESS",
          action: "allow",
          match: { ...open, layer4Configs: [{ ipProtocol: "all" }] },
        },
      }),
    ).toEqual([`match.layer4Configs[0]: protocol "all" opens every port to ${WORLD_V4}.`]);
  });
});

describe("network-no-default-or-auto-mode", () => {
  const run = (type: string, props: Record<string, unknown>) =>
    runResource(noDefaultNetwork, { type, props }).messages;
  const NETWORK = "gcp:compute/network:Network";
  const PROJECT = "gcp:organizations/project:Project";

  it("exact messages for networks and projects", () => {
    expect(run(NETWORK, { name: "vpc", autoCreateSubnetworks: false })).toEqual([]);
    expect(run(NETWORK, { name: "vpc" })).toEqual([
      "autoCreateSubnetworks is not false: an auto-mode network creates a subnet in every region.",
    ]);
    expect(run(NETWORK, { name: "default", autoCreateSubnetworks: false })).toEqual([
      'the network is named "default".',
    ]);
    expect(run(NETWORK, { name: "default", autoCreateSubnetworks: true })).toEqual([
      "autoCreateSubnetworks is not false: an auto-mode network creates a subnet in every region.",
      'the network is named "default".',
    ]);
    expect(run(PROJECT, { projectId: "p", autoCreateNetwork: false })).toEqual([]);
    expect(run(PROJECT, { projectId: "p", name: "default", autoCreateNetwork: false })).toEqual([]);
    expect(run(PROJECT, { projectId: "p", autoCreateNetwork: true })).toEqual([
      "autoCreateNetwork is not false: the project gets a default network with permissive firewall rules.",
    ]);
  });
});

describe("isWorldRange at its boundaries", () => {
  it.each([
    // 0.0.0.0/8 ("this network") and 10.0.0.0/8 are not public addresses: admitting them admits no one outside.
    ["0.0.0.0/8", false],
    ["10.0.0.0/8", false],
    ["1.0.0.0/8", true],
    ["64.0.0.0/2", true],
    ["1.0.0.0/9", false],
    ["203.0.113.0/24", false],
    ["203.0.113.7/32", false],
    ["203.0.113.256", true],
    ["203.0.113.7/", true],
    ["203.0.113.7/abc", true],
    ["203.0.113.7/1000", true],
    ["1.2.3", true],
    // ::/16 holds the loopback ::1, which is not public: one address short of a /16's worth.
    ["::/16", false],
    ["1::/16", true],
    ["1::/17", false],
    ["2001:db8::", false],
    ["2001:db8::/129", true],
    ["2001:db8::/128", false],
    ["::ffff:1.0.0.0/104", true],
    ["::ffff:1.0.0.0/105", false],
    ["::FFFF:1.0.0.0/104", true],
    ["0:0:0:0:0:ffff:0:0/96", true],
    ["1::2::3/64", true],
    ["gggg::/64", true],
    ["", true],
  ])("%s → %s", (range, expected) => {
    expect(isWorldRange(range)).toBe(expected);
  });
});

describe("port helpers", () => {
  it.each([
    ["22", { from: 22, to: 22 }],
    [" 80 ", { from: 80, to: 80 }],
    ["1000-2000", { from: 1000, to: 2000 }],
    ["80-80", { from: 80, to: 80 }],
    ["2000-1000", undefined],
    ["80-", undefined],
    ["-80", undefined],
    ["http", undefined],
    ["80 - 90", undefined],
    ["", undefined],
  ])("parsePortRange(%j) → %j", (text, expected) => {
    expect(parsePortRange(text)).toEqual(expected);
  });

  it("tooWideAllow lists every reason of one entry", () => {
    expect(tooWideAllow("tcp", ["22", "3389", "1-100"], 50)).toEqual([
      "tcp/22 exposes SSH (22)",
      "tcp/3389 exposes RDP (3389)",
      "tcp/1-100 exposes SSH (22)",
      "tcp/1-100 opens 100 ports (maximum 50)",
    ]);
    expect(tooWideAllow("tcp", ["1-50"], 50)).toEqual(["tcp/1-50 exposes SSH (22)"]);
    expect(tooWideAllow("udp", ["100-150"], 50)).toEqual(["udp/100-150 opens 51 ports (maximum 50)"]);
    expect(tooWideAllow("gre", [], 50)).toEqual([]);
  });
});
