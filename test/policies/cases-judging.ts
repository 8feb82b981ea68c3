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

const AUDIT = "cloudaudit.googleapis.com";
judgingCases.push(
  {
    rule: "iam-custom-role-no-escalation",
    pass: {
      type: "gcp:projects/iAMCustomRole:IAMCustomRole",
      props: {
        project: "p",
        roleId: "reader",
        title: "Reader",
        permissions: ["storage.objects.get", "storage.objects.list"],
      },
    },
    fail: {
      type: "gcp:organizations/iAMCustomRole:IAMCustomRole",
      props: {
        orgId: "1",
        roleId: "granter",
        title: "Granter",
        permissions: [
          "storage.objects.get",
          "resourcemanager.projects.setIamPolicy",
          "iam.serviceAccounts.actAs",
        ],
      },
    },
    expect: [],
    violations: [
      "permissions include iam.serviceAccounts.actAs, resourcemanager.projects.setIamPolicy, which let the holder raise its own access.",
    ],
  },
  {
    rule: "iam-no-authoritative-hierarchy-policy",
    pass: {
      type: "gcp:projects/iAMMember:IAMMember",
      props: { project: "p", role: "roles/logging.viewer", member: GROUP },
    },
    fail: policy(PROJECT_POLICY, { bindings: [] }, { project: "p" }),
    expect: [],
    violations: [
      "projects IAMPolicy is authoritative: it removes every grant it does not list, service agents included.",
    ],
  },
  {
    rule: "audit-logs-no-exemptions",
    pass: {
      type: "gcp:projects/iAMAuditConfig:IAMAuditConfig",
      props: { project: "p", service: "allServices", auditLogConfigs: [{ logType: "DATA_READ" }] },
    },
    fail: {
      type: "gcp:projects/iAMAuditConfig:IAMAuditConfig",
      props: {
        project: "p",
        service: "allServices",
        auditLogConfigs: [{ logType: "DATA_READ", exemptedMembers: [GROUP] }],
      },
    },
    expect: [],
    violations: ["auditLogConfigs[0] (DATA_READ) exempts group:ops@example.com from audit logging."],
  },
  {
    rule: "audit-logs-no-exemptions",
    pass: policy(
      "gcp:folder/iAMPolicy:IAMPolicy",
      { auditConfigs: [{ service: "allServices", auditLogConfigs: [{ logType: "ADMIN_READ" }] }] },
      { folder: "f" },
    ),
    fail: policy(
      "gcp:folder/iAMPolicy:IAMPolicy",
      {
        AuditConfigs: [
          {
            Service: "allServices",
            AuditLogConfigs: [{ LogType: "DATA_WRITE", ExemptedMembers: ["user:alice@example.com"] }],
          },
        ],
      },
      { folder: "f" },
    ),
    expect: [],
    violations: [
      "policyData.auditConfigs[0].auditLogConfigs[0] (allServices DATA_WRITE) exempts user:alice@example.com from audit logging.",
    ],
  },
  {
    rule: "audit-logs-not-dropped",
    pass: {
      type: "gcp:logging/projectExclusion:ProjectExclusion",
      props: { filter: `resource.type="gce_instance" AND NOT logName:"${AUDIT}"` },
    },
    fail: {
      type: "gcp:logging/projectExclusion:ProjectExclusion",
      props: { filter: 'logName:"projects/p/logs/CLOUDAUDIT.googleapis.com%2Fdata_access"' },
    },
    expect: [],
    violations: [
      'the exclusion filter "logName:\\"projects/p/logs/CLOUDAUDIT.googleapis.com%2Fdata_access\\"" drops audit logs.',
    ],
  },
  {
    rule: "audit-logs-not-dropped",
    pass: {
      type: "gcp:logging/projectSink:ProjectSink",
      props: { destination: "d", filter: `logName:"${AUDIT}"` },
    },
    fail: {
      type: "gcp:logging/projectSink:ProjectSink",
      props: { destination: "d", disabled: true, exclusions: [{ name: "x", filter: `logName:"${AUDIT}"` }] },
    },
    expect: [],
    violations: [
      "the sink is disabled: the logs it routes are not exported.",
      `exclusions[0] filter "logName:\\"${AUDIT}\\"" drops audit logs from this sink.`,
    ],
  },
  {
    rule: "log-retention-minimum",
    pass: {
      type: "gcp:logging/projectBucketConfig:ProjectBucketConfig",
      props: { bucketId: "b", location: "eu", project: "p", retentionDays: 400 },
    },
    fail: {
      type: "gcp:logging/projectBucketConfig:ProjectBucketConfig",
      props: { bucketId: "b", location: "eu", project: "p", retentionDays: 90 },
    },
    config: { stack: "prod", minRetentionDays: 400 },
    expect: [],
    violations: ["retentionDays is 90; this stack keeps logs at least 400 days."],
  },
  {
    rule: "storage-no-hmac-keys",
    pass: {
      type: "gcp:storage/hmacKey:HmacKey",
      props: { serviceAccountEmail: "a@acme-p.iam.gserviceaccount.com", state: "INACTIVE" },
    },
    fail: {
      type: "gcp:storage/hmacKey:HmacKey",
      props: { serviceAccountEmail: "a@acme-p.iam.gserviceaccount.com" },
    },
    expect: [],
    violations: ["HMAC key for a@acme-p.iam.gserviceaccount.com is a long-lived credential."],
  },
  {
    rule: "api-keys-restricted",
    pass: {
      type: "gcp:projects/apiKey:ApiKey",
      props: {
        restrictions: {
          apiTargets: [{ service: "maps-backend.googleapis.com" }],
          browserKeyRestrictions: { allowedReferrers: ["https://shop.example.com/*"] },
        },
      },
    },
    fail: { type: "gcp:projects/apiKey:ApiKey", props: { displayName: "k" } },
    expect: [],
    violations: [
      "restrictions.apiTargets is empty: the key can call every enabled API.",
      "no application restriction: anyone holding the key can use it from anywhere.",
    ],
  },
  {
    rule: "org-policy-no-weakening",
    pass: {
      type: "gcp:orgpolicy/policy:Policy",
      props: {
        name: "projects/p/policies/iam.disableServiceAccountKeyCreation",
        parent: "projects/p",
        spec: { rules: [{ enforce: "TRUE" }] },
      },
    },
    fail: {
      type: "gcp:orgpolicy/policy:Policy",
      props: {
        name: "projects/p/policies/iam.disableServiceAccountKeyCreation",
        parent: "projects/p",
        spec: { rules: [{ enforce: "FALSE" }] },
      },
    },
    expect: [],
    violations: [
      "spec.rules[0].enforce is FALSE: it reopens constraints/iam.disableServiceAccountKeyCreation.",
    ],
  },
  {
    rule: "org-policy-no-weakening",
    pass: {
      type: "gcp:projects/organizationPolicy:OrganizationPolicy",
      props: {
        project: "p",
        constraint: "constraints/compute.vmExternalIpAccess",
        listPolicy: { deny: { all: true } },
      },
    },
    fail: {
      type: "gcp:projects/organizationPolicy:OrganizationPolicy",
      props: {
        project: "p",
        constraint: "constraints/compute.vmExternalIpAccess",
        listPolicy: { allow: { all: true } },
      },
    },
    expect: [],
    violations: ["listPolicy.allow.all is true: it reopens constraints/compute.vmExternalIpAccess."],
  },
  {
    rule: "project-metadata-secure",
    pass: {
      type: "gcp:compute/projectMetadata:ProjectMetadata",
      props: { metadata: { "enable-oslogin": "TRUE" } },
    },
    fail: {
      type: "gcp:compute/projectMetadata:ProjectMetadata",
      props: { metadata: { "Serial-Port-Enable": "1", "enable-oslogin": "FALSE" } },
    },
    expect: [],
    violations: [
      'Serial-Port-Enable is "1": the interactive serial console of every VM is reachable.',
      'enable-oslogin is "FALSE": OS Login is off for every VM of the project.',
    ],
  },
  {
    rule: "project-metadata-secure",
    pass: {
      type: "gcp:compute/projectMetadataItem:ProjectMetadataItem",
      props: { key: "serial-port-enable", value: "false" },
    },
    fail: {
      type: "gcp:compute/projectMetadataItem:ProjectMetadataItem",
      props: { key: "serial-port-enable", value: "true" },
    },
    expect: [],
    violations: ['serial-port-enable is "true": the interactive serial console of every VM is reachable.'],
  },
  {
    rule: "no-dynamic-providers-in-prod",
    pass: { type: "gcp:storage/bucket:Bucket", props: {} },
    fail: { type: "pulumi-nodejs:dynamic:Resource", props: { __provider: "x" } },
    config: { stack: "prod" },
    expect: [],
    violations: ["a dynamic provider runs arbitrary code with the prod deploy identity."],
  },
  {
    rule: "prod-stateful-protected",
    pass: {
      type: "gcp:organizations/project:Project",
      props: { projectId: "acme-x", deletionPolicy: "PREVENT" },
    },
    fail: {
      type: "gcp:organizations/project:Project",
      props: { projectId: "acme-x", deletionPolicy: "DELETE" },
    },
    config: { stack: "prod" },
    expect: [],
    violations: [
      "this stateful prod resource is not protected: a refactor or `pulumi destroy` would delete its data.",
    ],
  },
  {
    rule: "prod-stateful-protected",
    pass: { type: "gcp:spanner/database:Database", props: { instance: "i", name: "d" }, protect: true },
    fail: { type: "gcp:redis/instance:Instance", props: { memorySizeGb: 1 } },
    config: { stack: "prod" },
    expect: [],
    violations: [
      "this stateful prod resource is not protected: a refactor or `pulumi destroy` would delete its data.",
    ],
  },
);

judgingCases.push({
  rule: "iam-no-project-level-impersonation",
  pass: {
    type: "gcp:projects/iAMMember:IAMMember",
    props: {
      project: "p",
      role: "roles/container.serviceAgent",
      member: "serviceAccount:service-42@container-engine-robot.iam.gserviceaccount.com",
    },
  },
  // roles/iam.devOps holds iam.serviceAccounts.actAs: its name says nothing about impersonation.
  fail: {
    type: "gcp:projects/iAMMember:IAMMember",
    props: { project: "p", role: "roles/iam.devOps", member: GROUP },
  },
  expect: [],
  violations: [
    "member: roles/iam.devOps granted to group:ops@example.com at project level lets it impersonate every service account there.",
  ],
});
