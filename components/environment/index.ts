import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { afterApiOf, type EnabledServices } from "../apis";
import {
  AUDIT_LOG_FILTER,
  AUDIT_LOG_TYPES,
  BASELINE_APIS,
  BUDGET_THRESHOLDS,
  developerRoles,
  environmentLabels,
  IAP_TCP_FORWARDING_RANGE,
  natRegions,
  rotationPeriod,
  VIEWER_ROLES,
} from "./baseline";
import { MAX_KEY_ROTATION_DAYS, TIER_DEFAULTS, type Tier } from "./tiers";

export * from "./baseline";
export * from "./tiers";

export interface SubnetArgs {
  /** Subnet name inside the environment's VPC, e.g. `main`. */
  name: string;
  /** Region of the subnet; defaults to the environment's region. */
  region?: string;
  /** Primary IPv4 range, e.g. `10.10.0.0/20`. */
  cidr: string;
  /** Secondary range named `pods`, for GKE. */
  podsCidr?: string;
  /** Secondary range named `services`, for GKE. */
  servicesCidr?: string;
}

export interface GcpEnvironmentArgs {
  tier: Tier;
  /** Owning team: goes into the `team` label. */
  team: string;
  /** Goes into the `cost-center` label. */
  costCenter: string;
  /** The GCP project id (6-30 characters). */
  projectId: string;
  /** Folder the project is created in. Required unless `adoptExistingProject`. */
  folderId?: pulumi.Input<string>;
  /** Billing account of the project and of its budget, e.g. `01ABCD-23EF45-6789AB`. */
  billingAccount: pulumi.Input<string>;
  /** Use an existing project instead of creating one. Default: false. */
  adoptExistingProject?: boolean;
  /** Default region of subnets, NAT, KMS and logs, e.g. `europe-west1`. */
  region: string;
  subnets: SubnetArgs[];
  /** APIs to enable besides the platform baseline (`BASELINE_APIS`). */
  apis?: string[];
  /** Google groups (emails) that get read access / developer access. Never individual users. */
  groups?: { viewers?: string[]; developers?: string[] };
  budget: {
    /** Monthly amount in whole currency units. */
    amount: number;
    /** ISO currency code of the billing account. Default: USD. */
    currency?: string;
    /** Monitoring notification channels (ids) that receive budget alerts, e.g. from on-call routing. */
    notificationChannels?: pulumi.Input<pulumi.Input<string>[]>;
    /** Email addresses that get an email notification channel for budget alerts. */
    alertEmails?: string[];
  };
  /** Audit log retention. Default per tier: dev 30, staging 90, prod 400 days. */
  logRetentionDays?: number;
  /** KMS key rotation, at most 90 days. Default per tier: 90 days, prod 30. */
  keyRotationDays?: number;
  /** `protect` and provider deletion policies on stateful resources. Default: true in prod only. */
  deletionProtection?: boolean;
  /** VPC flow log sampling (0-1). Default per tier: dev 0.1, staging 0.5, prod 1. */
  flowLogSampling?: number;
  /** Extra labels on everything that takes labels. */
  labels?: Record<string, string>;
}

/**
 * One GCP project with what a team needs to run there safely: enabled APIs, a private VPC with NAT
 * and a deny-by-default firewall, audit logs kept in a log bucket, a KMS key, a budget, and IAM for
 * the team's groups.
 */
export class GcpEnvironment extends pulumi.ComponentResource {
  readonly projectId: pulumi.Output<string>;
  readonly projectNumber: pulumi.Output<string>;
  readonly networkSelfLink: pulumi.Output<string>;
  readonly subnetSelfLinks: pulumi.Output<Record<string, string>>;
  readonly natName: pulumi.Output<string[]>;
  readonly kmsKeyId: pulumi.Output<string>;
  readonly logBucket: pulumi.Output<string>;
  readonly labels: Record<string, string>;
  /**
   * The project's enabled APIs (`iam.googleapis.com` → its Service): resources other components
   * create in this project wait for the Service of their API (`afterApiOf` in components/apis).
   */
  readonly enabledServices: EnabledServices;

