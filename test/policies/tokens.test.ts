/**
 * The pack matches type tokens and property names as strings (it never loads the provider SDKs),
 * so this test checks them against the installed @pulumi/gcp and @pulumi/kubernetes packages.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { iamFamilyOf, STORAGE_ACL_LIST_TYPES, STORAGE_ACL_TYPES } from "../../policies/lib/iam";
import { VM_TYPES } from "../../policies/rules/compute";
import { BINDING_TYPES, ROLE_TYPES, WORKLOAD_POD_SPEC_PATHS } from "../../policies/rules/kubernetes";
import { LABEL_FIELDS, LOCATION_FIELDS } from "../../policies/rules/labels";
import { OTHER_POLICY_SOURCES } from "../../policies/rules/network";
import { STATEFUL_TYPES } from "../../policies/rules/protection";
import {
  BUDGET,
  LOG_SINKS,
  SERVICE_ACCOUNT,
  SERVICE_ACCOUNT_IAM,
  SERVICE_ACCOUNT_IAM_MEMBER,
} from "../../policies/rules/stack";

const modules = join(__dirname, "../../node_modules/@pulumi");

function argsOf(token: string): string[] {
  const [, modulePath, name] = token.split(":");
  const [module, file] = modulePath.split("/");
  // File names are not always the token's casing (iAMMember → iammember.d.ts).
  const dir = join(modules, "gcp", module);
  const fileName =
    readdirSync(dir).find((entry) => entry.toLowerCase() === `${file.toLowerCase()}.d.ts`) ?? `${file}.d.ts`;
  const path = join(dir, fileName);
  const text = readFileSync(path, "utf8");
  const start = text.indexOf(`export interface ${name}Args {`);
  expect(start, `${name}Args in ${path}`).toBeGreaterThanOrEqual(0);
  const body = text.slice(start, text.indexOf("\n}", start));
  return [...body.matchAll(/^ {4}([A-Za-z0-9]+)\??:/gm)].map((m) => m[1]);
}

function tokensIn(dir: string): Set<string> {
  const tokens = new Set<string>();
  const walk = (path: string) => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const child = join(path, entry.name);
      if (entry.isDirectory() && entry.name !== "node_modules" && entry.name !== "types") walk(child);
      else if (entry.name.endsWith(".js")) {
        for (const match of readFileSync(child, "utf8").matchAll(/__pulumiType = ['"]([^'"]+)['"]/g))
          tokens.add(match[1]);
      }
    }
  };
  walk(dir);
  return tokens;
}

/** Token → top-level properties the rules read. */
const GCP_PROPERTIES: Record<string, string[]> = {
  "gcp:storage/bucket:Bucket": [
    "publicAccessPrevention",
    "uniformBucketLevelAccess",
    "versioning",
    "labels",
    "location",
    "name",
  ],
  "gcp:container/cluster:Cluster": [
    "privateClusterConfig",
    "masterAuthorizedNetworksConfig",
    "workloadIdentityConfig",
    "nodeConfig",
    "nodePools",
    "removeDefaultNodePool",
    "enableAutopilot",
    "enableShieldedNodes",
    "enableLegacyAbac",
    "masterAuth",
    "networkPolicy",
    "datapathProvider",
    "releaseChannel",
    "resourceLabels",
    "location",
  ],
  "gcp:container/nodePool:NodePool": ["nodeConfig", "management", "location"],
  "gcp:sql/databaseInstance:DatabaseInstance": [
    "settings",
    "deletionProtection",
    "masterInstanceName",
    "region",
  ],
  "gcp:kms/cryptoKey:CryptoKey": ["rotationPeriod", "purpose", "labels"],
  "gcp:compute/instance:Instance": [
    "networkInterfaces",
    "metadata",
    "serviceAccount",
    "shieldedInstanceConfig",
    "labels",
    "zone",
  ],
  "gcp:compute/instanceTemplate:InstanceTemplate": [
    "networkInterfaces",
    "metadata",
    "serviceAccount",
    "shieldedInstanceConfig",
  ],
  "gcp:compute/firewall:Firewall": [
    "direction",
    "sourceRanges",
    "sourceTags",
    "sourceServiceAccounts",
    "allows",
    "disabled",
  ],
  "gcp:compute/networkFirewallPolicyRule:NetworkFirewallPolicyRule": [
    "direction",
    "action",
    "match",
    "disabled",
  ],
  "gcp:compute/regionNetworkFirewallPolicyRule:RegionNetworkFirewallPolicyRule": [
    "direction",
    "action",
    "match",
    "disabled",
  ],
  "gcp:compute/network:Network": ["autoCreateSubnetworks", "name"],
  "gcp:organizations/project:Project": ["autoCreateNetwork", "labels"],
  "gcp:dns/managedZone:ManagedZone": ["visibility", "dnssecConfig", "labels"],
  "gcp:bigquery/dataset:Dataset": ["accesses", "labels", "location"],
  "gcp:bigquery/datasetAccess:DatasetAccess": [
    "role",
    "userByEmail",
    "groupByEmail",
    "domain",
    "specialGroup",
    "iamMember",
  ],
  "gcp:monitoring/alertPolicy:AlertPolicy": ["notificationChannels", "documentation", "userLabels"],
  "gcp:monitoring/notificationChannel:NotificationChannel": ["labels", "sensitiveLabels", "userLabels"],
  "gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider": [
    "attributeCondition",
    "attributeMapping",
  ],
  "gcp:serviceaccount/account:Account": ["accountId"],
  "gcp:serviceaccount/iAMMember:IAMMember": ["serviceAccountId", "role", "member"],
  "gcp:serviceaccount/iAMBinding:IAMBinding": ["role", "members", "serviceAccountId"],
  "gcp:serviceaccount/iAMPolicy:IAMPolicy": ["policyData", "serviceAccountId"],
  "gcp:projects/iAMPolicy:IAMPolicy": ["policyData"],
  "gcp:storage/bucketIAMMember:BucketIAMMember": ["bucket", "role", "member"],
  "gcp:storage/bucketAccessControl:BucketAccessControl": ["entity", "role"],
  "gcp:storage/bucketACL:BucketACL": ["roleEntities", "predefinedAcl", "defaultAcl"],
  "gcp:storage/objectACL:ObjectACL": ["roleEntities", "predefinedAcl"],
  "gcp:storage/defaultObjectACL:DefaultObjectACL": ["roleEntities"],
};

