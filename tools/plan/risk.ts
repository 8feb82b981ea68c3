import { terminalText } from "../../stacks/config/terminal-text";
import { classifyResourceType } from "../plan-summary/classify";
import type { PlannedResource } from "./model";
import { isUnknownValue, KNOWN_AFTER_UP } from "./unknown-values";

/**
 * The plan's risk summary: what a reviewer checks first. Pure; the classes come from the same
 * classifier as the pull-request summary so both reports agree.
 */
export interface RiskSummary {
  identity: { count: number; grants: string[] };
  network: { count: number; worldIngress: string[]; externalAddresses: string[] };
  data: { count: number };
  deletionProtection: { stateful: number; protected: number; unprotected: string[] };
}

const WORLD = ["0.0.0.0/0", "::/0"];

/** Types whose deletion loses data or identity that cannot be recreated as it was. */
export const STATEFUL_TYPES = new Set([
  "gcp:organizations/project:Project",
  "gcp:kms/keyRing:KeyRing",
  "gcp:kms/cryptoKey:CryptoKey",
  "gcp:logging/projectBucketConfig:ProjectBucketConfig",
  "gcp:storage/bucket:Bucket",
  "gcp:sql/databaseInstance:DatabaseInstance",
  "gcp:bigquery/dataset:Dataset",
  "gcp:compute/network:Network",
  "gcp:compute/disk:Disk",
  "gcp:iam/workloadIdentityPool:WorkloadIdentityPool",
]);

export function summarizeRisk(resources: PlannedResource[]): RiskSummary {
  const summary: RiskSummary = {
    identity: { count: 0, grants: [] },
    network: { count: 0, worldIngress: [], externalAddresses: [] },
    data: { count: 0 },
    deletionProtection: { stateful: 0, protected: 0, unprotected: [] },
  };
  for (const resource of resources) {
    if (!resource.custom) continue;
    const kind = classifyResourceType(resource.type);
    const inputs = resource.inputs;
    if (kind === "identity") {
      summary.identity.count++;
      if (typeof inputs.role === "string" && typeof inputs.member === "string") {
        // Unknown members are distinct members, not one: keep them apart by resource.
        const member = isUnknownValue(inputs.member) ? `${KNOWN_AFTER_UP} (${resource.urn})` : inputs.member;
        summary.identity.grants.push(`${inputs.role} → ${member}`);
      }
    } else if (kind === "network") {
      summary.network.count++;
      const sources = Array.isArray(inputs.sourceRanges) ? (inputs.sourceRanges as string[]) : [];
      const allows = Array.isArray(inputs.allows) && inputs.allows.length > 0;
      if (resource.type === "gcp:compute/firewall:Firewall" && allows && inputs.direction !== "EGRESS") {
        if (sources.some((range) => WORLD.includes(range))) summary.network.worldIngress.push(resource.name);
      }
      if (/address:(Global)?Address$/.test(resource.type) && inputs.addressType !== "INTERNAL") {
        summary.network.externalAddresses.push(resource.name);
      }
    } else if (kind === "data") {
      summary.data.count++;
    }
    if (STATEFUL_TYPES.has(resource.type)) {
      summary.deletionProtection.stateful++;
      if (resource.protect) summary.deletionProtection.protected++;
      else summary.deletionProtection.unprotected.push(resource.name);
    }
  }
  summary.identity.grants = [...new Set(summary.identity.grants)].sort();
  return summary;
}

export function renderRisk(risk: RiskSummary): string[] {
  const grantsByRole = new Map<string, number>();
  for (const grant of risk.identity.grants) {
    const role = grant.split(" → ")[0];
    grantsByRole.set(role, (grantsByRole.get(role) ?? 0) + 1);
  }
  const roles = wrap(
    [...grantsByRole.entries()].map(([role, count]) => `${terminalText(role)} ×${count}`),
    "                      ",
  );
  const { stateful, unprotected } = risk.deletionProtection;
  return [
    "Risk summary:",
    `  identity            ${risk.identity.count} resources; roles granted (role ×members):${roles ? `\n${roles}` : " none"}`,
    `  network exposure    ${risk.network.count} resources; world-open ingress: ${list(risk.network.worldIngress)}; external addresses: ${list(risk.network.externalAddresses)}`,
    `  data                ${risk.data.count} resources`,
    `  deletion protection ${risk.deletionProtection.protected}/${stateful} stateful resources protected${
      unprotected.length > 0 ? `; unprotected: ${list(unprotected)}` : ""
    }`,
  ];
}

/** Comma-separated items on lines of at most 110 characters, each line indented. */
function wrap(items: string[], indent: string): string {
  const lines: string[] = [];
  let line = "";
  for (const item of items) {
    if (line && indent.length + line.length + item.length + 2 > 110) {
      lines.push(`${indent}${line},`);
      line = "";
    }
    line = line ? `${line}, ${item}` : item;
  }
  if (line) lines.push(`${indent}${line}`);
  return lines.join("\n");
}

function list(untrusted: string[]): string {
  if (untrusted.length === 0) return "none";
  const names = untrusted.map(terminalText);
  return names.length > 6 ? `${names.slice(0, 6).join(", ")} and ${names.length - 6} more` : names.join(", ");
}