  constructor(name: string, args: GcpEnvironmentArgs, opts: pulumi.ComponentResourceOptions = {}) {
    // Validate before registering, so a refused environment leaves nothing half-declared.
    validateArgs(name, args);
    super("platform:environment:GcpEnvironment", name, {}, opts);
    const defaults = TIER_DEFAULTS[args.tier];
    const protection = args.deletionProtection ?? defaults.deletionProtection;
    const deletionPolicy = protection ? "PREVENT" : "DELETE";
    const child: pulumi.CustomResourceOptions = { parent: this };
    const stateful: pulumi.CustomResourceOptions = { parent: this, protect: protection };
    const labels = environmentLabels(args.tier, args.team, args.costCenter, args.labels);
    this.labels = labels;

    let projectId: pulumi.Output<string>;
    let projectNumber: pulumi.Output<string>;
    let projectResource: pulumi.Resource | undefined;
    if (args.adoptExistingProject) {
      const existing = gcp.organizations.getProjectOutput({ projectId: args.projectId }, { parent: this });
      projectId = pulumi.output(args.projectId);
      projectNumber = existing.apply((project) => project.number ?? "");
    } else {
      const project = new gcp.organizations.Project(
        `${name}-project`,
        {
          projectId: args.projectId,
          name: args.projectId,
          folderId: args.folderId,
          billingAccount: args.billingAccount,
          autoCreateNetwork: false,
          labels,
          deletionPolicy,
        },
        stateful,
      );
      projectId = project.projectId;
      projectNumber = project.number;
      projectResource = project;
    }

    const apis = [...new Set([...BASELINE_APIS, ...(args.apis ?? [])])].sort();
    const services = new Map<string, gcp.projects.Service>();
    for (const api of apis) {
      services.set(
        api,
        new gcp.projects.Service(
          `${name}-api-${api.replace(".googleapis.com", "")}`,
          { project: projectId, service: api, disableOnDestroy: false, disableDependentServices: false },
          { parent: this, dependsOn: projectResource ? [projectResource] : [] },
        ),
      );
    }
    this.enabledServices = Object.fromEntries(services);
    const after = (...needed: string[]): pulumi.CustomResourceOptions => ({
      dependsOn: needed.map((api) => services.get(api)).filter((service) => service !== undefined),
    });
    /** Waits for the Service of the API the type calls (components/apis/type-apis.json). */
    const afterApi = (type: string): pulumi.CustomResourceOptions => ({
      dependsOn: afterApiOf(type, this.enabledServices),
    });

    // Network: custom mode, private Google access, flow logs, NAT for egress, deny-by-default ingress.
    const network = new gcp.compute.Network(
      `${name}-vpc`,
      {
        project: projectId,
        name: "vpc",
        autoCreateSubnetworks: false,
        routingMode: "REGIONAL",
        deleteDefaultRoutesOnCreate: false,
        deletionPolicy,
      },
      { ...stateful, ...after("compute.googleapis.com") },
    );
    const subnetSelfLinks: Record<string, pulumi.Output<string>> = {};
    const subnets = args.subnets.map((subnet) => ({ ...subnet, region: subnet.region ?? args.region }));
    for (const subnet of subnets) {
      const secondaryIpRanges = [
        ...(subnet.podsCidr ? [{ rangeName: "pods", ipCidrRange: subnet.podsCidr }] : []),
        ...(subnet.servicesCidr ? [{ rangeName: "services", ipCidrRange: subnet.servicesCidr }] : []),
      ];
      const resource = new gcp.compute.Subnetwork(
        `${name}-subnet-${subnet.name}`,
        {
          project: projectId,
          name: subnet.name,
          region: subnet.region,
          network: network.selfLink,
          ipCidrRange: subnet.cidr,
          secondaryIpRanges,
          privateIpGoogleAccess: true,
          logConfig: {
            aggregationInterval: "INTERVAL_5_SEC",
            flowSampling: args.flowLogSampling ?? defaults.flowLogSampling,
            metadata: "INCLUDE_ALL_METADATA",
          },
          deletionPolicy,
        },
        stateful,
      );
      subnetSelfLinks[subnet.name] = resource.selfLink;
    }
    const nats: pulumi.Output<string>[] = [];
    for (const region of natRegions(subnets)) {
      const router = new gcp.compute.Router(
        `${name}-router-${region}`,
        { project: projectId, name: `nat-router-${region}`, region, network: network.selfLink },
        child,
      );
      const nat = new gcp.compute.RouterNat(
        `${name}-nat-${region}`,
        {
          project: projectId,
          name: `nat-${region}`,
          region,
          router: router.name,
          natIpAllocateOption: "AUTO_ONLY",
          sourceSubnetworkIpRangesToNat: "ALL_SUBNETWORKS_ALL_IP_RANGES",
          logConfig: { enable: true, filter: "ERRORS_ONLY" },
        },
        child,
      );
      nats.push(nat.name);
    }
    new gcp.compute.Firewall(
      `${name}-fw-deny-all-ingress`,
      {
        project: projectId,
        name: "deny-all-ingress",
        network: network.selfLink,
        description: "Baseline: deny every ingress not allowed by a higher-priority rule.",
        direction: "INGRESS",
        priority: 65534,
        denies: [{ protocol: "all" }],
        sourceRanges: ["0.0.0.0/0"],
        logConfig: { metadata: "INCLUDE_ALL_METADATA" },
      },
      child,
    );
    new gcp.compute.Firewall(
      `${name}-fw-allow-iap-ssh`,
      {
        project: projectId,
        name: "allow-iap-ssh",
        network: network.selfLink,
        description: "SSH only through Identity-Aware Proxy TCP forwarding.",
        direction: "INGRESS",
        priority: 1000,
        allows: [{ protocol: "tcp", ports: ["22"] }],
        sourceRanges: [IAP_TCP_FORWARDING_RANGE],
        logConfig: { metadata: "INCLUDE_ALL_METADATA" },
      },
      child,
    );

    // Audit: data-access logs for every service, routed into a log bucket with tier retention.
    new gcp.projects.IAMAuditConfig(
      `${name}-audit-config`,
      {
        project: projectId,
        service: "allServices",
        auditLogConfigs: AUDIT_LOG_TYPES.map((logType) => ({ logType })),
      },
      { ...child, ...afterApi("gcp:projects/iAMAuditConfig:IAMAuditConfig") },
    );
    const logBucket = new gcp.logging.ProjectBucketConfig(
      `${name}-audit-logs`,
      {
        project: projectId,
        location: args.region,
        bucketId: "platform-audit",
        description: `Audit logs of ${args.projectId}, kept ${args.logRetentionDays ?? defaults.logRetentionDays} days.`,
        retentionDays: args.logRetentionDays ?? defaults.logRetentionDays,
      },
      { ...stateful, ...after("logging.googleapis.com") },
    );
    new gcp.logging.ProjectSink(
      `${name}-audit-sink`,
      {
        project: projectId,
        name: "platform-audit-sink",
        destination: pulumi.interpolate`logging.googleapis.com/${logBucket.name}`,
        filter: AUDIT_LOG_FILTER,
        uniqueWriterIdentity: true,
      },
      child,
    );

    // Encryption: one customer-managed key per environment.
    const keyRing = new gcp.kms.KeyRing(
      `${name}-keyring`,
      { project: projectId, name: `${name}-${args.tier}`, location: args.region },
      { ...stateful, ...after("cloudkms.googleapis.com") },
    );
    const key = new gcp.kms.CryptoKey(
      `${name}-key`,
      {
        name: "environment",
        keyRing: keyRing.id,
        purpose: "ENCRYPT_DECRYPT",
        rotationPeriod: rotationPeriod(args.keyRotationDays ?? defaults.keyRotationDays),
        destroyScheduledDuration: `${defaults.keyDestroyScheduledDays * 86_400}s`,
        labels,
        deletionPolicy,
      },
      stateful,
    );

    // Budget: alerts to the channels passed in, or to email channels made here.
    const emailChannels = (args.budget.alertEmails ?? []).map(
      (email, index) =>
        new gcp.monitoring.NotificationChannel(
          `${name}-budget-email-${index}`,
          {
            project: projectId,
            displayName: `Budget alerts: ${email}`,
            type: "email",
            labels: { email_address: email },
            userLabels: labels,
          },
          { ...child, ...after("monitoring.googleapis.com") },
        ).name,
    );
    new gcp.billing.Budget(
      `${name}-budget`,
      {
        billingAccount: args.billingAccount,
        displayName: `${args.projectId} monthly`,
        budgetFilter: {
          projects: [pulumi.interpolate`projects/${projectNumber}`],
          creditTypesTreatment: "INCLUDE_ALL_CREDITS",
        },
        amount: {
          specifiedAmount: { currencyCode: args.budget.currency ?? "USD", units: String(args.budget.amount) },
        },
        thresholdRules: BUDGET_THRESHOLDS.map((rule) => ({ ...rule })),
        allUpdatesRule: {
          monitoringNotificationChannels: pulumi
            .all([args.budget.notificationChannels ?? [], pulumi.all(emailChannels)])
            .apply(([routed, emails]) => [...routed, ...emails]),
          disableDefaultIamRecipients: false,
        },
      },
      { ...child, ...after("billingbudgets.googleapis.com") },
    );

    // IAM: groups only, predefined roles only, additive (never authoritative over the project).
    const bindings = [
      ...(args.groups?.viewers ?? []).flatMap((group) =>
        VIEWER_ROLES.map((role) => ({ group, role, kind: "viewer" })),
      ),
      ...(args.groups?.developers ?? []).flatMap((group) =>
        developerRoles(args.tier).map((role) => ({ group, role, kind: "developer" })),
      ),
    ];
    for (const { group, role, kind } of bindings) {
      new gcp.projects.IAMMember(
        `${name}-${kind}-${group.split("@")[0]}-${role.replace("roles/", "").replace(/\./g, "-")}`,
        { project: projectId, role, member: `group:${group}` },
        { ...child, ...afterApi("gcp:projects/iAMMember:IAMMember") },
      );
    }

    this.projectId = projectId;
    this.projectNumber = projectNumber;
    this.networkSelfLink = network.selfLink;
    this.subnetSelfLinks = pulumi.output(subnetSelfLinks);
    this.natName = pulumi.all(nats);
    this.kmsKeyId = key.id;
    this.logBucket = logBucket.name;
    this.registerOutputs({
      projectId: this.projectId,
      projectNumber: this.projectNumber,
      networkSelfLink: this.networkSelfLink,
      subnetSelfLinks: this.subnetSelfLinks,
      natName: this.natName,
      kmsKeyId: this.kmsKeyId,
      logBucket: this.logBucket,
    });
  }
}

