import { describeRanges, isWorldOpen } from "../lib/address-space";
import { isDefaultServiceAccount } from "../lib/iam";
import { listOf, objectOf, type PlatformRule, type Props, resourceRule } from "../lib/rule";

export const CLUSTER = "gcp:container/cluster:Cluster";
export const NODE_POOL = "gcp:container/nodePool:NodePool";

/** Node configs of a cluster (default pool and inline pools) or of a node pool, with where they are. */
function nodeConfigsOf(type: string, props: Props): { where: string; config: Props | undefined }[] {
  if (type === NODE_POOL) return [{ where: "nodeConfig", config: objectOf(props.nodeConfig) }];
  const configs: { where: string; config: Props | undefined }[] = [];
  // A cluster whose default pool is removed has no nodes of its own; node pools are checked separately.
  if (props.removeDefaultNodePool !== true)
    configs.push({ where: "nodeConfig", config: objectOf(props.nodeConfig) });
  listOf(props.nodePools).forEach((pool, index) => {
    configs.push({ where: `nodePools[${index}].nodeConfig`, config: objectOf(pool?.nodeConfig) });
  });
  return configs;
}

function isAutopilot(props: Props): boolean {
  return props.enableAutopilot === true;
}

export const gkeRules: PlatformRule[] = [
  resourceRule({
    name: "gke-private-nodes",
    description: "GKE nodes have no public IP addresses.",
    severity: "high",
    category: "security",
    checks: "Cluster `privateClusterConfig.enablePrivateNodes` is true.",
    checkov: ["CKV_GCP_64"],
    trivy: ["AVD-GCP-0059"],
    remediationSteps:
      "Set `privateClusterConfig: { enablePrivateNodes: true, ... }` and use Cloud NAT for egress.",
    types: [CLUSTER],
    check: ({ props, report }) => {
      if (objectOf(props.privateClusterConfig)?.enablePrivateNodes !== true) {
        report("privateClusterConfig.enablePrivateNodes is not true: nodes get public IP addresses.");
      }
    },
  }),
  resourceRule({
    name: "gke-master-authorized-networks",
    description: "The GKE control plane is reachable only from authorized networks.",
    severity: "high",
    category: "security",
    checks:
      "Cluster has `masterAuthorizedNetworksConfig`; the union of its `cidrBlocks[].cidrBlock` is not world-open (at least an IPv4 /8 or IPv6 /16 worth of public addresses, however split, or an unreadable range) and `gcpPublicCidrsAccessEnabled` is not true (it admits every Google Cloud public address).",
    checkov: ["CKV_GCP_20"],
    trivy: ["AVD-GCP-0053"],
    remediationSteps:
      "Set `masterAuthorizedNetworksConfig.cidrBlocks` to the admin/CI ranges that need the API server.",
    types: [CLUSTER],
    check: ({ props, report }) => {
      const config = objectOf(props.masterAuthorizedNetworksConfig);
      if (!config) {
        report(
          "masterAuthorizedNetworksConfig is not set: the control plane accepts connections from anywhere.",
        );
        return;
      }
      const blocks = listOf(config.cidrBlocks).map((block) => String(objectOf(block)?.cidrBlock ?? ""));
      if (isWorldOpen(blocks))
        report(`masterAuthorizedNetworksConfig.cidrBlocks admit the internet: ${describeRanges(blocks)}.`);
      if (config.gcpPublicCidrsAccessEnabled === true)
        report(
          "masterAuthorizedNetworksConfig.gcpPublicCidrsAccessEnabled is true: every Google Cloud public address, any customer's VM included, can reach the control plane.",
        );
    },
  }),
  resourceRule({
    name: "gke-workload-identity",
    description: "GKE clusters enable Workload Identity.",
    severity: "high",
    category: "security",
    checks: "Cluster `workloadIdentityConfig.workloadPool` is set (`<project>.svc.id.goog`).",
    remediationSteps: 'Set `workloadIdentityConfig: { workloadPool: "<project>.svc.id.goog" }`.',
    types: [CLUSTER],
    check: ({ props, report }) => {
      const pool = objectOf(props.workloadIdentityConfig)?.workloadPool;
      if (typeof pool !== "string" || pool === "") {
        report("workloadIdentityConfig.workloadPool is not set: pods would use the node's service account.");
      }
    },
  }),
  resourceRule({
    name: "gke-metadata-server",
    description: "GKE node pools expose only the GKE metadata server (Workload Identity on nodes).",
    severity: "high",
    category: "security",
    checks:
      'Every node config (cluster default/inline pools, NodePool) has `workloadMetadataConfig.mode: "GKE_METADATA"`.',
    checkov: ["CKV_GCP_69"],
    remediationSteps: 'Set `nodeConfig.workloadMetadataConfig: { mode: "GKE_METADATA" }` on every node pool.',
    types: [CLUSTER, NODE_POOL],
    check: ({ type, props, report }) => {
      if (type === CLUSTER && isAutopilot(props)) return;
      for (const { where, config } of nodeConfigsOf(type, props)) {
        const mode = objectOf(config?.workloadMetadataConfig)?.mode;
        if (mode !== "GKE_METADATA") {
          report(
            `${where}.workloadMetadataConfig.mode is ${JSON.stringify(mode ?? "unset")}; it must be "GKE_METADATA".`,
          );
        }
      }
    },
  }),
  resourceRule({
    name: "gke-shielded-nodes",
    description: "GKE clusters use Shielded GKE nodes.",
    severity: "medium",
    category: "security",
    checks: "Cluster `enableShieldedNodes` is not false (the provider default is true).",
    checkov: ["CKV_GCP_71"],
    trivy: ["AVD-GCP-0055"],
    remediationSteps: "Remove `enableShieldedNodes: false` (or set it to true).",
    types: [CLUSTER],
    check: ({ props, report }) => {
      if (props.enableShieldedNodes === false) report("enableShieldedNodes is false.");
    },
  }),
  resourceRule({
    name: "gke-no-legacy-abac",
    description: "GKE clusters do not use legacy ABAC.",
    severity: "high",
    category: "security",
    checks: "Cluster `enableLegacyAbac` is not true.",
    checkov: ["CKV_GCP_7"],
    remediationSteps: "Set `enableLegacyAbac: false` and use RBAC.",
    types: [CLUSTER],
    check: ({ props, report }) => {
      if (props.enableLegacyAbac === true) report("enableLegacyAbac is true: ABAC grants bypass RBAC.");
    },
  }),
  resourceRule({
    name: "gke-no-client-certificate",
    description: "GKE clusters issue no client certificate.",
    severity: "high",
    category: "security",
    checks: "Cluster `masterAuth.clientCertificateConfig.issueClientCertificate` is not true.",
    checkov: ["CKV_GCP_13"],
    trivy: ["AVD-GCP-0064"],
    remediationSteps: "Remove `masterAuth.clientCertificateConfig` or set `issueClientCertificate: false`.",
    types: [CLUSTER],
    check: ({ props, report }) => {
      const issue = objectOf(objectOf(props.masterAuth)?.clientCertificateConfig)?.issueClientCertificate;
      if (issue === true)
        report(
          "masterAuth.clientCertificateConfig.issueClientCertificate is true: a static admin credential is issued.",
        );
    },
  }),
  resourceRule({
    name: "gke-network-policy",
    description: "GKE clusters enforce network policies (Calico network policy or Dataplane V2).",
    severity: "medium",
    category: "security",
    checks: 'Cluster `networkPolicy.enabled` is true or `datapathProvider` is "ADVANCED_DATAPATH".',
    checkov: ["CKV_GCP_12"],
    trivy: ["AVD-GCP-0056"],
    remediationSteps:
      'Set `datapathProvider: "ADVANCED_DATAPATH"` (Dataplane V2) or `networkPolicy: { enabled: true }`.',
    types: [CLUSTER],
    check: ({ props, report }) => {
      if (isAutopilot(props)) return;
      if (props.datapathProvider === "ADVANCED_DATAPATH") return;
      if (objectOf(props.networkPolicy)?.enabled === true) return;
      report(
        "neither Dataplane V2 nor networkPolicy is enabled: pods can reach each other without restriction.",
      );
    },
  }),
  resourceRule({
    name: "gke-release-channel",
    description: "GKE clusters are enrolled in a release channel.",
    severity: "medium",
    category: "reliability",
    checks: "Cluster `releaseChannel.channel` is RAPID, REGULAR, STABLE or EXTENDED.",
    remediationSteps: 'Set `releaseChannel: { channel: "REGULAR" }` (or STABLE for prod).',
    types: [CLUSTER],
    check: ({ props, report }) => {
      const channel = objectOf(props.releaseChannel)?.channel;
      if (!["RAPID", "REGULAR", "STABLE", "EXTENDED"].includes(channel)) {
        report(
          `releaseChannel.channel is ${JSON.stringify(channel ?? "unset")}; the cluster gets no managed upgrades.`,
        );
      }
    },
  }),
  resourceRule({
    name: "gke-node-auto-upgrade-repair",
    description: "GKE node pools auto-upgrade and auto-repair.",
    severity: "medium",
    category: "reliability",
    checks:
      "NodePool (and inline cluster pools) `management.autoUpgrade` and `management.autoRepair` are not false.",
    checkov: ["CKV_GCP_9", "CKV_GCP_10"],
    trivy: ["AVD-GCP-0063"],
    remediationSteps: "Set `management: { autoUpgrade: true, autoRepair: true }`.",
    types: [CLUSTER, NODE_POOL],
    check: ({ type, props, report }) => {
      const pools =
        type === NODE_POOL
          ? [{ where: "management", management: objectOf(props.management) }]
          : listOf(props.nodePools).map((pool, index) => ({
              where: `nodePools[${index}].management`,
              management: objectOf(pool?.management),
            }));
      for (const { where, management } of pools) {
        if (management?.autoUpgrade === false) report(`${where}.autoUpgrade is false.`);
        if (management?.autoRepair === false) report(`${where}.autoRepair is false.`);
      }
    },
  }),
  resourceRule({
    name: "gke-node-service-account",
    description: "GKE nodes run as a dedicated service account, not the default compute one.",
    severity: "high",
    category: "security",
    checks: "Every node config has `serviceAccount` set and not `*-compute@developer.gserviceaccount.com`.",
    trivy: ["AVD-GCP-0050"],
    remediationSteps:
      "Create a minimal node service account (logging/monitoring writer) and set `nodeConfig.serviceAccount`.",
    types: [CLUSTER, NODE_POOL],
    check: ({ type, props, report }) => {
      if (type === CLUSTER && isAutopilot(props)) return;
      for (const { where, config } of nodeConfigsOf(type, props)) {
        const account = config?.serviceAccount;
        if (typeof account !== "string" || account === "" || account === "default") {
          report(`${where}.serviceAccount is not set: nodes use the default compute service account.`);
        } else if (isDefaultServiceAccount(account)) {
          report(`${where}.serviceAccount is the default compute service account ${account}.`);
        }
      }
    },
  }),
];
