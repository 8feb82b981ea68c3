/**
 * Escalation paths, the audit trail, and resource types no other rule looked at: custom roles that
 * can grant access, authoritative IAM policies, audit-log exemptions and exclusions, log retention,
 * HMAC keys, unrestricted API keys, organization policies that reopen what the platform closes,
 * project metadata, and dynamic providers.
 */
import { isEscalationPermission } from "../lib/capability";
import { decodePolicyDocument } from "../lib/policy-document";
import { listOf, metadataFlag, objectOf, type PlatformRule, resourceRule, schema } from "../lib/rule";
import { CUSTOM_ROLE_TYPES } from "./reach";

export const AUTHORITATIVE_HIERARCHY_POLICIES: readonly string[] = [
  "gcp:projects/iAMPolicy:IAMPolicy",
  "gcp:folder/iAMPolicy:IAMPolicy",
  "gcp:organizations/iAMPolicy:IAMPolicy",
];
export const AUDIT_CONFIG_TYPES: readonly string[] = [
  "gcp:projects/iAMAuditConfig:IAMAuditConfig",
  "gcp:folder/iamAuditConfig:IamAuditConfig",
  "gcp:organizations/iamAuditConfig:IamAuditConfig",
];
export const LOG_EXCLUSION_TYPES: readonly string[] = [
  "gcp:logging/projectExclusion:ProjectExclusion",
  "gcp:logging/folderExclusion:FolderExclusion",
  "gcp:logging/organizationExclusion:OrganizationExclusion",
  "gcp:logging/billingAccountExclusion:BillingAccountExclusion",
];
export const LOG_SINK_TYPES: readonly string[] = [
  "gcp:logging/projectSink:ProjectSink",
  "gcp:logging/folderSink:FolderSink",
  "gcp:logging/organizationSink:OrganizationSink",
  "gcp:logging/billingAccountSink:BillingAccountSink",
];
export const LOG_BUCKET_TYPES: readonly string[] = [
  "gcp:logging/projectBucketConfig:ProjectBucketConfig",
  "gcp:logging/folderBucketConfig:FolderBucketConfig",
  "gcp:logging/organizationBucketConfig:OrganizationBucketConfig",
  "gcp:logging/billingAccountBucketConfig:BillingAccountBucketConfig",
];
export const HMAC_KEY = "gcp:storage/hmacKey:HmacKey";
export const API_KEY = "gcp:projects/apiKey:ApiKey";
export const ORG_POLICY = "gcp:orgpolicy/policy:Policy";
export const LEGACY_ORG_POLICY_TYPES: readonly string[] = [
  "gcp:projects/organizationPolicy:OrganizationPolicy",
  "gcp:folder/organizationPolicy:OrganizationPolicy",
  "gcp:organizations/policy:Policy",
];
export const PROJECT_METADATA = "gcp:compute/projectMetadata:ProjectMetadata";
export const PROJECT_METADATA_ITEM = "gcp:compute/projectMetadataItem:ProjectMetadataItem";
export const DYNAMIC_RESOURCE = "pulumi-nodejs:dynamic:Resource";

/** Organization policy constraints the platform relies on being enforced (boolean) or restricted (list). */
export const PLATFORM_CONSTRAINTS: readonly string[] = [
  "compute.disableSerialPortAccess",
  "compute.requireOsLogin",
  "compute.skipDefaultNetworkCreation",
  "compute.vmExternalIpAccess",
  "gcp.resourceLocations",
  "iam.allowedPolicyMemberDomains",
  "iam.automaticIamGrantsForDefaultServiceAccounts",
  "iam.disableServiceAccountKeyCreation",
  "iam.disableServiceAccountKeyUpload",
  "iam.workloadIdentityPoolProviders",
  "sql.restrictAuthorizedNetworks",
  "sql.restrictPublicIp",
  "storage.publicAccessPrevention",
  "storage.uniformBucketLevelAccess",
];

/**
 * Whether a Logging filter can match audit logs (`cloudaudit.googleapis.com`, in any case or URL
 * encoding), other than in a negated term. Used on exclusions: such an exclusion drops audit logs.
 */
