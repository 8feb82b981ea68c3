import { listOf, objectOf, type PlatformRule, type Props, resourceRule, schema } from "../lib/rule";

export const FIREWALL = "gcp:compute/firewall:Firewall";
export const NETWORK = "gcp:compute/network:Network";
export const PROJECT = "gcp:organizations/project:Project";
export const NETWORK_FIREWALL_POLICY_RULE = "gcp:compute/networkFirewallPolicyRule:NetworkFirewallPolicyRule";
export const REGION_NETWORK_FIREWALL_POLICY_RULE =
  "gcp:compute/regionNetworkFirewallPolicyRule:RegionNetworkFirewallPolicyRule";
const FIREWALL_POLICY_RULES: readonly string[] = [
  NETWORK_FIREWALL_POLICY_RULE,
  REGION_NETWORK_FIREWALL_POLICY_RULE,
];

/** Prefixes this short cover so much of the address space that they count as the internet. */
export const WORLD_IPV4_MAX_PREFIX = 8;
export const WORLD_IPV6_MAX_PREFIX = 16;

/**
 * Whether a source range is (as good as) the whole internet: IPv4 /8 or shorter, IPv6 /16 or
 * shorter (`::/0`, `::0/0`, `0::/0`, `2000::/3`...), an IPv4-mapped IPv6 range covering a /8.
 * A range that is not a readable CIDR counts as world-open: the rule cannot show it is narrow.
 */
export function isWorldRange(range: string): boolean {
  const text = range.trim();
  const [address, prefixText, ...rest] = text.split("/");
  if (rest.length > 0 || (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText))) return true;
  const ipv4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(address);
  if (ipv4) {
    if (ipv4.slice(1).some((octet) => Number(octet) > 255)) return true;
    const prefix = prefixText === undefined ? 32 : Number(prefixText);
    return prefix > 32 || prefix <= WORLD_IPV4_MAX_PREFIX;
  }
  if (address.includes(":") && /^[0-9A-Fa-f:.]+$/.test(address) && (address.match(/::/g) ?? []).length <= 1) {
    const prefix = prefixText === undefined ? 128 : Number(prefixText);
    if (prefix > 128) return true;
    if (/^(?:0{0,4}:){0,5}:?ffff:/i.test(address) && prefix <= 96 + WORLD_IPV4_MAX_PREFIX) return true;
    return prefix <= WORLD_IPV6_MAX_PREFIX;
  }
  return true;
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
  return world.length > 0 ? world.join(", ") : "anywhere (no source given)";
}

/** A VPC firewall rule's world-open ingress allows, if it has any. */
function firewallOpening(props: Props): Opening | undefined {
  if ((props.direction ?? "INGRESS") !== "INGRESS") return undefined;
  const sources = listOf(props.sourceRanges).map(String);
  const hasOtherSource =
    listOf(props.sourceTags).length > 0 || listOf(props.sourceServiceAccounts).length > 0;
  const world = sources.filter(isWorldRange);
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
  const world = sources.filter(isWorldRange);
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
    checks: `VPC Firewall INGRESS allow rules, and NetworkFirewallPolicyRule / RegionNetworkFirewallPolicyRule INGRESS rules with action \`allow\` (or \`apply_security_profile_group\`), whose sources are world-open (an IPv4 range of /${WORLD_IPV4_MAX_PREFIX} or shorter such as 0.0.0.0/0, an IPv6 range of /${WORLD_IPV6_MAX_PREFIX} or shorter such as ::/0 or ::0/0, a range that is not a CIDR, \`srcNetworkScope: INTERNET\`, or no source at all, which GCP treats as 0.0.0.0/0) do not cover 22, 3389, all ports (\`all\` / no ports) or ranges wider than \`maxPortRangeSize\`.`,
    checkov: ["CKV_GCP_2", "CKV_GCP_3"],
    remediationSteps:
      "Restrict sourceRanges / match.srcIpRanges (e.g. 35.235.240.0/20 for IAP TCP forwarding) or the ports; use a load balancer for public services.",
    configSchema: {
      properties: {
        maxPortRangeSize: schema.integer(10, 1, "Widest port range a world-open ingress rule may allow."),
      },
    },
    types: [FIREWALL, ...FIREWALL_POLICY_RULES],
    check: ({ type, props, config, report }) => {
      if (props.disabled === true) return;
      const opening = FIREWALL_POLICY_RULES.includes(type)
        ? policyRuleOpening(props)
        : firewallOpening(props);
      if (!opening) return;
      opening.entries.forEach(({ protocol, ports }, index) => {
        for (const problem of tooWideAllow(protocol, ports, config.maxPortRangeSize)) {
          report(`${opening.field}[${index}]: ${problem} to ${opening.from}.`);
        }
      });
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
