import { listOf, type PlatformRule, resourceRule, schema } from "../lib/rule";

export const FIREWALL = "gcp:compute/firewall:Firewall";
export const NETWORK = "gcp:compute/network:Network";
export const PROJECT = "gcp:organizations/project:Project";

const WORLD = new Set(["0.0.0.0/0", "::/0"]);
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

export const networkRules: PlatformRule[] = [
  resourceRule<{ maxPortRangeSize: number }>({
    name: "firewall-no-world-ingress",
    description: "No firewall rule admits the internet to SSH, RDP, all ports or wide port ranges.",
    severity: "critical",
    category: "security",
    checks:
      "INGRESS allow rules with 0.0.0.0/0 or ::/0 (or no source at all, which GCP treats as 0.0.0.0/0) do not cover 22, 3389, all ports (`all` / no ports) or ranges wider than `maxPortRangeSize`.",
    checkov: ["CKV_GCP_2", "CKV_GCP_3"],
    remediationSteps:
      "Restrict sourceRanges (e.g. 35.235.240.0/20 for IAP TCP forwarding) or the ports; use a load balancer for public services.",
    configSchema: {
      properties: {
        maxPortRangeSize: schema.integer(10, 1, "Widest port range a world-open ingress rule may allow."),
      },
    },
    types: [FIREWALL],
    check: ({ props, config, report }) => {
      if (props.disabled === true) return;
      if ((props.direction ?? "INGRESS") !== "INGRESS") return;
      const sources = listOf(props.sourceRanges).map(String);
      const hasOtherSource =
        listOf(props.sourceTags).length > 0 || listOf(props.sourceServiceAccounts).length > 0;
      const world = sources.filter((range) => WORLD.has(range));
      if (world.length === 0 && (sources.length > 0 || hasOtherSource)) return;
      const from = world.length > 0 ? world.join(", ") : "anywhere (no source given)";
      listOf(props.allows).forEach((allow, index) => {
        const ports = listOf(allow?.ports).map(String);
        for (const problem of tooWideAllow(String(allow?.protocol ?? ""), ports, config.maxPortRangeSize)) {
          report(`allows[${index}]: ${problem} to ${from}.`);
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