/** Refuses arguments that would create an unsafe environment, before anything is declared. */
export function validateArgs(name: string, args: GcpEnvironmentArgs): void {
  const problems: string[] = [];
  if (!args.adoptExistingProject && args.folderId === undefined) {
    problems.push("folderId is required to create a project (or set adoptExistingProject)");
  }
  if (args.subnets.length === 0) problems.push("at least one subnet is required");
  if (
    args.keyRotationDays !== undefined &&
    (args.keyRotationDays < 1 || args.keyRotationDays > MAX_KEY_ROTATION_DAYS)
  ) {
    problems.push(`keyRotationDays must be 1-${MAX_KEY_ROTATION_DAYS}, got ${args.keyRotationDays}`);
  }
  if (args.tier === "prod" && args.deletionProtection === false) {
    problems.push("deletionProtection cannot be false in prod");
  }
  for (const group of [...(args.groups?.viewers ?? []), ...(args.groups?.developers ?? [])]) {
    if (!/^[^@\s:]+@[^@\s]+$/.test(group))
      problems.push(`group "${group}" must be a group email address, without a prefix`);
  }
  if (args.flowLogSampling !== undefined && (args.flowLogSampling <= 0 || args.flowLogSampling > 1)) {
    problems.push(`flowLogSampling must be in (0, 1], got ${args.flowLogSampling}`);
  }
  if (problems.length > 0) {
    throw new Error(`GcpEnvironment "${name}": ${problems.join("; ")}`);
  }
}