export function filterMatchesAuditLogs(filter: string): boolean {
  const text = decodeURIComponent(filter.replace(/%(?![0-9A-Fa-f]{2})/g, "%25")).toLowerCase();
  if (!text.includes("cloudaudit")) return false;
  // Every mention negated (`NOT logName:...cloudaudit...` or `-logName:...`): the filter keeps them.
  const mentions = text.split("cloudaudit").length - 1;
  const negated = (text.match(/(?:\bnot\s+|-)\s*\(?\s*(?:logname|log_id\s*\()[^\s)]*cloudaudit/g) ?? [])
    .length;
  return negated < mentions;
}

/** The constraint name without its `constraints/` prefix or parent path. */
function constraintName(value: unknown): string {
  const text = String(value ?? "");
  return text
    .slice(text.lastIndexOf("constraints/") >= 0 ? text.lastIndexOf("constraints/") + 12 : 0)
    .replace(/^.*\/policies\//, "");
}

function isTrue(value: unknown): boolean {
  return value === true || String(value).trim().toUpperCase() === "TRUE";
}
function isFalse(value: unknown): boolean {
  return value === false || String(value).trim().toUpperCase() === "FALSE";
}

export const hardeningRules: PlatformRule[] = [
  resourceRule({
    name: "iam-custom-role-no-escalation",
    description: "No custom role holds permissions that grant access or act as service accounts.",
    severity: "critical",
    category: "security",
    checks:
      "IAMCustomRole (project and organization) `permissions` hold no escalation permission: `resourcemanager.*` / `iam.*` setIamPolicy, iam.serviceAccounts.actAs / getAccessToken / getOpenIdToken / implicitDelegation / signBlob / signJwt, iam.serviceAccountKeys.create, iam.roles.create / update, orgpolicy policy changes, workload identity pool and provider changes.",
    remediationSteps:
      "Leave IAM administration to the platform's deploy identity; give custom roles only the permissions the workload uses.",
    types: CUSTOM_ROLE_TYPES,
    check: ({ props, report }) => {
      const found = listOf(props.permissions).map(String).filter(isEscalationPermission).sort();
      if (found.length > 0)
        report(`permissions include ${found.join(", ")}, which let the holder raise its own access.`);
    },
  }),
  resourceRule({
    name: "iam-no-authoritative-hierarchy-policy",
    description: "No authoritative IAM policy on a project, folder or organization.",
    severity: "high",
    category: "security",
    checks:
      "No `gcp:projects/iAMPolicy`, `gcp:folder/iAMPolicy` or `gcp:organizations/iAMPolicy`: they replace every binding, including Google's service agents and break-glass access, and hide grants in a JSON document.",
    remediationSteps: "Use IAMMember (or IAMBinding for a role the stack owns entirely) instead.",
    types: AUTHORITATIVE_HIERARCHY_POLICIES,
    check: ({ type, report }) => {
      report(
        `${type.split("/")[0].slice(4)} IAMPolicy is authoritative: it removes every grant it does not list, service agents included.`,
      );
    },
  }),
  resourceRule({
    name: "audit-logs-no-exemptions",
    description: "Audit logging exempts no member.",
    severity: "high",
    category: "security",
    checks:
      "IAMAuditConfig (project, folder, organization) `auditLogConfigs[].exemptedMembers` and the `auditConfigs` of every `*IAMPolicy` policyData (decoded as the provider does) name no member.",
    remediationSteps: "Remove exemptedMembers: an exempted identity acts without an audit trail.",
    types: [...AUDIT_CONFIG_TYPES, ...AUTHORITATIVE_HIERARCHY_POLICIES],
    check: ({ type, props, report }) => {
      if (AUDIT_CONFIG_TYPES.includes(type)) {
        listOf(props.auditLogConfigs).forEach((config, index) => {
          const exempted = listOf(objectOf(config)?.exemptedMembers).map(String);
          if (exempted.length > 0)
            report(
              `auditLogConfigs[${index}] (${objectOf(config)?.logType ?? "?"}) exempts ${exempted.join(", ")} from audit logging.`,
            );
        });
        return;
      }
      if (typeof props.policyData !== "string" || props.policyData.trim() === "") return;
      const decoded = decodePolicyDocument(props.policyData);
      // A document that cannot be decoded is reported by the IAM rules.
      if (decoded.problem !== undefined) return;
      decoded.document.auditConfigs.forEach((audit, auditIndex) => {
        audit.auditLogConfigs.forEach((config, index) => {
          if (config.exemptedMembers.length > 0)
            report(
              `policyData.auditConfigs[${auditIndex}].auditLogConfigs[${index}] (${audit.service} ${config.logType}) exempts ${config.exemptedMembers.join(", ")} from audit logging.`,
            );
        });
      });
    },
  }),
  resourceRule({
    name: "audit-logs-not-dropped",
    description: "No exclusion drops audit logs and no sink is disabled.",
    severity: "high",
    category: "security",
    checks:
      "Logging exclusions (project, folder, organization, billing account) and the `exclusions[]` of every sink that are not disabled have no `filter` that can match `cloudaudit.googleapis.com` logs (any case or URL encoding, unless every mention is negated); no sink has `disabled: true`.",
    remediationSteps:
      'Narrow the exclusion so it cannot match audit logs (add `NOT logName:"cloudaudit.googleapis.com"`), and enable the sink.',
    types: [...LOG_EXCLUSION_TYPES, ...LOG_SINK_TYPES],
    check: ({ type, props, report }) => {
      if (LOG_EXCLUSION_TYPES.includes(type)) {
        if (props.disabled !== true && filterMatchesAuditLogs(String(props.filter ?? "")))
          report(`the exclusion filter ${JSON.stringify(props.filter)} drops audit logs.`);
        return;
      }
      if (props.disabled === true) report("the sink is disabled: the logs it routes are not exported.");
      listOf(props.exclusions).forEach((exclusion, index) => {
        const entry = objectOf(exclusion) ?? {};
        if (entry.disabled !== true && filterMatchesAuditLogs(String(entry.filter ?? "")))
          report(
            `exclusions[${index}] filter ${JSON.stringify(entry.filter)} drops audit logs from this sink.`,
          );
      });
    },
  }),
  resourceRule<{ minRetentionDays: number }>({
    name: "log-retention-minimum",
    description: "Log buckets keep logs at least as long as the stack's tier requires.",
    severity: "medium",
    category: "governance",
    checks:
      "Log bucket configs (project, folder, organization, billing account) have `retentionDays` of at least `minRetentionDays` (the provider default is 30).",
    remediationSteps: "Raise retentionDays to the tier's minimum (GcpEnvironment sets it from the tier).",
    configSchema: {
      properties: {
        minRetentionDays: schema.integer(400, 1, "Shortest log retention, in days, allowed on this stack."),
      },
    },
    types: LOG_BUCKET_TYPES,
    check: ({ props, config, report }) => {
      const days = typeof props.retentionDays === "number" ? props.retentionDays : 30;
      if (days < config.minRetentionDays)
        report(`retentionDays is ${days}; this stack keeps logs at least ${config.minRetentionDays} days.`);
    },
  }),
  resourceRule({
    name: "storage-no-hmac-keys",
    description: "No Cloud Storage HMAC keys.",
    severity: "high",
    category: "security",
    checks: "No `gcp:storage/hmacKey:HmacKey` unless its `state` is INACTIVE.",
    remediationSteps:
      "Use service account identity (OAuth) or Workload Identity; HMAC keys are long-lived secrets.",
    types: [HMAC_KEY],
    check: ({ props, report }) => {
      if (String(props.state ?? "ACTIVE").toUpperCase() !== "INACTIVE")
        report(
          `HMAC key for ${props.serviceAccountEmail ?? "a service account"} is a long-lived credential.`,
        );
    },
  }),
  resourceRule({
    name: "api-keys-restricted",
    description: "API keys are restricted to named APIs and to an application.",
    severity: "high",
    category: "security",
    checks:
      "ApiKey `restrictions.apiTargets` is non-empty, and one of `browserKeyRestrictions`, `serverKeyRestrictions`, `androidKeyRestrictions` or `iosKeyRestrictions` is set.",
    remediationSteps: "Set restrictions.apiTargets to the APIs the key calls and an application restriction.",
    types: [API_KEY],
    check: ({ props, report }) => {
      const restrictions = objectOf(props.restrictions) ?? {};
      if (listOf(restrictions.apiTargets).length === 0)
        report("restrictions.apiTargets is empty: the key can call every enabled API.");
      const apps = [
        "browserKeyRestrictions",
        "serverKeyRestrictions",
        "androidKeyRestrictions",
        "iosKeyRestrictions",
      ];
      if (!apps.some((field) => objectOf(restrictions[field]) !== undefined))
        report("no application restriction: anyone holding the key can use it from anywhere.");
    },
  }),
  resourceRule({
    name: "org-policy-no-weakening",
    description: "No organization policy reopens what the platform closes.",
    severity: "critical",
    category: "security",
    checks: `Organization policies (\`gcp:orgpolicy/policy:Policy\` spec rules and reset; legacy project / folder / organization policies' booleanPolicy, listPolicy and restorePolicy) on the platform's constraints (${PLATFORM_CONSTRAINTS.join(", ")}) do not set \`enforce: FALSE\`, \`allowAll: TRUE\`, \`reset: true\`, \`booleanPolicy.enforced: false\`, \`listPolicy.allow.all: true\` or \`restorePolicy.default: true\`.`,
    remediationSteps: "Remove the override; ask the platform team for a scoped exemption instead.",
    types: [ORG_POLICY, ...LEGACY_ORG_POLICY_TYPES],
    check: ({ type, props, report }) => {
      const constraint = constraintName(type === ORG_POLICY ? props.name : props.constraint);
      if (!PLATFORM_CONSTRAINTS.includes(constraint)) return;
      const problems: string[] = [];
      if (type === ORG_POLICY) {
        const spec = objectOf(props.spec) ?? {};
        if (spec.reset === true) problems.push("spec.reset is true");
        listOf(spec.rules).forEach((rule, index) => {
          const entry = objectOf(rule) ?? {};
          if (isFalse(entry.enforce)) problems.push(`spec.rules[${index}].enforce is FALSE`);
          if (isTrue(entry.allowAll)) problems.push(`spec.rules[${index}].allowAll is TRUE`);
        });
      } else {
        if (isFalse(objectOf(props.booleanPolicy)?.enforced))
          problems.push("booleanPolicy.enforced is false");
        if (objectOf(objectOf(props.listPolicy)?.allow)?.all === true)
          problems.push("listPolicy.allow.all is true");
        if (objectOf(props.restorePolicy)?.default === true) problems.push("restorePolicy.default is true");
      }
      for (const problem of problems) report(`${problem}: it reopens constraints/${constraint}.`);
    },
  }),
  resourceRule({
    name: "project-metadata-secure",
    description: "Project metadata keeps serial ports off and OS Login on.",
    severity: "high",
    category: "security",
    checks:
      "ProjectMetadata `metadata` and ProjectMetadataItem `key`/`value` (keys compared without case) do not set `serial-port-enable` true or `enable-oslogin` false.",
    remediationSteps: "Remove serial-port-enable and keep enable-oslogin TRUE at project level.",
    types: [PROJECT_METADATA, PROJECT_METADATA_ITEM],
    check: ({ type, props, report }) => {
      const entries: [string, unknown][] =
        type === PROJECT_METADATA
          ? Object.entries(objectOf(props.metadata) ?? {})
          : [[String(props.key ?? ""), props.value]];
      for (const [key, value] of entries) {
        const name = key.trim().toLowerCase();
        if (
          name === "serial-port-enable" &&
          metadataFlag(value) !== false &&
          metadataFlag(value) !== undefined
        )
          report(
            `${key} is ${JSON.stringify(value)}: the interactive serial console of every VM is reachable.`,
          );
        if (name === "enable-oslogin" && metadataFlag(value) !== true)
          report(`${key} is ${JSON.stringify(value)}: OS Login is off for every VM of the project.`);
      }
    },
  }),
  resourceRule({
    name: "no-dynamic-providers-in-prod",
    description: "No dynamic provider resources in prod.",
    severity: "high",
    category: "security",
    checks:
      "In prod, no `pulumi-nodejs:dynamic:Resource`: its code runs with the deploy identity's credentials and no policy can see what it does.",
    remediationSteps: "Use a provider resource, or run the step outside the stack.",
    types: [DYNAMIC_RESOURCE],
    check: ({ tier, report }) => {
      if (tier === "prod") report("a dynamic provider runs arbitrary code with the prod deploy identity.");
    },
  }),
];
