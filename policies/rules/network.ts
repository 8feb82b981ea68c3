import {
  describeRanges,
  isWorldOpen,
  WORLD_IPV4_SHARE_PREFIX,
  WORLD_IPV6_SHARE_PREFIX,
} from "../lib/address-space";
import { listOf, objectOf, type PlatformRule, type Props, resourceRule, schema } from "../lib/rule";

export const FIREWALL = "gcp:compute/firewall:Firewall";
export const NETWORK = "gcp:compute/network:Network";
export const PROJECT = "gcp:organizations/project:Project";
export const NETWORK_FIREWALL_POLICY_RULE = "gcp:compute/networkFirewallPolicyRule:NetworkFirewallPolicyRule";
export const REGION_NETWORK_FIREWALL_POLICY_RULE =
  "gcp:compute/regionNetworkFirewallPolicyRule:RegionNetworkFirewallPolicyRule";
export const FIREWALL_POLICY_RULE = "gcp:compute/firewallPolicyRule:FirewallPolicyRule";
const FIREWALL_POLICY_RULES: readonly string[] = [
  NETWORK_FIREWALL_POLICY_RULE,
  REGION_NETWORK_FIREWALL_POLICY_RULE,
  FIREWALL_POLICY_RULE,
];
/** Firewall policies that carry their rules inline (`rules[]`), hierarchical, global and regional. */
export const FIREWALL_POLICIES_WITH_RULES: readonly string[] = [
  "gcp:compute/firewallPolicyWithRules:FirewallPolicyWithRules",
  "gcp:compute/networkFirewallPolicyWithRules:NetworkFirewallPolicyWithRules",
  "gcp:compute/regionNetworkFirewallPolicyWithRules:RegionNetworkFirewallPolicyWithRules",
];

/**
 * Whether one source range is (as good as) the whole internet: it covers at least an IPv4 /8 or an
 * IPv6 /16 worth of addresses, or cannot be read. Rules measure the union of all ranges instead
 * (coverageOf): a split range is as open as a whole one.
 */
export function isWorldRange(range: string): boolean {
  return isWorldOpen([range]);
}
const ADMIN_PORTS: Record<number, string> = { 22: "SSH", 3389: "RDP" };
const PORTED_PROTOCOLS = new Set(["tcp", "udp", "sctp", "6", "17", "132"]);

interface PortRange {
  from: number;
  to: number;
}

/** "22" → 22-22, "1000-2000" → 1000-2000; undefined for anything else. */
export function parsePortRange(text: string): PortRange | undefined {
  const match = /^(\d+)(?:-(\d+))?$/.exec(text.trim());
  if (!match) return undefined;
  const from = Number(match[1]);
  const to = match[2] === undefined ? from : Number(match[2]);
  return from <= to ? { from, to } : undefined;
}

/** Why one `allows` entry of a world-open ingress rule is too wide, if it is. */
export function tooWideAllow(protocol: string, ports: string[], maxPortRangeSize: number): string[] {
  const proto = protocol.toLowerCase();
  if (proto === "all") return [`protocol "all" opens every port`];
  if (!PORTED_PROTOCOLS.has(proto)) return [];
  if (ports.length === 0) return [`${proto} with no ports opens every port`];
  const problems: string[] = [];
  for (const port of ports) {
    const range = parsePortRange(port);
    if (!range) {
      problems.push(`${proto} port ${JSON.stringify(port)} is not a port or range`);
      continue;
    }
    for (const [admin, label] of Object.entries(ADMIN_PORTS)) {
      if (range.from <= Number(admin) && Number(admin) <= range.to)
        problems.push(`${proto}/${port} exposes ${label} (${admin})`);
    }
    const size = range.to - range.from + 1;
    if (size > maxPortRangeSize)
      problems.push(`${proto}/${port} opens ${size} ports (maximum ${maxPortRangeSize})`);
  }
  return problems;
}

interface Opening {
  /** The world-open sources, for messages. */
  from: string;
  /** Where the protocol entries are (`allows`, `match.layer4Configs`). */
  field: string;
  entries: { protocol: string; ports: string[] }[];
}

function fromText(world: string[]): string {
  return world.length > 0 ? describeRanges(world) : "anywhere (no source given)";
}

/** A VPC firewall rule's world-open ingress allows, if it has any. */
function firewallOpening(props: Props): Opening | undefined {
  if ((props.direction ?? "INGRESS") !== "INGRESS") return undefined;
  const sources = listOf(props.sourceRanges).map(String);
  const hasOtherSource =
    listOf(props.sourceTags).length > 0 || listOf(props.sourceServiceAccounts).length > 0;
  const world = isWorldOpen(sources) ? sources : [];
  if (world.length === 0 && (sources.length > 0 || hasOtherSource)) return undefined;
  return {
    from: fromText(world),
    field: "allows",
    entries: listOf(props.allows).map((allow) => ({
      protocol: String(allow?.protocol ?? ""),
      ports: listOf(allow?.ports).map(String),
    })),
  };
}

