import type * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { GcpEnvironment, type GcpEnvironmentArgs, validateArgs } from "../../components/environment";
import { runUnderMocks } from "../../tools/plan/mock-runtime";
import type { PlannedResource } from "../../tools/plan/model";

const baseArgs: GcpEnvironmentArgs = {
  tier: "dev",
  team: "payments",
  costCenter: "cc-2100",
  projectId: "acme-payments-dev",
  folderId: "481516234201",
  billingAccount: "01A2B3-C4D5E6-F7A8B9",
  region: "europe-west1",
  subnets: [{ name: "main", cidr: "10.1.0.0/20", podsCidr: "100.64.128.0/17", servicesCidr: "10.1.16.0/22" }],
  groups: { viewers: ["payments-viewers@example.com"], developers: ["payments-engineers@example.com"] },
  budget: { amount: 800, alertEmails: ["payments-leads@example.com"] },
};

/** The value of an output once the mock runtime has resolved it. */
function resolvedValue<T>(output: unknown): Promise<T> {
  return new Promise((resolve) => (output as pulumi.Output<T>).apply(resolve));
}

async function plan(args: GcpEnvironmentArgs, stack = "test") {
  const { resources, outputs } = await runUnderMocks({
    project: "platform",
    stack,
    program: () => {
      const env = new GcpEnvironment("payments", args);
      return { projectNumber: env.projectNumber, kmsKeyId: env.kmsKeyId, subnets: env.subnetSelfLinks };
    },
  });
  const byName = new Map(resources.map((resource) => [resource.name, resource]));
  const get = (name: string): PlannedResource => {
    const resource = byName.get(name);
    if (!resource) throw new Error(`no resource named ${name}; have ${[...byName.keys()].join(", ")}`);
    return resource;
  };
  return { resources, get, outputs };
}

