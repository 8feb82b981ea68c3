/**
 * Cases where the pack must judge values as Google does, not as they are spelt: IAM policy
 * documents decoded like the provider's Go JSON, address space, audit trail, types nobody else
 * checks. Each failing fixture lists its exact violations of the rule.
 */
import type { Case } from "./cases";
import type { FakeResource } from "./harness";

const GROUP = "group:ops@example.com";
const policy = (type: string, document: unknown, extra: Record<string, unknown> = {}): FakeResource => ({
  type,
  props: { ...extra, policyData: typeof document === "string" ? document : JSON.stringify(document) },
});
const PROJECT_POLICY = "gcp:projects/iAMPolicy:IAMPolicy";
const BUCKET_POLICY = "gcp:storage/bucketIAMPolicy:BucketIAMPolicy";

export const judgingCases: Case[] = [
  {
    rule: "iam-no-public-members",
    pass: policy(
      BUCKET_POLICY,
      { Bindings: [{ Role: "roles/storage.objectViewer", Members: [GROUP] }] },
      { bucket: "b" },
    ),
    fail: policy(
      BUCKET_POLICY,
      { Bindings: [{ Role: "roles/owner", Members: ["allUsers"] }] },
      { bucket: "b" },
    ),
    expect: [],
    violations: [
      "policyData.bindings[0].members[0]: allUsers is granted roles/owner; this makes the resource public.",
    ],
  },
  {
    rule: "iam-no-public-members",
    pass: policy(
      BUCKET_POLICY,
      '{"bindings":[{"role":"roles/storage.objectViewer","members":["group:ops@example.com"]}]}',
      {
        bucket: "b",
      },
    ),
    // U+017F (long s) and U+212A (Kelvin sign) fold to s and k in Go's decoder; an upper-case member is the same member.
    fail: policy(
      BUCKET_POLICY,
      '{"BINDING\u017f":[{"rOLE":"roles/storage.objectViewer","MEMBERS":[" ALLAUTHENTICATEDUSERS "]}]}',
      {
        bucket: "b",
      },
    ),
    expect: [],
    violations: [
      "policyData.bindings[0].members[0]: allAuthenticatedUsers is granted roles/storage.objectViewer; this makes the resource public.",
    ],
  },
  {
    rule: "iam-no-public-members",
    pass: policy(BUCKET_POLICY, { bindings: [], etag: "BwX=", version: 3 }, { bucket: "b" }),
    fail: policy(
      BUCKET_POLICY,
      '{"bindings":[{"role":"roles/storage.objectViewer","members":["group:ops@example.com"]}],"Bindings":[{"role":"roles/storage.admin","members":["allUsers"]}]}',
      { bucket: "b" },
    ),
    expect: [],
    violations: [
      'policyData has the key bindings twice ("bindings" and "Bindings"); the provider would merge them, so its grants cannot be checked',
    ],
  },
  {
    rule: "iam-no-public-members",
    pass: policy(
      BUCKET_POLICY,
      {
        bindings: [
          {
            role: "roles/storage.objectViewer",
            members: [GROUP],
            condition: { title: "t", expression: "true" },
          },
        ],
      },
      { bucket: "b" },
    ),
    fail: policy(
      BUCKET_POLICY,
      { bindings: [{ role: "roles/storage.objectViewer", members: [GROUP], member: "allUsers" }] },
      { bucket: "b" },
    ),
    expect: [],
    violations: [
      'policyData.bindings[0] has the key "member", which is not part of the IAM policy format (expected condition, members, role), so its grants cannot be checked',
    ],
  },
  {
    rule: "iam-no-public-members",
    pass: policy(BUCKET_POLICY, "null", { bucket: "b" }),
    fail: policy(
      BUCKET_POLICY,
      { bindings: [{ role: "roles/storage.objectViewer", members: "allUsers" }] },
      { bucket: "b" },
    ),
    expect: [],
    violations: [
      'policyData.bindings[0].members is string "allUsers", expected an array, so its grants cannot be checked',
    ],
  },
  {
    rule: "iam-no-primitive-roles",
    pass: policy(
      PROJECT_POLICY,
      { bindings: [{ role: "roles/logging.viewer", members: [GROUP] }] },
      { project: "p" },
    ),
    fail: policy(
      PROJECT_POLICY,
      { BINDINGS: [{ ROLE: "roles/editor", mEmBeRs: [GROUP] }] },
      { project: "p" },
    ),
    expect: [],
    violations: [
      "policyData.bindings[0].members[0]: primitive role roles/editor granted to group:ops@example.com at project level.",
    ],
  },
  {
    rule: "iam-no-primitive-roles",
    pass: policy(
      PROJECT_POLICY,
      { bindings: [{ role: "roles/logging.viewer", members: [GROUP] }] },
      { project: "p" },
    ),
    fail: policy(PROJECT_POLICY, '{"bindings": [{"role": "roles/owner", "members": [', { project: "p" }),
    expect: [],
    violations: [
      "policyData is not valid JSON: expected a JSON value at offset 50, so its grants cannot be checked",
    ],
  },
];

