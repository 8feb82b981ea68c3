import { isDefaultServiceAccount } from "../lib/iam";
import { listOf, metadataFlag, objectOf, type PlatformRule, type Props, resourceRule } from "../lib/rule";

export const VM_TYPES = [
  "gcp:compute/instance:Instance",
  "gcp:compute/instanceTemplate:InstanceTemplate",
  "gcp:compute/regionInstanceTemplate:RegionInstanceTemplate",
];

function metadataOf(props: Props): Props {
  return objectOf(props.metadata) ?? {};
}

export const computeRules: PlatformRule[] = [
  resourceRule({
    name: "vm-no-external-ip",
    description: "VMs have no external IP addresses.",
    severity: "high",
    category: "security",
    checks:
      "Instance/InstanceTemplate `networkInterfaces[].accessConfigs` and `ipv6AccessConfigs` are empty.",
    checkov: ["CKV_GCP_40"],
    trivy: ["AVD-GCP-0031"],
    remediationSteps:
      "Remove accessConfigs; use Cloud NAT for egress and IAP or a load balancer for ingress.",
    types: VM_TYPES,
    check: ({ props, report }) => {
      listOf(props.networkInterfaces).forEach((nic, index) => {
        if (listOf(nic?.accessConfigs).length > 0)
          report(`networkInterfaces[${index}].accessConfigs gives an external IPv4 address.`);
        if (listOf(nic?.ipv6AccessConfigs).length > 0)
          report(`networkInterfaces[${index}].ipv6AccessConfigs gives an external IPv6 address.`);
      });
    },
  }),
  resourceRule({
    name: "vm-no-serial-port",
    description: "VMs do not enable the interactive serial console.",
    severity: "medium",
    category: "security",
    checks: "Instance metadata `serial-port-enable` is not true.",
    checkov: ["CKV_GCP_35"],
    trivy: ["AVD-GCP-0032"],
    remediationSteps: 'Remove `metadata["serial-port-enable"]` or set it to "FALSE".',
    types: VM_TYPES,
    check: ({ props, report }) => {
      if (metadataFlag(metadataOf(props)["serial-port-enable"]) === true)
        report('metadata "serial-port-enable" is true.');
    },
  }),
  resourceRule({
    name: "vm-no-default-service-account",
    description: "VMs run as a dedicated service account, not the default compute one.",
    severity: "high",
    category: "security",
    checks: "Instance `serviceAccount.email` is set and is not `*-compute@developer.gserviceaccount.com`.",
    checkov: ["CKV_GCP_30"],
    remediationSteps:
      'Create a dedicated service account and set `serviceAccount: { email, scopes: ["cloud-platform"] }`.',
    types: VM_TYPES,
    check: ({ props, report }) => {
      const email = objectOf(props.serviceAccount)?.email;
      if (typeof email !== "string" || email === "" || email === "default") {
        report("serviceAccount.email is not set: the VM runs as the default compute service account.");
      } else if (isDefaultServiceAccount(email)) {
        report(`serviceAccount.email is the default compute service account ${email}.`);
      }
    },
  }),
  resourceRule({
    name: "vm-block-project-ssh-keys",
    description: "VMs ignore project-wide SSH keys.",
    severity: "medium",
    category: "security",
    checks: "Instance metadata `block-project-ssh-keys` is true.",
    checkov: ["CKV_GCP_32"],
    remediationSteps: 'Set `metadata: { "block-project-ssh-keys": "TRUE" }` (and use OS Login).',
    types: VM_TYPES,
    check: ({ props, report }) => {
      if (metadataFlag(metadataOf(props)["block-project-ssh-keys"]) !== true) {
        report('metadata "block-project-ssh-keys" is not true: project-wide SSH keys can log in.');
      }
    },
  }),
  resourceRule({
    name: "vm-os-login",
    description: "VMs use OS Login for SSH access.",
    severity: "medium",
    category: "security",
    checks: "Instance metadata `enable-oslogin` is true.",
    checkov: ["CKV_GCP_34"],
    remediationSteps: 'Set `metadata: { "enable-oslogin": "TRUE" }`.',
    types: VM_TYPES,
    check: ({ props, report }) => {
      if (metadataFlag(metadataOf(props)["enable-oslogin"]) !== true) {
        report('metadata "enable-oslogin" is not true: SSH access is not tied to IAM.');
      }
    },
  }),
  resourceRule({
    name: "vm-shielded-vm",
    description: "VMs use Shielded VM (secure boot, vTPM, integrity monitoring).",
    severity: "medium",
    category: "security",
    checks:
      "Instance `shieldedInstanceConfig.enableSecureBoot` is true and `enableVtpm` / `enableIntegrityMonitoring` are not false.",
    checkov: ["CKV_GCP_39"],
    trivy: ["AVD-GCP-0067", "AVD-GCP-0045"],
    remediationSteps:
      "Set `shieldedInstanceConfig: { enableSecureBoot: true, enableVtpm: true, enableIntegrityMonitoring: true }` on a Shielded VM image.",
    types: VM_TYPES,
    check: ({ props, report }) => {
      const shielded = objectOf(props.shieldedInstanceConfig);
      if (shielded?.enableSecureBoot !== true) report("shieldedInstanceConfig.enableSecureBoot is not true.");
      if (shielded?.enableVtpm === false) report("shieldedInstanceConfig.enableVtpm is false.");
      if (shielded?.enableIntegrityMonitoring === false)
        report("shieldedInstanceConfig.enableIntegrityMonitoring is false.");
    },
  }),
];