describe("GcpEnvironment", () => {
  it("creates the project under the folder, without the default network, labelled", async () => {
    const { get } = await plan(baseArgs);
    const project = get("payments-project");
    expect(project.type).toBe("gcp:organizations/project:Project");
    expect(project.inputs).toMatchObject({
      projectId: "acme-payments-dev",
      folderId: "481516234201",
      billingAccount: "01A2B3-C4D5E6-F7A8B9",
      autoCreateNetwork: false,
      deletionPolicy: "DELETE",
      labels: { team: "payments", environment: "dev", "cost-center": "cc-2100", "managed-by": "pulumi" },
    });
    expect(project.protect).toBe(false);
  });

  it("parents every child to the component and uses engine URNs", async () => {
    const { resources, get } = await plan(baseArgs);
    const component = get("payments");
    expect(component.type).toBe("platform:environment:GcpEnvironment");
    expect(component.urn).toBe("urn:pulumi:test::platform::platform:environment:GcpEnvironment::payments");
    const children = resources.filter((resource) => resource.custom);
    // The inventory of a dev environment with one subnet, two groups and one budget e-mail.
    const countByType: Record<string, number> = {};
    for (const child of children) countByType[child.type] = (countByType[child.type] ?? 0) + 1;
    expect(countByType).toEqual({
      "gcp:organizations/project:Project": 1,
      "gcp:projects/service:Service": 12, // the baseline APIs
      // Viewers: browser, network viewer, logging viewer, monitoring viewer; developers in dev: those
      // four plus monitoring editor, error reporting user, trace user, container developer, SQL client
      // and private log viewer.
      "gcp:projects/iAMMember:IAMMember": 4 + 10,
      "gcp:projects/iAMAuditConfig:IAMAuditConfig": 1,
      "gcp:logging/projectBucketConfig:ProjectBucketConfig": 1,
      "gcp:logging/projectSink:ProjectSink": 1,
      "gcp:kms/keyRing:KeyRing": 1,
      "gcp:kms/cryptoKey:CryptoKey": 1,
      "gcp:compute/network:Network": 1,
      "gcp:compute/subnetwork:Subnetwork": 1,
      "gcp:compute/router:Router": 1,
      "gcp:compute/routerNat:RouterNat": 1,
      "gcp:compute/firewall:Firewall": 2, // deny all ingress, allow SSH from IAP
      "gcp:billing/budget:Budget": 1,
      "gcp:monitoring/notificationChannel:NotificationChannel": 1, // the budget's one e-mail
    });
    for (const child of children) expect(child.parent).toBe(component.urn);
    expect(get("payments-vpc").urn).toBe(
      "urn:pulumi:test::platform::platform:environment:GcpEnvironment$gcp:compute/network:Network::payments-vpc",
    );
  });

  it("enables the baseline APIs plus the team's, never disabling them on destroy", async () => {
    const { resources } = await plan({ ...baseArgs, apis: ["run.googleapis.com"] });
    const services = resources.filter((resource) => resource.type === "gcp:projects/service:Service");
    expect(services.map((service) => service.inputs.service).sort()).toEqual([
      "billingbudgets.googleapis.com",
      "cloudbilling.googleapis.com",
      "cloudkms.googleapis.com",
      "cloudresourcemanager.googleapis.com",
      "compute.googleapis.com",
      "container.googleapis.com",
      "iam.googleapis.com",
      "iamcredentials.googleapis.com",
      "logging.googleapis.com",
      "monitoring.googleapis.com",
      "run.googleapis.com",
      "serviceusage.googleapis.com",
      "sts.googleapis.com",
    ]);
    for (const service of services) expect(service.inputs.disableOnDestroy).toBe(false);
  });

  it("builds a private custom-mode network with flow logs, NAT and a deny-by-default firewall", async () => {
    const { get } = await plan(baseArgs);
    expect(get("payments-vpc").inputs).toMatchObject({
      autoCreateSubnetworks: false,
      project: "acme-payments-dev",
    });
    const subnet = get("payments-subnet-main");
    expect(subnet.inputs).toMatchObject({
      ipCidrRange: "10.1.0.0/20",
      region: "europe-west1",
      privateIpGoogleAccess: true,
      network: "https://www.googleapis.com/compute/v1/projects/acme-payments-dev/global/networks/vpc",
      secondaryIpRanges: [
        { rangeName: "pods", ipCidrRange: "100.64.128.0/17" },
        { rangeName: "services", ipCidrRange: "10.1.16.0/22" },
      ],
      logConfig: {
        aggregationInterval: "INTERVAL_5_SEC",
        flowSampling: 0.1,
        metadata: "INCLUDE_ALL_METADATA",
      },
    });
    expect(get("payments-nat-europe-west1").inputs).toMatchObject({
      router: "nat-router-europe-west1",
      natIpAllocateOption: "AUTO_ONLY",
      logConfig: { enable: true, filter: "ERRORS_ONLY" },
    });
    expect(get("payments-fw-deny-all-ingress").inputs).toMatchObject({
      direction: "INGRESS",
      denies: [{ protocol: "all" }],
      sourceRanges: ["0.0.0.0/0"],
      priority: 65534,
    });
    const ssh = get("payments-fw-allow-iap-ssh");
    expect(ssh.inputs).toMatchObject({
      allows: [{ protocol: "tcp", ports: ["22"] }],
      sourceRanges: ["35.235.240.0/20"],
    });
  });

  it("routes data-access audit logs into a log bucket with the tier's retention", async () => {
    const { get } = await plan(baseArgs);
    expect(get("payments-audit-config").inputs).toMatchObject({
      service: "allServices",
      auditLogConfigs: [{ logType: "ADMIN_READ" }, { logType: "DATA_READ" }, { logType: "DATA_WRITE" }],
    });
    expect(get("payments-audit-logs").inputs).toMatchObject({ retentionDays: 30, location: "europe-west1" });
    expect(get("payments-audit-sink").inputs).toMatchObject({
      destination:
        "logging.googleapis.com/projects/acme-payments-dev/locations/europe-west1/buckets/platform-audit",
      filter: 'logName:"cloudaudit.googleapis.com"',
      uniqueWriterIdentity: true,
    });
  });

  it("creates a KMS key that rotates within 90 days", async () => {
    const { get, outputs } = await plan(baseArgs);
    expect(get("payments-key").inputs).toMatchObject({
      rotationPeriod: "7776000s",
      purpose: "ENCRYPT_DECRYPT",
      keyRing: "projects/acme-payments-dev/locations/europe-west1/keyRings/payments-dev",
    });
    // A Cloud KMS key's id is its resource name: the key ring's, then cryptoKeys/<name>.
    const key = get("payments-key").inputs;
    expect(await resolvedValue(outputs.kmsKeyId)).toBe(`${key.keyRing}/cryptoKeys/${key.name}`);
  });

  it("sets a budget with 50/90/100% actual and 100% forecast thresholds, alerting the channels", async () => {
    const { get, resources } = await plan({
      ...baseArgs,
      budget: { ...baseArgs.budget, notificationChannels: ["projects/p/notificationChannels/1"] },
    });
    const channel = get("payments-budget-email-0");
    expect(channel.inputs).toMatchObject({
      type: "email",
      labels: { email_address: "payments-leads@example.com" },
    });
    const budget = get("payments-budget");
    const projectNumber = resources.find((r) => r.type === "gcp:organizations/project:Project");
    expect(projectNumber?.inputs.projectId).toBe("acme-payments-dev");
    expect(budget.inputs).toMatchObject({
      billingAccount: "01A2B3-C4D5E6-F7A8B9",
      amount: { specifiedAmount: { currencyCode: "USD", units: "800" } },
      thresholdRules: [
        { thresholdPercent: 0.5, spendBasis: "CURRENT_SPEND" },
        { thresholdPercent: 0.9, spendBasis: "CURRENT_SPEND" },
        { thresholdPercent: 1, spendBasis: "CURRENT_SPEND" },
        { thresholdPercent: 1, spendBasis: "FORECASTED_SPEND" },
      ],
    });
    const budgetFilter = budget.inputs.budgetFilter as { projects: string[] };
    expect(budgetFilter.projects[0]).toMatch(/^projects\/[1-9][0-9]{11}$/);
    const rule = budget.inputs.allUpdatesRule as { monitoringNotificationChannels: string[] };
    expect(rule.monitoringNotificationChannels).toHaveLength(2);
    expect(rule.monitoringNotificationChannels[0]).toBe("projects/p/notificationChannels/1");
    expect(rule.monitoringNotificationChannels[1]).toMatch(
      /^projects\/acme-payments-dev\/notificationChannels\/\d+$/,
    );
  });

  it("grants predefined roles to groups only, never primitive roles", async () => {
    const { resources } = await plan(baseArgs);
    const members = resources.filter((resource) => resource.type === "gcp:projects/iAMMember:IAMMember");
    expect(members.length).toBe(4 + 10);
    for (const member of members) {
      expect(member.inputs.member).toMatch(/^group:payments-(viewers|engineers)@example\.com$/);
      expect(["roles/owner", "roles/editor", "roles/viewer"]).not.toContain(member.inputs.role);
    }
  });

  it("in prod, protects stateful resources and sets provider deletion policies", async () => {
    const { get, resources } = await plan(
      { ...baseArgs, tier: "prod", projectId: "acme-payments-prod" },
      "prod",
    );
    for (const name of [
      "payments-project",
      "payments-vpc",
      "payments-subnet-main",
      "payments-keyring",
      "payments-key",
      "payments-audit-logs",
    ]) {
      expect(get(name).protect, name).toBe(true);
    }
    expect(get("payments-project").inputs.deletionPolicy).toBe("PREVENT");
    expect(get("payments-key").inputs).toMatchObject({
      deletionPolicy: "PREVENT",
      rotationPeriod: "2592000s",
    });
    expect(get("payments-audit-logs").inputs.retentionDays).toBe(400);
    // Developers observe in prod; changes go through the pipeline.
    const devRoles = resources
      .filter(
        (r) =>
          r.type === "gcp:projects/iAMMember:IAMMember" &&
          r.inputs.member === "group:payments-engineers@example.com",
      )
      .map((r) => r.inputs.role);
    expect(devRoles.sort()).toEqual([
      "roles/browser",
      "roles/cloudtrace.user",
      "roles/compute.networkViewer",
      "roles/errorreporting.user",
      "roles/logging.viewer",
      "roles/monitoring.editor",
      "roles/monitoring.viewer",
    ]);
  });

  it("adopts an existing project without creating one", async () => {
    const { resources, outputs } = await plan({
      ...baseArgs,
      adoptExistingProject: true,
      folderId: undefined,
    });
    expect(resources.some((r) => r.type === "gcp:organizations/project:Project")).toBe(false);
    // The number of the adopted project, read with getProject: Google's numeric project number.
    expect(await resolvedValue(outputs.projectNumber)).toMatch(/^[1-9][0-9]{11}$/);
  });

  it.each([
    [{ keyRotationDays: 120 }, "keyRotationDays must be 1-90, got 120"],
    [{ tier: "prod" as const, deletionProtection: false }, "deletionProtection cannot be false in prod"],
    [{ folderId: undefined }, "folderId is required to create a project (or set adoptExistingProject)"],
    [
      { groups: { viewers: ["user:alice@example.com"] } },
      'group "user:alice@example.com" must be a group email address',
    ],
    [{ subnets: [] }, "at least one subnet is required"],
  ])("refuses unsafe arguments %o before declaring anything", (override, message) => {
    // The constructor runs this check before registering; called directly here because a
    // program that throws under the mock runtime also leaves Pulumi's stack promise rejected.
    expect(() => validateArgs("payments", { ...baseArgs, ...override })).toThrow(
      `GcpEnvironment "payments": ${message}`,
    );
  });

  it("accepts the default arguments", () => {
    expect(() => validateArgs("payments", baseArgs)).not.toThrow();
  });
});
