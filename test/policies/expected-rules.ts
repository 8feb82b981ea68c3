/**
 * Every rule the pack must have, written by hand from docs/policies.md's intent (not read from the
 * catalog): what it judges (one resource, or the whole stack), its area and its severity. Tests
 * compare the pack, the per-stack configs and the generated docs against this list, so a rule that
 * disappears, is renamed or silently changes area (and with it its enforcement level) fails.
 */
export type Kind = "resource" | "stack";
export type Area = "security" | "reliability" | "cost" | "governance";
export type Severity = "low" | "medium" | "high" | "critical";

export const EXPECTED_RULES: Record<string, [kind: Kind, area: Area, severity: Severity]> = {
  // Storage
  "storage-public-access-prevention": ["resource", "security", "critical"],
  "storage-uniform-bucket-level-access": ["resource", "security", "high"],
  "storage-versioning-in-prod": ["resource", "reliability", "medium"],
  "storage-no-hmac-keys": ["resource", "security", "high"],
  "bucket-public-via-iam": ["stack", "security", "critical"],
  // IAM
  "iam-no-public-members": ["resource", "security", "critical"],
  "iam-no-primitive-roles": ["resource", "security", "high"],
  "iam-no-project-level-impersonation": ["resource", "security", "high"],
  "iam-no-service-account-keys": ["resource", "security", "high"],
  "iam-no-default-service-accounts": ["resource", "security", "high"],
  "iam-allowed-member-domains": ["resource", "security", "high"],
  "iam-groups-not-users": ["resource", "security", "medium"],
  "iam-custom-role-no-escalation": ["resource", "security", "critical"],
  "iam-no-authoritative-hierarchy-policy": ["resource", "security", "high"],
  "iam-no-escalation-grants": ["stack", "security", "critical"],
  "deploy-identity-bound-to-environment": ["stack", "security", "critical"],
  // Workload identity federation (GitHub OIDC)
  "wif-provider-pins-repository-owner": ["resource", "security", "critical"],
  "wif-bindings-on-immutable-ids": ["resource", "security", "critical"],
  // BigQuery, Cloud SQL, KMS
  "bigquery-no-public-datasets": ["resource", "security", "critical"],
  "sql-no-public-ip": ["resource", "security", "critical"],
  "sql-require-ssl": ["resource", "security", "high"],
  "sql-backups-and-pitr": ["resource", "reliability", "high"],
  "sql-deletion-protection-in-prod": ["resource", "reliability", "high"],
  "kms-key-rotation": ["resource", "security", "medium"],
  "kms-key-protected-in-prod": ["resource", "reliability", "high"],
  // GKE
  "gke-private-nodes": ["resource", "security", "high"],
  "gke-master-authorized-networks": ["resource", "security", "high"],
  "gke-workload-identity": ["resource", "security", "high"],
  "gke-metadata-server": ["resource", "security", "high"],
  "gke-shielded-nodes": ["resource", "security", "medium"],
  "gke-no-legacy-abac": ["resource", "security", "high"],
  "gke-no-client-certificate": ["resource", "security", "high"],
  "gke-network-policy": ["resource", "security", "medium"],
  "gke-release-channel": ["resource", "reliability", "medium"],
  "gke-node-auto-upgrade-repair": ["resource", "reliability", "medium"],
  "gke-node-service-account": ["resource", "security", "high"],
  // Compute and network
  "vm-no-external-ip": ["resource", "security", "high"],
  "vm-no-serial-port": ["resource", "security", "medium"],
  "vm-no-default-service-account": ["resource", "security", "high"],
  "vm-block-project-ssh-keys": ["resource", "security", "medium"],
  "vm-os-login": ["resource", "security", "medium"],
  "vm-shielded-vm": ["resource", "security", "medium"],
  "firewall-no-world-ingress": ["resource", "security", "critical"],
  "network-no-default-or-auto-mode": ["resource", "security", "medium"],
  "dns-dnssec-public-zones": ["resource", "security", "medium"],
  "project-metadata-secure": ["resource", "security", "high"],
  // Monitoring and alerting
  "alert-policy-has-routes": ["resource", "reliability", "high"],
  "alert-policy-has-runbook": ["resource", "reliability", "medium"],
  "alert-policy-has-severity": ["resource", "reliability", "medium"],
  "alert-policy-has-documentation": ["resource", "reliability", "medium"],
  "alert-policy-auto-closes": ["resource", "reliability", "low"],
  "notification-channel-secrets-sensitive": ["resource", "security", "critical"],
  "service-slo-alerts": ["stack", "reliability", "high"],
  // Audit and logging
  "audit-logs-no-exemptions": ["resource", "security", "high"],
  "audit-logs-not-dropped": ["resource", "security", "high"],
  "log-retention-minimum": ["resource", "governance", "medium"],
  // Organisation-wide guard rails
  "required-labels": ["resource", "cost", "low"],
  "allowed-locations": ["resource", "governance", "medium"],
  "prod-stateful-protected": ["resource", "reliability", "high"],
  "api-keys-restricted": ["resource", "security", "high"],
  "org-policy-no-weakening": ["resource", "security", "critical"],
  "no-dynamic-providers-in-prod": ["resource", "security", "high"],
  "environment-baseline": ["stack", "governance", "high"],
  // Kubernetes workloads
  "k8s-no-privileged-containers": ["resource", "security", "critical"],
  "k8s-no-privilege-escalation": ["resource", "security", "high"],
  "k8s-no-host-namespaces": ["resource", "security", "high"],
  "k8s-no-host-path": ["resource", "security", "high"],
  "k8s-capabilities-allow-list": ["resource", "security", "high"],
  "k8s-run-as-non-root": ["resource", "security", "high"],
  "k8s-read-only-root-filesystem": ["resource", "security", "medium"],
  "k8s-resource-requests-limits": ["resource", "reliability", "medium"],
  "k8s-pinned-images": ["resource", "security", "high"],
  "k8s-rbac-no-wildcards": ["resource", "security", "high"],
  "k8s-no-cluster-admin-bindings": ["resource", "security", "critical"],
  "k8s-no-opaque-helm-releases": ["resource", "security", "high"],
  // The pack's own safety nets
  "unknown-values-recheck": ["stack", "security", "high"],
  "exemption-expired": ["stack", "security", "high"],
  "exemption-register-valid": ["stack", "security", "high"],
};

/**
 * The level each area gets per stack, from the profiles' promise: security is mandatory
 * everywhere, reliability from staging on, cost and governance in prod only.
 */
export const EXPECTED_LEVELS: Record<Area, [dev: string, staging: string, prod: string]> = {
  security: ["mandatory", "mandatory", "mandatory"],
  reliability: ["advisory", "mandatory", "mandatory"],
  cost: ["advisory", "advisory", "mandatory"],
  governance: ["advisory", "advisory", "mandatory"],
};
