import { describeRanges, isWorldOpen } from "../lib/address-space";
import { listOf, objectOf, type PlatformRule, resourceRule } from "../lib/rule";

export const SQL_INSTANCE = "gcp:sql/databaseInstance:DatabaseInstance";
export const ALLOYDB_INSTANCE = "gcp:alloydb/instance:Instance";

const ENFORCED_SSL_MODES = ["ENCRYPTED_ONLY", "TRUSTED_CLIENT_CERTIFICATE_REQUIRED"];

export const sqlRules: PlatformRule[] = [
  resourceRule({
    name: "sql-no-public-ip",
    description: "Cloud SQL instances have no public IP and never authorize 0.0.0.0/0.",
    severity: "critical",
    category: "security",
    checks:
      "DatabaseInstance `settings.ipConfiguration.ipv4Enabled` is false (the provider default is true) and the union of `authorizedNetworks[].value` is not world-open (at least an IPv4 /8 or IPv6 /16 worth of public addresses, however split). AlloyDB Instance: `networkConfig.enablePublicIp` is not true and the union of `networkConfig.authorizedExternalNetworks[].cidrRange` is not world-open.",
    checkov: ["CKV_GCP_60", "CKV_GCP_11"],
    remediationSteps:
      "Set `settings.ipConfiguration: { ipv4Enabled: false, privateNetwork: <vpc> }` and connect through private IP or the Cloud SQL connector.",
    types: [SQL_INSTANCE, ALLOYDB_INSTANCE],
    check: ({ type, props, report }) => {
      if (type === ALLOYDB_INSTANCE) {
        const network = objectOf(props.networkConfig);
        if (network?.enablePublicIp === true)
          report("networkConfig.enablePublicIp is true: the instance gets a public IP address.");
        const ranges = listOf(network?.authorizedExternalNetworks).map((entry) =>
          String(objectOf(entry)?.cidrRange ?? ""),
        );
        if (ranges.length > 0 && isWorldOpen(ranges))
          report(`networkConfig.authorizedExternalNetworks admit the internet: ${describeRanges(ranges)}.`);
        return;
      }
      const ip = objectOf(objectOf(props.settings)?.ipConfiguration);
      if (ip?.ipv4Enabled !== false) {
        report("settings.ipConfiguration.ipv4Enabled is not false: the instance gets a public IP address.");
      }
      const values = listOf(ip?.authorizedNetworks).map((network) => String(objectOf(network)?.value ?? ""));
      if (values.length > 0 && isWorldOpen(values))
        report(`settings.ipConfiguration.authorizedNetworks admit the internet: ${describeRanges(values)}.`);
    },
  }),
  resourceRule({
    name: "sql-require-ssl",
    description: "Cloud SQL instances accept only encrypted connections.",
    severity: "high",
    category: "security",
    checks:
      "DatabaseInstance `settings.ipConfiguration.sslMode` is ENCRYPTED_ONLY or TRUSTED_CLIENT_CERTIFICATE_REQUIRED.",
    checkov: ["CKV_GCP_6"],
    trivy: ["AVD-GCP-0015"],
    remediationSteps: 'Set `settings.ipConfiguration.sslMode: "ENCRYPTED_ONLY"`.',
    types: [SQL_INSTANCE],
    check: ({ props, report }) => {
      const mode = objectOf(objectOf(props.settings)?.ipConfiguration)?.sslMode;
      if (!ENFORCED_SSL_MODES.includes(mode)) {
        report(
          `settings.ipConfiguration.sslMode is ${JSON.stringify(mode ?? "unset")}; unencrypted connections are allowed.`,
        );
      }
    },
  }),
  resourceRule({
    name: "sql-backups-and-pitr",
    description: "Cloud SQL instances take backups and keep point-in-time recovery logs.",
    severity: "high",
    category: "reliability",
    checks:
      "DatabaseInstance `settings.backupConfiguration.enabled` and `pointInTimeRecoveryEnabled` are true (read replicas are exempt).",
    checkov: ["CKV_GCP_14"],
    remediationSteps:
      "Set `settings.backupConfiguration: { enabled: true, pointInTimeRecoveryEnabled: true }`.",
    types: [SQL_INSTANCE],
    check: ({ props, report }) => {
      if (typeof props.masterInstanceName === "string" && props.masterInstanceName !== "") return;
      const backup = objectOf(objectOf(props.settings)?.backupConfiguration);
      if (backup?.enabled !== true) report("settings.backupConfiguration.enabled is not true.");
      if (backup?.pointInTimeRecoveryEnabled !== true) {
        report("settings.backupConfiguration.pointInTimeRecoveryEnabled is not true.");
      }
    },
  }),
  resourceRule({
    name: "sql-deletion-protection-in-prod",
    description: "Cloud SQL instances in prod are protected from deletion.",
    severity: "high",
    category: "reliability",
    checks:
      "In prod: DatabaseInstance `deletionProtection` is not false, `settings.deletionProtectionEnabled` is true and the resource has `protect`.",
    remediationSteps:
      "Set `deletionProtection: true`, `settings.deletionProtectionEnabled: true` and the resource option `protect: true`.",
    types: [SQL_INSTANCE],
    check: ({ props, opts, tier, report }) => {
      if (tier !== "prod") return;
      if (props.deletionProtection === false) report("deletionProtection is false.");
      if (objectOf(props.settings)?.deletionProtectionEnabled !== true) {
        report(
          "settings.deletionProtectionEnabled is not true: the instance can be deleted through the API.",
        );
      }
      if (!opts.protect) report("the resource is not protected (resource option protect: true).");
    },
  }),
];
