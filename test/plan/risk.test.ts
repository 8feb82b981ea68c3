import { describe, expect, it } from "vitest";
import type { PlannedResource } from "../../tools/plan/model";
import { renderRisk, summarizeRisk } from "../../tools/plan/risk";

function resource(
  type: string,
  name: string,
  inputs: Record<string, unknown> = {},
  protect = false,
): PlannedResource {
  return {
    urn: `urn:pulumi:dev::platform::${type}::${name}`,
    type,
    name,
    parent: null,
    custom: true,
    protect,
    inputs,
  };
}

describe("summarizeRisk", () => {
  const resources = [
    resource("gcp:compute/firewall:Firewall", "deny-all", {
      direction: "INGRESS",
      denies: [{ protocol: "all" }],
      sourceRanges: ["0.0.0.0/0"],
    }),
    resource("gcp:compute/firewall:Firewall", "open-ssh", {
      direction: "INGRESS",
      allows: [{ protocol: "tcp", ports: ["22"] }],
      sourceRanges: ["0.0.0.0/0"],
    }),
    resource("gcp:compute/firewall:Firewall", "iap-ssh", {
      allows: [{ protocol: "tcp", ports: ["22"] }],
      sourceRanges: ["35.235.240.0/20"],
    }),
    resource("gcp:compute/address:Address", "lb-ip", {}),
    resource("gcp:compute/address:Address", "internal-ip", { addressType: "INTERNAL" }),
    resource("gcp:projects/iAMMember:IAMMember", "a", {
      role: "roles/viewer",
      member: "group:a@example.com",
    }),
    resource("gcp:projects/iAMMember:IAMMember", "b", {
      role: "roles/viewer",
      member: "group:b@example.com",
    }),
    resource("gcp:storage/bucket:Bucket", "assets", {}, false),
    resource("gcp:kms/cryptoKey:CryptoKey", "key", {}, true),
    { ...resource("platform:environment:GcpEnvironment", "env"), custom: false },
  ];
  const risk = summarizeRisk(resources);

  it("flags only allow rules open to the world, and external addresses", () => {
    expect(risk.network.worldIngress).toEqual(["open-ssh"]);
    expect(risk.network.externalAddresses).toEqual(["lb-ip"]);
    expect(risk.network.count).toBe(5);
  });

  it("lists each grant once and counts members per role", () => {
    expect(risk.identity.grants).toEqual([
      "roles/viewer → group:a@example.com",
      "roles/viewer → group:b@example.com",
    ]);
    expect(renderRisk(risk)[1]).toBe(
      "  identity            2 resources; roles granted (role ×members):\n                      roles/viewer ×2",
    );
  });

  it("counts stateful resources and names the unprotected ones", () => {
    expect(risk.deletionProtection).toEqual({ stateful: 2, protected: 1, unprotected: ["assets"] });
    expect(renderRisk(risk).at(-1)).toBe(
      "  deletion protection 1/2 stateful resources protected; unprotected: assets",
    );
  });
});

describe("what counts as stateful", () => {
  it("is the data, keys, networks and identities whose deletion cannot be undone, written by hand", () => {
    const stateful = [
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
    ];
    const stateless = [
      "gcp:compute/firewall:Firewall",
      "gcp:projects/iAMMember:IAMMember",
      "gcp:projects/service:Service",
      "gcp:monitoring/alertPolicy:AlertPolicy",
    ];
    const unprotected = summarizeRisk(
      [...stateful, ...stateless].map((type, index) => resource(type, `r${index}`)),
    ).deletionProtection;
    expect(unprotected).toEqual({
      stateful: stateful.length,
      protected: 0,
      unprotected: stateful.map((_, index) => `r${index}`),
    });
  });
});