describe("type tokens and property names", () => {
  const gcpTokens = tokensIn(join(modules, "gcp"));

  it("every GCP token the rules use exists", () => {
    const used = [
      ...Object.keys(GCP_PROPERTIES),
      ...Object.keys(LABEL_FIELDS),
      ...Object.keys(LOCATION_FIELDS),
      ...VM_TYPES,
      ...STATEFUL_TYPES,
      ...STORAGE_ACL_TYPES,
      ...STORAGE_ACL_LIST_TYPES,
      ...LOG_SINKS,
      BUDGET,
      SERVICE_ACCOUNT,
      SERVICE_ACCOUNT_IAM_MEMBER,
      ...SERVICE_ACCOUNT_IAM,
      "gcp:serviceaccount/key:Key",
    ];
    expect(used.filter((token) => !gcpTokens.has(token))).toEqual([]);
  });

  it.each(Object.entries(GCP_PROPERTIES))("%s has the properties the rules read", (token, properties) => {
    const args = argsOf(token);
    expect(properties.filter((property) => !args.includes(property))).toEqual([]);
  });

  it("label and location fields exist on their types", () => {
    for (const [token, path] of Object.entries(LABEL_FIELDS)) expect(argsOf(token), token).toContain(path[0]);
    for (const [token, field] of Object.entries(LOCATION_FIELDS))
      expect(argsOf(token), token).toContain(field);
    const settings = readFileSync(join(modules, "gcp/types/input.d.ts"), "utf8");
    expect(settings).toMatch(/interface DatabaseInstanceSettings \{[\s\S]*?userLabels\?:/);
  });

  it("firewall policy rule match fields exist", () => {
    const inputs = readFileSync(join(modules, "gcp/types/input.d.ts"), "utf8");
    for (const prefix of ["NetworkFirewallPolicyRule", "RegionNetworkFirewallPolicyRule"]) {
      const match = new RegExp(`interface ${prefix}Match \\{([\\s\\S]*?)\\n    \\}`).exec(inputs);
      expect(match, `${prefix}Match`).not.toBeNull();
      // The rule's own list, so a source it starts reading is checked against the SDK too.
      for (const field of ["srcIpRanges", "layer4Configs", "srcNetworkScope", ...OTHER_POLICY_SOURCES])
        expect(match![1], `${prefix}Match.${field}`).toMatch(new RegExp(`\\n        ${field}\\??:`));
      const layer4 = new RegExp(`interface ${prefix}MatchLayer4Config \\{([\\s\\S]*?)\\n    \\}`).exec(
        inputs,
      );
      expect(layer4![1]).toMatch(/ipProtocol:/);
      expect(layer4![1]).toMatch(/ports\?:/);
    }
  });

  it("the IAM family pattern covers every IAM member/binding/policy resource in the provider", () => {
    const families = [...gcpTokens].filter((token) => /I(AM|am)(Member|Binding|Policy)$/.test(token));
    // The exact number moves with every @pulumi/gcp release; a short list would mean a broken reader.
    expect(families.length).toBeGreaterThan(400);
    expect(families.filter((token) => !iamFamilyOf(token))).toEqual([]);
  });

  it("every Kubernetes token the rules use exists", () => {
    const k8s = join(modules, "kubernetes");
    expect(existsSync(k8s)).toBe(true);
    const tokens = new Set<string>();
    for (const dir of ["core/v1", "apps/v1", "batch/v1", "rbac/v1", "helm/v3", "helm/v4"]) {
      for (const token of tokensIn(join(k8s, dir))) tokens.add(token);
    }
    const used = [
      ...Object.keys(WORKLOAD_POD_SPEC_PATHS),
      ...ROLE_TYPES,
      ...BINDING_TYPES,
      "kubernetes:helm.sh/v3:Release",
      "kubernetes:helm.sh/v4:Chart",
    ];
    expect(used.filter((token) => !tokens.has(token))).toEqual([]);
  });
});
