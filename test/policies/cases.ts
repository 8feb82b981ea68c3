/**
 * Passing and failing fixtures for every resource rule, shared by the direct tests (rules.test.ts)
 * and the tests through the real pack over the Analyzer protocol (protocol.test.ts).
 */
import { judgingCases } from "./cases-judging";
import type { FakeResource } from "./harness";

export interface Case {
  rule: string;
  pass: FakeResource;
  fail: FakeResource;
  /**
   * The failing fixture's violations of the rule, in order, one per entry and nothing else: a string
   * is the exact message; a pattern only where part of the message is not known in advance.
   */
  expect: (string | RegExp)[];
  /** When given, exactly these messages (in any order) are the failing fixture's violations of the rule. */
  violations?: string[];
  config?: Record<string, unknown>;
}

const SA = "serviceAccount:app@my-project.iam.gserviceaccount.com";
const POOL = "principalSet://iam.googleapis.com/projects/123/locations/global/workloadIdentityPools/github";
export const prod = { stack: "prod" };
export const dev = { stack: "dev" };

export const bucket = (props: Record<string, unknown>): FakeResource => ({
  type: "gcp:storage/bucket:Bucket",
  props,
});
const cluster = (props: Record<string, unknown>): FakeResource => ({
  type: "gcp:container/cluster:Cluster",
  props,
});
const nodePool = (props: Record<string, unknown>): FakeResource => ({
  type: "gcp:container/nodePool:NodePool",
  props,
});
const sql = (props: Record<string, unknown>, protect = false): FakeResource => ({
  type: "gcp:sql/databaseInstance:DatabaseInstance",
  props,
  protect,
});
const vm = (props: Record<string, unknown>): FakeResource => ({
  type: "gcp:compute/instance:Instance",
  props,
});
const firewall = (props: Record<string, unknown>): FakeResource => ({
  type: "gcp:compute/firewall:Firewall",
  props,
});
const firewallPolicyRule = (scope: "network" | "region", props: Record<string, unknown>): FakeResource => ({
  type:
    scope === "network"
      ? "gcp:compute/networkFirewallPolicyRule:NetworkFirewallPolicyRule"
      : "gcp:compute/regionNetworkFirewallPolicyRule:RegionNetworkFirewallPolicyRule",
  props: { direction: "INGRESS", priority: 1000, firewallPolicy: "policy", ...props },
});
const deployment = (podSpec: Record<string, unknown>): FakeResource => ({
  type: "kubernetes:apps/v1:Deployment",
  props: { spec: { template: { spec: podSpec } } },
});
const goodContainer = {
  name: "app",
  image: "europe-docker.pkg.dev/p/r/app@sha256:0123456789abcdef",
  securityContext: {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    capabilities: { drop: ["ALL"], add: ["NET_BIND_SERVICE"] },
  },
  resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "256Mi" } },
};
export const pod = (container: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  deployment({ containers: [{ ...goodContainer, ...container }], ...extra });
const goodVm = {
  networkInterfaces: [{ network: "vpc" }],
  serviceAccount: { email: "vm@my-project.iam.gserviceaccount.com", scopes: ["cloud-platform"] },
  metadata: { "block-project-ssh-keys": "TRUE", "enable-oslogin": "TRUE" },
  shieldedInstanceConfig: { enableSecureBoot: true, enableVtpm: true, enableIntegrityMonitoring: true },
};
const goodSql = {
  settings: {
    ipConfiguration: { ipv4Enabled: false, privateNetwork: "vpc", sslMode: "ENCRYPTED_ONLY" },
    backupConfiguration: { enabled: true, pointInTimeRecoveryEnabled: true },
    deletionProtectionEnabled: true,
  },
};
const labels = { team: "payments", environment: "prod", "cost-center": "cc-42" };

export const cases: Case[] = [
  {
    rule: "storage-public-access-prevention",
    pass: bucket({ publicAccessPrevention: "enforced" }),
    fail: bucket({ publicAccessPrevention: "inherited" }),
    expect: ['publicAccessPrevention is "inherited"; it must be "enforced".'],
  },
  {
    rule: "storage-uniform-bucket-level-access",
    pass: bucket({ uniformBucketLevelAccess: true }),
    fail: bucket({}),
    expect: ["uniformBucketLevelAccess is not enabled; object ACLs can bypass IAM."],
  },
  {
    rule: "storage-versioning-in-prod",
    pass: bucket({ versioning: { enabled: true } }),
    fail: bucket({ versioning: { enabled: false } }),
    expect: [
      "versioning is not enabled on a prod bucket; deleted or overwritten objects cannot be recovered.",
    ],
    config: prod,
  },
  {
    rule: "iam-no-public-members",
    pass: {
      type: "gcp:storage/bucketIAMMember:BucketIAMMember",
      props: { role: "roles/storage.objectViewer", member: SA },
    },
    fail: {
      type: "gcp:kms/cryptoKeyIAMBinding:CryptoKeyIAMBinding",
      props: { role: "roles/cloudkms.cryptoKeyDecrypter", members: [SA, "allAuthenticatedUsers"] },
    },
    expect: [
      "members[1]: allAuthenticatedUsers is granted roles/cloudkms.cryptoKeyDecrypter; this makes the resource public.",
    ],
  },
  {
    rule: "iam-no-public-members",
    pass: {
      type: "gcp:storage/bucketACL:BucketACL",
      props: { bucket: "b", roleEntities: ["OWNER:group-ops@example.com"], predefinedAcl: "projectPrivate" },
    },
    fail: {
      type: "gcp:storage/bucketACL:BucketACL",
      props: { bucket: "b", roleEntities: ["OWNER:group-ops@example.com", "READER:allUsers"] },
    },
    expect: ["roleEntities[1]: allUsers is granted READER; this makes the resource public."],
  },
  {
    rule: "iam-no-public-members",
    pass: {
      type: "gcp:storage/objectACL:ObjectACL",
      props: { bucket: "b", object: "o", predefinedAcl: "private" },
    },
    fail: {
      type: "gcp:storage/objectACL:ObjectACL",
      props: { bucket: "b", object: "o", predefinedAcl: "publicRead" },
    },
    expect: ["predefinedAcl: allUsers is granted READER; this makes the resource public."],
  },
  {
    rule: "iam-no-public-members",
    pass: { type: "gcp:storage/bucketACL:BucketACL", props: { bucket: "b", predefinedAcl: "private" } },
    fail: {
      type: "gcp:storage/bucketACL:BucketACL",
      props: { bucket: "b", predefinedAcl: "publicReadWrite", defaultAcl: "authenticatedRead" },
    },
    expect: [
      "predefinedAcl: allUsers is granted WRITER; this makes the resource public.",
      "defaultAcl: allAuthenticatedUsers is granted READER; this makes the resource public.",
    ],
  },
  {
    rule: "iam-no-public-members",
    pass: { type: "gcp:storage/defaultObjectACL:DefaultObjectACL", props: { bucket: "b", roleEntities: [] } },
    fail: {
      type: "gcp:storage/defaultObjectACL:DefaultObjectACL",
      props: { bucket: "b", roleEntities: ["READER:allAuthenticatedUsers"] },
    },
    expect: ["roleEntities[0]: allAuthenticatedUsers is granted READER; this makes the resource public."],
  },
  {
    rule: "iam-no-primitive-roles",
    pass: {
      type: "gcp:projects/iAMMember:IAMMember",
      props: { role: "roles/logging.viewer", member: "group:ops@example.com" },
    },
    fail: {
      type: "gcp:folder/iAMPolicy:IAMPolicy",
      props: {
        policyData: JSON.stringify({
          bindings: [{ role: "roles/editor", members: ["group:dev@example.com"] }],
        }),
      },
    },
    expect: [
      "policyData.bindings[0].members[0]: primitive role roles/editor granted to group:dev@example.com at folder level.",
    ],
  },
  {
    rule: "iam-no-project-level-impersonation",
    pass: {
      type: "gcp:serviceaccount/iAMMember:IAMMember",
      props: {
        role: "roles/iam.serviceAccountUser",
        member: "group:ci@example.com",
        serviceAccountId: "projects/p/serviceAccounts/x",
      },
    },
    fail: {
      type: "gcp:projects/iAMBinding:IAMBinding",
      props: { role: "roles/iam.serviceAccountTokenCreator", members: [SA] },
    },
    expect: [
      "members[0]: roles/iam.serviceAccountTokenCreator granted to serviceAccount:app@my-project.iam.gserviceaccount.com at project level lets it impersonate every service account there.",
    ],
  },
  {
    rule: "iam-no-project-level-impersonation",
    pass: {
      type: "gcp:serviceaccount/iAMMember:IAMMember",
      props: {
        role: "roles/iam.workloadIdentityUser",
        member: `${POOL}/attribute.repository_id/42`,
        serviceAccountId: "projects/p/serviceAccounts/x",
      },
    },
    fail: {
      type: "gcp:projects/iAMMember:IAMMember",
      props: { role: "roles/iam.workloadIdentityUser", member: `${POOL}/attribute.repository_id/42` },
    },
    expect: [
      "member: roles/iam.workloadIdentityUser granted to principalSet://iam.googleapis.com/projects/123/locations/global/workloadIdentityPools/github/attribute.repository_id/42 at project level lets it impersonate every service account there.",
    ],
  },
  {
    rule: "iam-no-service-account-keys",
    pass: { type: "gcp:serviceaccount/account:Account", props: { accountId: "app" } },
    fail: { type: "gcp:serviceaccount/key:Key", props: { serviceAccountId: "app" } },
    expect: ["service account keys are long-lived credentials; use Workload Identity Federation instead."],
  },
  {
    rule: "iam-no-default-service-accounts",
    pass: {
      type: "gcp:projects/iAMMember:IAMMember",
      props: { role: "roles/logging.logWriter", member: SA },
    },
    fail: {
      type: "gcp:projects/iAMMember:IAMMember",
      props: {
        role: "roles/logging.logWriter",
        member: "serviceAccount:123-compute@developer.gserviceaccount.com",
      },
    },
    expect: [
      "member: roles/logging.logWriter granted to the default service account 123-compute@developer.gserviceaccount.com.",
    ],
  },
  {
    rule: "iam-allowed-member-domains",
    pass: {
      type: "gcp:storage/bucketIAMBinding:BucketIAMBinding",
      props: {
        role: "r",
        members: [
          "group:a@example.com",
          "serviceAccount:app@acme-payments-prod.iam.gserviceaccount.com",
          "serviceAccount:service-123456@gcp-sa-pubsub.iam.gserviceaccount.com",
          "serviceAccount:service-123456@compute-system.iam.gserviceaccount.com",
          "serviceAccount:123456@cloudservices.gserviceaccount.com",
          "serviceAccount:123456@cloudbuild.gserviceaccount.com",
          `${POOL}/attribute.repository_id/42`,
        ],
      },
    },
    fail: {
      type: "gcp:storage/bucketIAMBinding:BucketIAMBinding",
      props: { role: "r", members: ["group:a@gmail.com", "domain:evil.org"] },
    },
    expect: [
      "members[0]: group:a@gmail.com is outside the allowed domains (example.com).",
      "members[1]: domain:evil.org is outside the allowed domains (example.com).",
    ],
  },
  {
    rule: "iam-allowed-member-domains",
    pass: {
      type: "gcp:projects/iAMMember:IAMMember",
      props: { role: "r", member: "serviceAccount:app@corp-tools.iam.gserviceaccount.com" },
    },
    fail: {
      type: "gcp:projects/iAMBinding:IAMBinding",
      props: {
        role: "r",
        members: [
          SA,
          "serviceAccount:attacker@evil-project.iam.gserviceaccount.com",
          "serviceAccount:x@acme-but-elsewhere.gserviceaccount.com",
        ],
      },
    },
    expect: [
      "members[0]: serviceAccount:app@my-project.iam.gserviceaccount.com belongs to project my-project, whose id does not start with an allowed prefix (corp-).",
      "members[1]: serviceAccount:attacker@evil-project.iam.gserviceaccount.com belongs to project evil-project, whose id does not start with an allowed prefix (corp-).",
      "members[2]: serviceAccount:x@acme-but-elsewhere.gserviceaccount.com is neither a Google service agent nor a service account of a project (<name>@<project id>.iam.gserviceaccount.com).",
    ],
    config: { allowedServiceAccountProjectPrefixes: ["corp-"] },
  },
  {
    rule: "iam-groups-not-users",
    pass: {
      type: "gcp:projects/iAMMember:IAMMember",
      props: { role: "roles/viewer", member: "group:ops@example.com" },
    },
    fail: {
      type: "gcp:bigquery/datasetIamMember:DatasetIamMember",
      props: { role: "roles/bigquery.dataViewer", member: "user:jo@example.com" },
    },
    expect: [
      "member: roles/bigquery.dataViewer granted to the individual user:jo@example.com; grant it to a group.",
    ],
  },
  {
    rule: "wif-provider-pins-repository-owner",
    pass: {
      type: "gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider",
      props: {
        attributeCondition: "assertion.repository_owner_id == '1234567' && assertion.repository_id == '89'",
      },
    },
    fail: {
      type: "gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider",
      props: { attributeCondition: "assertion.repository_owner == 'acme'" },
    },
    expect: [
      "attributeCondition \"assertion.repository_owner == 'acme'\" does not pin assertion.repository_owner_id to a numeric id.",
    ],
  },
  {
    rule: "wif-provider-pins-repository-owner",
    pass: {
      type: "gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider",
      props: {
        attributeCondition: '(assertion.repository_owner_id=="1234567") && (assertion.repository_id == "89")',
      },
    },
    fail: {
      type: "gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider",
      props: { attributeCondition: 'assertion.repository_owner_id == "1234567" || true' },
    },
    expect: [
      'attributeCondition "assertion.repository_owner_id == \\"1234567\\" || true" does not pin assertion.repository_owner_id to a numeric id.',
    ],
  },
  {
    rule: "wif-provider-pins-repository-owner",
    pass: {
      type: "gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider",
      props: {
        attributeCondition: '(assertion.repository_owner_id=="1234567") && (assertion.repository_id == "89")',
      },
    },
    fail: {
      type: "gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider",
      props: {
        attributeCondition:
          "assertion.repository_owner_id == '1234567' && assertion.repository_id == '89' || assertion.repository_owner != ''",
      },
    },
    expect: [
      "attributeCondition \"assertion.repository_owner_id == '1234567' && assertion.repository_id == '89' || assertion.repository_owner != ''\" does not pin assertion.repository_owner_id to a numeric id.",
    ],
  },
  {
    rule: "wif-provider-pins-repository-owner",
    pass: {
      type: "gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider",
      props: {
        attributeCondition: '(assertion.repository_owner_id=="1234567") && (assertion.repository_id == "89")',
      },
    },
    fail: {
      type: "gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider",
      props: { attributeCondition: 'assertion.repository_owner_id == "1234567" ? true : true' },
    },
    expect: [
      'attributeCondition "assertion.repository_owner_id == \\"1234567\\" ? true : true" does not pin assertion.repository_owner_id to a numeric id.',
    ],
  },
  {
    rule: "wif-provider-pins-repository-owner",
    pass: {
      type: "gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider",
      props: {
        attributeCondition: '(assertion.repository_owner_id=="1234567") && (assertion.repository_id == "89")',
      },
    },
    fail: {
      type: "gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider",
      props: {
        attributeCondition:
          'assertion.repository_id == "89" && assertion.repository_owner_id == "1234567abc"',
      },
    },
    expect: [
      'attributeCondition "assertion.repository_id == \\"89\\" && assertion.repository_owner_id == \\"1234567abc\\"" does not pin assertion.repository_owner_id to a numeric id.',
    ],
  },
  {
    rule: "wif-provider-pins-repository-owner",
    pass: {
      type: "gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider",
      props: {
        attributeCondition: '(assertion.repository_owner_id=="1234567") && (assertion.repository_id == "89")',
      },
    },
    fail: {
      type: "gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider",
      props: { attributeCondition: "assertion.foo == 'assertion.repository_owner_id == \"1\"'" },
    },
    expect: [
      'attributeCondition "assertion.foo == \'assertion.repository_owner_id == \\"1\\"\'" does not pin assertion.repository_owner_id to a numeric id.',
    ],
  },
  {
    rule: "wif-bindings-on-immutable-ids",
    pass: {
      type: "gcp:serviceaccount/iAMMember:IAMMember",
      props: { role: "roles/iam.workloadIdentityUser", member: `${POOL}/attribute.repository_id/123456` },
    },
    fail: {
      type: "gcp:serviceaccount/iAMBinding:IAMBinding",
      props: {
        role: "roles/iam.workloadIdentityUser",
        members: [
          `${POOL}/*`,
          `${POOL}/attribute.repository/acme/app`,
          "principal://iam.googleapis.com/projects/123/locations/global/workloadIdentityPools/github/subject/repo:acme/app:ref:refs/heads/main",
        ],
      },
    },
    expect: [
      "members[0]: principalSet://iam.googleapis.com/projects/123/locations/global/workloadIdentityPools/github/* admits every identity in the pool; bind on a numeric id attribute instead.",
      'members[1]: principalSet://iam.googleapis.com/projects/123/locations/global/workloadIdentityPools/github/attribute.repository/acme/app binds on the name "acme/app", which can be re-registered by someone else; bind on the numeric id (attribute mapped from assertion.repository_id).',
      "members[2]: principal://iam.googleapis.com/projects/123/locations/global/workloadIdentityPools/github/subject/repo:acme/app:ref:refs/heads/main binds on the token subject (sub), which embeds repository and owner names; bind on attribute.repository_id / repository_owner_id instead.",
    ],
  },
  {
    rule: "bigquery-no-public-datasets",
    pass: {
      type: "gcp:bigquery/dataset:Dataset",
      props: { accesses: [{ role: "READER", groupByEmail: "analysts@example.com" }] },
    },
    fail: {
      type: "gcp:bigquery/dataset:Dataset",
      props: { accesses: [{ role: "READER", specialGroup: "allAuthenticatedUsers" }] },
    },
    expect: ["accesses[0]: allAuthenticatedUsers is granted READER; the dataset is public."],
  },
  {
    rule: "gke-private-nodes",
    pass: cluster({ privateClusterConfig: { enablePrivateNodes: true } }),
    fail: cluster({}),
    expect: ["privateClusterConfig.enablePrivateNodes is not true: nodes get public IP addresses."],
  },
  {
    rule: "gke-master-authorized-networks",
    pass: cluster({ masterAuthorizedNetworksConfig: { cidrBlocks: [{ cidrBlock: "10.0.0.0/8" }] } }),
    fail: cluster({ masterAuthorizedNetworksConfig: { cidrBlocks: [{ cidrBlock: "0.0.0.0/0" }] } }),
    expect: [
      "masterAuthorizedNetworksConfig.cidrBlocks admit the internet: 0.0.0.0/0 (together 98.7% of IPv4).",
    ],
  },
  {
    rule: "gke-workload-identity",
    pass: cluster({ workloadIdentityConfig: { workloadPool: "p.svc.id.goog" } }),
    fail: cluster({}),
    expect: ["workloadIdentityConfig.workloadPool is not set: pods would use the node's service account."],
  },
  {
    rule: "gke-metadata-server",
    pass: nodePool({ nodeConfig: { workloadMetadataConfig: { mode: "GKE_METADATA" } } }),
    fail: cluster({ nodeConfig: { workloadMetadataConfig: { mode: "GCE_METADATA" } } }),
    expect: ['nodeConfig.workloadMetadataConfig.mode is "GCE_METADATA"; it must be "GKE_METADATA".'],
  },
  {
    rule: "gke-shielded-nodes",
    pass: cluster({}),
    fail: cluster({ enableShieldedNodes: false }),
    expect: ["enableShieldedNodes is false."],
  },
  {
    rule: "gke-no-legacy-abac",
    pass: cluster({ enableLegacyAbac: false }),
    fail: cluster({ enableLegacyAbac: true }),
    expect: ["enableLegacyAbac is true: ABAC grants bypass RBAC."],
  },
  {
    rule: "gke-no-client-certificate",
    pass: cluster({ masterAuth: { clientCertificateConfig: { issueClientCertificate: false } } }),
    fail: cluster({ masterAuth: { clientCertificateConfig: { issueClientCertificate: true } } }),
    expect: [
      "masterAuth.clientCertificateConfig.issueClientCertificate is true: a static admin credential is issued.",
    ],
  },
  {
    rule: "gke-network-policy",
    pass: cluster({ datapathProvider: "ADVANCED_DATAPATH" }),
    fail: cluster({ networkPolicy: { enabled: false } }),
    expect: [
      "neither Dataplane V2 nor networkPolicy is enabled: pods can reach each other without restriction.",
    ],
  },
  {
    rule: "gke-release-channel",
    pass: cluster({ releaseChannel: { channel: "STABLE" } }),
    fail: cluster({ releaseChannel: { channel: "UNSPECIFIED" } }),
    expect: ['releaseChannel.channel is "UNSPECIFIED"; the cluster gets no managed upgrades.'],
  },
  {
    rule: "gke-node-auto-upgrade-repair",
    pass: nodePool({ management: { autoUpgrade: true, autoRepair: true } }),
    fail: nodePool({ management: { autoUpgrade: false, autoRepair: false } }),
    expect: ["management.autoUpgrade is false.", "management.autoRepair is false."],
  },
  {
    rule: "gke-node-service-account",
    pass: nodePool({ nodeConfig: { serviceAccount: "nodes@p.iam.gserviceaccount.com" } }),
    fail: nodePool({ nodeConfig: { serviceAccount: "123-compute@developer.gserviceaccount.com" } }),
    expect: [
      "nodeConfig.serviceAccount is the default compute service account 123-compute@developer.gserviceaccount.com.",
    ],
  },
  {
    rule: "sql-no-public-ip",
    pass: sql(goodSql),
    fail: sql({ settings: { ipConfiguration: { authorizedNetworks: [{ value: "0.0.0.0/0" }] } } }),
    expect: [
      "settings.ipConfiguration.ipv4Enabled is not false: the instance gets a public IP address.",
      "settings.ipConfiguration.authorizedNetworks admit the internet: 0.0.0.0/0 (together 98.7% of IPv4).",
    ],
  },
  {
    rule: "sql-require-ssl",
    pass: sql(goodSql),
    fail: sql({ settings: { ipConfiguration: { sslMode: "ALLOW_UNENCRYPTED_AND_ENCRYPTED" } } }),
    expect: [
      'settings.ipConfiguration.sslMode is "ALLOW_UNENCRYPTED_AND_ENCRYPTED"; unencrypted connections are allowed.',
    ],
  },
  {
    rule: "sql-backups-and-pitr",
    pass: sql(goodSql),
    fail: sql({ settings: { backupConfiguration: { enabled: true } } }),
    expect: ["settings.backupConfiguration.pointInTimeRecoveryEnabled is not true."],
  },
  {
    rule: "sql-deletion-protection-in-prod",
    pass: sql(goodSql, true),
    fail: sql({ deletionProtection: false, settings: {} }),
    expect: [
      "deletionProtection is false.",
      "settings.deletionProtectionEnabled is not true: the instance can be deleted through the API.",
      "the resource is not protected (resource option protect: true).",
    ],
    config: prod,
  },
  {
    rule: "kms-key-rotation",
    pass: { type: "gcp:kms/cryptoKey:CryptoKey", props: { rotationPeriod: "7776000s" } },
    fail: { type: "gcp:kms/cryptoKey:CryptoKey", props: { rotationPeriod: "31536000s" } },
    expect: ["rotationPeriod is 31536000s (365 days); the maximum is 90 days."],
  },
  {
    rule: "kms-key-protected-in-prod",
    pass: { type: "gcp:kms/cryptoKey:CryptoKey", props: {}, protect: true },
    fail: { type: "gcp:kms/cryptoKey:CryptoKey", props: {} },
    expect: ["the key is not protected: deleting it makes everything encrypted with it unreadable."],
    config: prod,
  },
  {
    rule: "vm-no-external-ip",
    pass: vm(goodVm),
    fail: vm({ networkInterfaces: [{ accessConfigs: [{}] }] }),
    expect: ["networkInterfaces[0].accessConfigs gives an external IPv4 address."],
  },
  {
    rule: "vm-no-serial-port",
    pass: vm(goodVm),
    fail: vm({ metadata: { "serial-port-enable": "TRUE" } }),
    expect: ['metadata "serial-port-enable" is true.'],
  },
  {
    rule: "vm-no-default-service-account",
    pass: vm(goodVm),
    fail: vm({ serviceAccount: { email: "42-compute@developer.gserviceaccount.com" } }),
    expect: [
      "serviceAccount.email is the default compute service account 42-compute@developer.gserviceaccount.com.",
    ],
  },
  {
    rule: "vm-block-project-ssh-keys",
    pass: vm(goodVm),
    fail: vm({ metadata: { "block-project-ssh-keys": "false" } }),
    expect: ['metadata "block-project-ssh-keys" is not true: project-wide SSH keys can log in.'],
  },
  {
    rule: "vm-os-login",
    pass: vm(goodVm),
    fail: { type: "gcp:compute/instanceTemplate:InstanceTemplate", props: { metadata: {} } },
    expect: ['metadata "enable-oslogin" is not true: SSH access is not tied to IAM.'],
  },
  {
    rule: "vm-shielded-vm",
    pass: vm(goodVm),
    fail: vm({ shieldedInstanceConfig: { enableSecureBoot: false, enableVtpm: false } }),
    expect: [
      "shieldedInstanceConfig.enableSecureBoot is not true.",
      "shieldedInstanceConfig.enableVtpm is false.",
    ],
  },
  {
    rule: "firewall-no-world-ingress",
    pass: firewall({ sourceRanges: ["35.235.240.0/20"], allows: [{ protocol: "tcp", ports: ["22"] }] }),
    fail: firewall({
      sourceRanges: ["0.0.0.0/0"],
      allows: [
        { protocol: "tcp", ports: ["20-23"] },
        { protocol: "udp" },
        { protocol: "tcp", ports: ["3389"] },
        { protocol: "tcp", ports: ["8000-9000"] },
      ],
    }),
    expect: [
      "allows[0]: tcp/20-23 exposes SSH (22) to 0.0.0.0/0 (together 98.7% of IPv4).",
      "allows[1]: udp with no ports opens every port to 0.0.0.0/0 (together 98.7% of IPv4).",
      "allows[2]: tcp/3389 exposes RDP (3389) to 0.0.0.0/0 (together 98.7% of IPv4).",
      "allows[3]: tcp/8000-9000 opens 1001 ports (maximum 10) to 0.0.0.0/0 (together 98.7% of IPv4).",
    ],
  },
  {
    rule: "firewall-no-world-ingress",
    pass: firewall({ sourceRanges: ["10.0.0.0/9"], allows: [{ protocol: "tcp", ports: ["22"] }] }),
    fail: firewall({
      sourceRanges: ["10.0.0.0/9", "1.0.0.0/1"],
      allows: [{ protocol: "tcp", ports: ["22"] }],
    }),
    expect: ["allows[0]: tcp/22 exposes SSH (22) to 10.0.0.0/9, 1.0.0.0/1 (together 48.7% of IPv4)."],
  },
  {
    rule: "firewall-no-world-ingress",
    pass: firewall({ sourceRanges: ["2001:db8::/17"], allows: [{ protocol: "all" }] }),
    fail: firewall({ sourceRanges: ["::0/0", "2001::/16"], allows: [{ protocol: "tcp", ports: ["3389"] }] }),
    expect: ["allows[0]: tcp/3389 exposes RDP (3389) to ::0/0, 2001::/16 (together 99.1% of IPv6)."],
  },
  {
    rule: "firewall-no-world-ingress",
    pass: firewallPolicyRule("network", {
      action: "deny",
      match: { srcIpRanges: ["0.0.0.0/0"], layer4Configs: [{ ipProtocol: "all" }] },
    }),
    fail: firewallPolicyRule("network", {
      action: "allow",
      match: { srcIpRanges: ["0.0.0.0/0"], layer4Configs: [{ ipProtocol: "tcp", ports: ["22", "443"] }] },
    }),
    expect: ["match.layer4Configs[0]: tcp/22 exposes SSH (22) to 0.0.0.0/0 (together 98.7% of IPv4)."],
  },
  {
    rule: "firewall-no-world-ingress",
    pass: firewallPolicyRule("region", {
      action: "allow",
      match: { srcIpRanges: ["35.235.240.0/20"], layer4Configs: [{ ipProtocol: "tcp", ports: ["22"] }] },
    }),
    fail: firewallPolicyRule("region", {
      action: "allow",
      match: { srcIpRanges: ["11.0.0.0/8"], layer4Configs: [{ ipProtocol: "all" }] },
    }),
    expect: [
      'match.layer4Configs[0]: protocol "all" opens every port to 11.0.0.0/8 (together 0.4% of IPv4).',
    ],
  },
  {
    rule: "network-no-default-or-auto-mode",
    pass: { type: "gcp:compute/network:Network", props: { name: "vpc", autoCreateSubnetworks: false } },
    fail: { type: "gcp:organizations/project:Project", props: { projectId: "p" } },
    expect: [
      "autoCreateNetwork is not false: the project gets a default network with permissive firewall rules.",
    ],
  },
  {
    rule: "dns-dnssec-public-zones",
    pass: { type: "gcp:dns/managedZone:ManagedZone", props: { visibility: "private" } },
    fail: {
      type: "gcp:dns/managedZone:ManagedZone",
      props: { dnsName: "example.com.", dnssecConfig: { state: "off" } },
    },
    expect: ['dnssecConfig.state is "off" on a public zone; it must be "on".'],
  },
  {
    rule: "alert-policy-has-routes",
    pass: {
      type: "gcp:monitoring/alertPolicy:AlertPolicy",
      props: { notificationChannels: ["projects/p/notificationChannels/1"] },
    },
    fail: { type: "gcp:monitoring/alertPolicy:AlertPolicy", props: { notificationChannels: [] } },
    expect: ["notificationChannels is empty: nobody is told when it fires."],
  },
  {
    rule: "alert-policy-has-runbook",
    pass: {
      type: "gcp:monitoring/alertPolicy:AlertPolicy",
      props: { documentation: { links: [{ displayName: "Runbook", url: "https://runbooks/x" }] } },
    },
    fail: {
      type: "gcp:monitoring/alertPolicy:AlertPolicy",
      props: { documentation: { content: "Look at the dashboard" } },
    },
    expect: ["documentation has no runbook link: on-call has nothing to follow."],
  },
  {
    rule: "alert-policy-has-severity",
    pass: { type: "gcp:monitoring/alertPolicy:AlertPolicy", props: { severity: "CRITICAL" } },
    fail: { type: "gcp:monitoring/alertPolicy:AlertPolicy", props: { displayName: "no severity" } },
    expect: ["severity is not set: on-call cannot tell a page from a ticket."],
  },
  {
    rule: "alert-policy-has-documentation",
    pass: {
      type: "gcp:monitoring/alertPolicy:AlertPolicy",
      props: { documentation: { content: "**Runbook:** https://x/r.md", mimeType: "text/markdown" } },
    },
    fail: {
      type: "gcp:monitoring/alertPolicy:AlertPolicy",
      props: { documentation: { content: "  ", mimeType: "text/plain" } },
    },
    expect: [
      "documentation.content is empty: the notification tells on-call nothing.",
      'documentation.mimeType is "text/plain"; Cloud Monitoring renders only text/markdown.',
    ],
  },
  {
    rule: "alert-policy-auto-closes",
    pass: {
      type: "gcp:monitoring/alertPolicy:AlertPolicy",
      props: { alertStrategy: { autoClose: "1800s" } },
    },
    fail: { type: "gcp:monitoring/alertPolicy:AlertPolicy", props: { alertStrategy: {} } },
    expect: ["alertStrategy.autoClose is not set: incidents stay open after recovery and hide the next one."],
  },
  {
    rule: "notification-channel-secrets-sensitive",
    pass: {
      type: "gcp:monitoring/notificationChannel:NotificationChannel",
      props: { type: "pagerduty", sensitiveLabels: { serviceKey: "s" } },
    },
    fail: {
      type: "gcp:monitoring/notificationChannel:NotificationChannel",
      props: { type: "slack", labels: { channel_name: "#ops", auth_token: "xoxb" } },
    },
    expect: [
      "labels.auth_token holds a credential in plain labels (stored and shown in clear); use sensitiveLabels.",
    ],
  },
  {
    rule: "required-labels",
    pass: { type: "gcp:sql/databaseInstance:DatabaseInstance", props: { settings: { userLabels: labels } } },
    fail: { type: "gcp:container/cluster:Cluster", props: { resourceLabels: { team: "payments" } } },
    expect: ["resourceLabels is missing environment, cost-center."],
  },
  {
    rule: "allowed-locations",
    pass: { type: "gcp:compute/instance:Instance", props: { zone: "europe-west1-b" } },
    fail: bucket({ location: "US" }),
    expect: ["location US is outside the allowed locations (europe-west1, europe-west4, eu)."],
  },
  {
    rule: "prod-stateful-protected",
    pass: { type: "gcp:bigquery/dataset:Dataset", props: {}, protect: true },
    fail: bucket({}),
    expect: [
      "this stateful prod resource is not protected: a refactor or `pulumi destroy` would delete its data.",
    ],
    config: prod,
  },
  {
    rule: "k8s-no-privileged-containers",
    pass: pod({}),
    fail: pod({ securityContext: { ...goodContainer.securityContext, privileged: true } }),
    expect: ["spec.template.spec.containers[0] (app) is privileged."],
  },
  {
    rule: "k8s-no-privilege-escalation",
    pass: pod({}),
    fail: pod({ securityContext: { runAsNonRoot: true } }),
    expect: ["spec.template.spec.containers[0] (app) does not set allowPrivilegeEscalation: false."],
  },
  {
    rule: "k8s-no-host-namespaces",
    pass: pod({}),
    fail: pod({}, { hostNetwork: true, hostPID: true }),
    expect: ["spec.template.spec.hostNetwork is true.", "spec.template.spec.hostPID is true."],
  },
  {
    rule: "k8s-no-host-path",
    pass: pod({}, { volumes: [{ name: "tmp", emptyDir: {} }] }),
    fail: pod({}, { volumes: [{ name: "docker", hostPath: { path: "/var/run/docker.sock" } }] }),
    expect: ["spec.template.spec.volumes[0] mounts host path /var/run/docker.sock."],
  },
  {
    rule: "k8s-capabilities-allow-list",
    pass: pod({}),
    fail: pod({
      securityContext: { ...goodContainer.securityContext, capabilities: { add: ["SYS_ADMIN"] } },
    }),
    expect: ["spec.template.spec.containers[0] (app) adds capability SYS_ADMIN."],
  },
  {
    rule: "k8s-run-as-non-root",
    pass: deployment({ securityContext: { runAsNonRoot: true }, containers: [{ name: "a", image: "x:1" }] }),
    fail: pod({ securityContext: { runAsNonRoot: false } }),
    expect: [
      "spec.template.spec.containers[0] (app) does not set runAsNonRoot: true (here or in spec.template.spec.securityContext).",
    ],
  },
  {
    rule: "k8s-read-only-root-filesystem",
    pass: pod({}),
    fail: pod({ securityContext: { readOnlyRootFilesystem: false } }),
    expect: ["spec.template.spec.containers[0] (app) does not set readOnlyRootFilesystem: true."],
  },
  {
    rule: "k8s-resource-requests-limits",
    pass: pod({}),
    fail: pod({ resources: { requests: { cpu: "1" } } }),
    expect: [
      "spec.template.spec.containers[0] (app) has no resources.requests.memory, resources.limits.memory.",
    ],
  },
  {
    rule: "k8s-pinned-images",
    pass: pod({ image: "nginx:1.27" }),
    fail: {
      type: "kubernetes:batch/v1:CronJob",
      props: {
        spec: {
          jobTemplate: {
            spec: { template: { spec: { containers: [{ name: "job", image: "nginx:latest" }] } } },
          },
        },
      },
    },
    expect: [
      "spec.jobTemplate.spec.template.spec.containers[0] (job) image nginx:latest uses the latest tag.",
    ],
    config: { ...dev, requireDigests: false },
  },
  {
    rule: "k8s-rbac-no-wildcards",
    pass: {
      type: "kubernetes:rbac.authorization.k8s.io/v1:Role",
      props: { rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["get"] }] },
    },
    fail: {
      type: "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole",
      props: { rules: [{ apiGroups: ["*"], resources: ["pods"], verbs: ["*"] }] },
    },
    expect: ['rules[0].verbs contains "*".', 'rules[0].apiGroups contains "*".'],
  },
  {
    rule: "k8s-no-cluster-admin-bindings",
    pass: {
      type: "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding",
      props: {
        roleRef: { name: "cluster-admin" },
        subjects: [{ kind: "Group", name: "platform-admins@example.com" }],
      },
    },
    fail: {
      type: "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding",
      props: { roleRef: { name: "cluster-admin" }, subjects: [{ kind: "User", name: "jo@example.com" }] },
    },
    expect: ["subjects[0] (User jo@example.com) is bound to cluster-admin and is not a platform group."],
  },
  {
    rule: "k8s-no-opaque-helm-releases",
    pass: { type: "kubernetes:helm.sh/v4:Chart", props: { chart: "x" } },
    fail: { type: "kubernetes:helm.sh/v3:Release", props: { chart: "x" } },
    expect: ["a helm.sh/v3 Release deploys objects the policy pack cannot see; use helm.v4.Chart."],
  },
  ...judgingCases,
];