/** Actions of a firewall policy rule that let matching traffic through. */
const ALLOWING_ACTIONS = new Set(["allow", "apply_security_profile_group"]);
/** Sources of a firewall policy rule other than IP ranges: with one of them the rule is not open to all. */
export const OTHER_POLICY_SOURCES = [
  "srcAddressGroups",
  "srcFqdns",
  "srcRegionCodes",
  "srcThreatIntelligences",
  "srcSecureTags",
  "srcNetworks",
];

/** A (regional) network firewall policy rule's world-open ingress allows, if it has any. */
function policyRuleOpening(props: Props): Opening | undefined {
  if (String(props.direction ?? "INGRESS").toUpperCase() !== "INGRESS") return undefined;
  if (!ALLOWING_ACTIONS.has(String(props.action ?? "").toLowerCase())) return undefined;
  const match = objectOf(props.match) ?? {};
  const sources = listOf(match.srcIpRanges).map(String);
  const world = isWorldOpen(sources) ? sources : [];
  const internetScope = String(match.srcNetworkScope ?? "").toUpperCase() === "INTERNET";
  const hasOtherSource =
    OTHER_POLICY_SOURCES.some((field) => listOf(match[field]).length > 0) ||
    (match.srcNetworkScope !== undefined && match.srcNetworkScope !== null && !internetScope);
  if (world.length === 0 && !internetScope && (sources.length > 0 || hasOtherSource)) return undefined;
  return {
    from: world.length === 0 && internetScope ? "the internet (srcNetworkScope INTERNET)" : fromText(world),
    field: "match.layer4Configs",
    entries: listOf(match.layer4Configs).map((config) => ({
      protocol: String(config?.ipProtocol ?? ""),
      ports: listOf(config?.ports).map(String),
    })),
  };
}

export const networkRules: PlatformRule[] = [
  resourceRule<{ maxPortRangeSize: number }>({
    name: "firewall-no-world-ingress",
    description: "No firewall rule admits the internet to SSH, RDP, all ports or wide port ranges.",
    severity: "critical",
    category: "security",
    checks: `VPC Firewall INGRESS allow rules, and INGRESS rules with action \`allow\` (or \`apply_security_profile_group\`) of NetworkFirewallPolicyRule / RegionNetworkFirewallPolicyRule / hierarchical FirewallPolicyRule and the inline \`rules\` of FirewallPolicyWithRules / NetworkFirewallPolicyWithRules / RegionNetworkFirewallPolicyWithRules, whose sources are world-open (the union of the source ranges, merged as intervals, covers at least an IPv4 /${WORLD_IPV4_SHARE_PREFIX} or an IPv6 /${WORLD_IPV6_SHARE_PREFIX} worth of addresses however it is split, e.g. 0.0.0.0/1 + 128.0.0.0/1; a range that is not a CIDR; \`srcNetworkScope: INTERNET\`; or no source at all, which GCP treats as 0.0.0.0/0) do not cover 22, 3389, all ports (\`all\` / no ports) or ranges wider than \`maxPortRangeSize\`.`,
    checkov: ["CKV_GCP_2", "CKV_GCP_3"],
    remediationSteps:
      "Restrict sourceRanges / match.srcIpRanges (e.g. 35.235.240.0/20 for IAP TCP forwarding) or the ports; use a load balancer for public services.",
    configSchema: {
      properties: {
        maxPortRangeSize: schema.integer(10, 1, "Widest port range a world-open ingress rule may allow."),
      },
    },
    types: [FIREWALL, ...FIREWALL_POLICY_RULES, ...FIREWALL_POLICIES_WITH_RULES],
    check: ({ type, props, config, report }) => {
      const judge = (rule: Props, prefix: string) => {
        if (rule.disabled === true) return;
        const opening = type === FIREWALL ? firewallOpening(rule) : policyRuleOpening(rule);
        if (!opening) return;
        opening.entries.forEach(({ protocol, ports }, index) => {
          for (const problem of tooWideAllow(protocol, ports, config.maxPortRangeSize)) {
            report(`${prefix}${opening.field}[${index}]: ${problem} to ${opening.from}.`);
          }
        });
      };
      if (FIREWALL_POLICIES_WITH_RULES.includes(type)) {
        listOf(props.rules).forEach((rule, index) => {
          judge(objectOf(rule) ?? {}, `rules[${index}].`);
        });
      } else judge(props, "");
    },
  }),
  resourceRule({
    name: "network-no-default-or-auto-mode",
    description: "No default network and no auto-mode VPC.",
    severity: "medium",
    category: "security",
    checks:
      "Network `autoCreateSubnetworks` is false (provider default true) and not named `default`; Project `autoCreateNetwork` is false.",
    checkov: ["CKV_GCP_27"],
    remediationSteps:
      "Set `autoCreateSubnetworks: false` and declare subnetworks explicitly; set `autoCreateNetwork: false` on projects.",
    types: [NETWORK, PROJECT],
    check: ({ type, props, report }) => {
      if (type === PROJECT) {
        if (props.autoCreateNetwork !== false) {
          report(
            "autoCreateNetwork is not false: the project gets a default network with permissive firewall rules.",
          );
        }
        return;
      }
      if (props.autoCreateSubnetworks !== false) {
        report("autoCreateSubnetworks is not false: an auto-mode network creates a subnet in every region.");
      }
      if (props.name === "default") report('the network is named "default".');
    },
  }),
];