const FIREWALL_POLICY_RULE = "gcp:compute/firewallPolicyRule:FirewallPolicyRule";
const WITH_RULES = "gcp:compute/networkFirewallPolicyWithRules:NetworkFirewallPolicyWithRules";
const policyRule = (srcIpRanges: string[]) => ({
  direction: "INGRESS",
  action: "allow",
  priority: 1000,
  match: { srcIpRanges, layer4Configs: [{ ipProtocol: "tcp", ports: ["22"] }] },
});
const halves = ["0.0.0.0/1", "128.0.0.0/1"];
const HALVES_TEXT = "0.0.0.0/1, 128.0.0.0/1 (together 98.7% of IPv4)";

judgingCases.push(
  {
    rule: "firewall-no-world-ingress",
    pass: {
      type: "gcp:compute/firewall:Firewall",
      props: { sourceRanges: ["35.235.240.0/20"], allows: [{ protocol: "tcp", ports: ["22"] }] },
    },
    fail: {
      type: "gcp:compute/firewall:Firewall",
      props: { sourceRanges: halves, allows: [{ protocol: "tcp", ports: ["22"] }] },
    },
    expect: [],
    violations: [`allows[0]: tcp/22 exposes SSH (22) to ${HALVES_TEXT}.`],
  },
  {
    rule: "firewall-no-world-ingress",
    pass: { type: FIREWALL_POLICY_RULE, props: { firewallPolicy: "f", ...policyRule(["10.0.0.0/8"]) } },
    fail: { type: FIREWALL_POLICY_RULE, props: { firewallPolicy: "f", ...policyRule(["::/1", "8000::/1"]) } },
    expect: [],
    violations: [
      "match.layer4Configs[0]: tcp/22 exposes SSH (22) to ::/1, 8000::/1 (together 99.1% of IPv6).",
    ],
  },
  {
    rule: "firewall-no-world-ingress",
    pass: { type: WITH_RULES, props: { rules: [policyRule(["35.235.240.0/20"])] } },
    fail: { type: WITH_RULES, props: { rules: [policyRule(["35.235.240.0/20"]), policyRule(halves)] } },
    expect: [],
    violations: [`rules[1].match.layer4Configs[0]: tcp/22 exposes SSH (22) to ${HALVES_TEXT}.`],
  },
  {
    rule: "gke-master-authorized-networks",
    pass: {
      type: "gcp:container/cluster:Cluster",
      props: { masterAuthorizedNetworksConfig: { cidrBlocks: [{ cidrBlock: "203.0.113.0/24" }] } },
    },
    fail: {
      type: "gcp:container/cluster:Cluster",
      props: {
        masterAuthorizedNetworksConfig: {
          cidrBlocks: halves.map((cidrBlock) => ({ cidrBlock })),
          gcpPublicCidrsAccessEnabled: true,
        },
      },
    },
    expect: [],
    violations: [
      `masterAuthorizedNetworksConfig.cidrBlocks admit the internet: ${HALVES_TEXT}.`,
      "masterAuthorizedNetworksConfig.gcpPublicCidrsAccessEnabled is true: every Google Cloud public address, any customer's VM included, can reach the control plane.",
    ],
  },
  {
    rule: "sql-no-public-ip",
    pass: {
      type: "gcp:sql/databaseInstance:DatabaseInstance",
      props: { settings: { ipConfiguration: { ipv4Enabled: false } } },
    },
    fail: {
      type: "gcp:sql/databaseInstance:DatabaseInstance",
      props: {
        settings: {
          ipConfiguration: { ipv4Enabled: false, authorizedNetworks: halves.map((value) => ({ value })) },
        },
      },
    },
    expect: [],
    violations: [`settings.ipConfiguration.authorizedNetworks admit the internet: ${HALVES_TEXT}.`],
  },
  {
    rule: "sql-no-public-ip",
    pass: {
      type: "gcp:alloydb/instance:Instance",
      props: { cluster: "c", instanceType: "PRIMARY", networkConfig: { enablePublicIp: false } },
    },
    fail: {
      type: "gcp:alloydb/instance:Instance",
      props: {
        cluster: "c",
        instanceType: "PRIMARY",
        networkConfig: {
          enablePublicIp: true,
          authorizedExternalNetworks: halves.map((cidrRange) => ({ cidrRange })),
        },
      },
    },
    expect: [],
    violations: [
      "networkConfig.enablePublicIp is true: the instance gets a public IP address.",
      `networkConfig.authorizedExternalNetworks admit the internet: ${HALVES_TEXT}.`,
    ],
  },
);
