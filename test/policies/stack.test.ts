import { describe, expect, it } from "vitest";
import { catalog } from "../../policies/profiles";
import { pinsEnvironment } from "../../policies/rules/stack";
import { type FakeResource, ruleNamed, runStack, UNKNOWN, urnOf } from "./harness";

const rules = catalog();
const ENV = "platform:environment:GcpEnvironment";
const SERVICE = "platform:service:Service";
const envUrn = urnOf(ENV, "payments");
const POOL = "principalSet://iam.googleapis.com/projects/123/locations/global/workloadIdentityPools/github";

function environment(children: FakeResource[]): FakeResource[] {
  return [
    { type: ENV, name: "payments", urn: envUrn },
    ...children.map((child) => ({ parent: envUrn, ...child })),
  ];
}

describe("environment-baseline", () => {
  const rule = ruleNamed(rules, "environment-baseline");
  it("passes when budget, sink and key are below the environment (at any depth)", () => {
    const keyRingUrn = urnOf("gcp:kms/keyRing:KeyRing", "ring");
    const outcome = runStack(rule, [
      ...environment([
        { type: "gcp:billing/budget:Budget", name: "budget" },
        { type: "gcp:logging/projectSink:ProjectSink", name: "audit" },
        { type: "gcp:kms/keyRing:KeyRing", name: "ring", urn: keyRingUrn },
      ]),
      { type: "gcp:kms/cryptoKey:CryptoKey", name: "key", parent: keyRingUrn },
    ]);
    expect(outcome.violations).toEqual([]);
  });
  it("names what is missing, on the environment's URN", () => {
    const outcome = runStack(rule, environment([{ type: "gcp:billing/budget:Budget", name: "budget" }]));
    expect(outcome.violations).toEqual([
      { message: "environment payments is missing: audit-log sink, KMS key.", urn: envUrn },
    ]);
  });
});

describe("service-slo-alerts", () => {
  const rule = ruleNamed(rules, "service-slo-alerts");
  const serviceUrn = urnOf(SERVICE, "checkout");
  it("passes with routed alerts", () => {
    const outcome = runStack(rule, [
      { type: SERVICE, name: "checkout", urn: serviceUrn },
      {
        type: "gcp:monitoring/alertPolicy:AlertPolicy",
        name: "burn",
        parent: serviceUrn,
        props: { notificationChannels: ["c"] },
      },
    ]);
    expect(outcome.violations).toEqual([]);
  });
  it("reports services without alerts and alerts without routes", () => {
    const other = urnOf(SERVICE, "search");
    const outcome = runStack(rule, [
      { type: SERVICE, name: "checkout", urn: serviceUrn },
      {
        type: "gcp:monitoring/alertPolicy:AlertPolicy",
        name: "burn",
        parent: serviceUrn,
        props: { notificationChannels: [] },
      },
      { type: SERVICE, name: "search", urn: other },
    ]);
    expect(outcome.messages).toEqual([
      "alert burn of service checkout has no notification channels.",
      "service search has no SLO alert policies.",
    ]);
  });
});

describe("deploy-identity-bound-to-environment", () => {
  const rule = ruleNamed(rules, "deploy-identity-bound-to-environment");
  const accountUrn = urnOf("gcp:serviceaccount/account:Account", "deploy");
  const account: FakeResource = {
    type: "gcp:serviceaccount/account:Account",
    name: "deploy",
    urn: accountUrn,
    props: {
      accountId: "deploy-platform",
      name: "projects/p/serviceAccounts/deploy-platform@p.iam.gserviceaccount.com",
    },
  };
  const grant = (member: string): FakeResource => ({
    type: "gcp:serviceaccount/iAMMember:IAMMember",
    name: "deploy-wif",
    props: { serviceAccountId: account.props?.name, role: "roles/iam.workloadIdentityUser", member },
  });

  it("accepts the CiIdentity deploy_target form (repository, environment and branch)", () => {
    expect(
      runStack(rule, [account, grant(`${POOL}/attribute.deploy_target/42/prod/refs/heads/main`)]).violations,
    ).toEqual([]);
  });
  it("reports a bare attribute.environment member: any trusted repository on any branch could deploy", () => {
    const outcome = runStack(rule, [account, grant(`${POOL}/attribute.environment/prod`)]);
    expect(outcome.messages).toEqual([
      expect.stringMatching(
        /deploy-wif lets .*attribute.environment\/prod impersonate deploy identity deploy-platform without pinning/,
      ),
      expect.stringMatching(/deploy identity deploy-platform is not bound to a GitHub environment/),
    ]);
  });
  it("reports an unbound deploy identity and a grant that pins no environment", () => {
    const outcome = runStack(rule, [account, grant(`${POOL}/attribute.repository_id/42`)]);
    expect(outcome.messages).toEqual([
      expect.stringMatching(
        /deploy-wif lets .*attribute.repository_id\/42 impersonate deploy identity deploy-platform without pinning/,
      ),
      expect.stringMatching(/deploy identity deploy-platform is not bound to a GitHub environment/),
    ]);
    expect(outcome.violations[1].urn).toBe(accountUrn);
  });
  it("matches grants through property dependencies when ids are unknown; a member computed by a stack resource waits for up", () => {
    const poolUrn = urnOf("gcp:iam/workloadIdentityPool:WorkloadIdentityPool", "pool");
    const pool: FakeResource = { type: "gcp:iam/workloadIdentityPool:WorkloadIdentityPool", name: "pool" };
    const unknownGrant: FakeResource = {
      ...grant(UNKNOWN),
      props: { serviceAccountId: UNKNOWN, role: "roles/iam.workloadIdentityUser", member: UNKNOWN },
      propertyDependencies: { serviceAccountId: [accountUrn], member: [poolUrn] },
    };
    const outcome = runStack(rule, [account, pool, unknownGrant], {
      stack: "prod",
      failClosedOnUnknown: true,
    });
    expect(outcome.violations).toEqual([]);
  });
  it("fails closed on an unknown member that no resource of the stack computes", () => {
    const hiddenGrant: FakeResource = {
      ...grant(UNKNOWN),
      props: { serviceAccountId: UNKNOWN, role: "roles/iam.workloadIdentityUser", member: UNKNOWN },
      propertyDependencies: { serviceAccountId: [accountUrn] },
    };
    const outcome = runStack(rule, [account, hiddenGrant], { stack: "prod", failClosedOnUnknown: true });
    expect(outcome.violations).toEqual([
      {
        message:
          ".member: value unknown at preview and computed by no resource of this stack (it has no property dependency); only a program hiding the value leaves it unknown, so it fails closed (failClosedOnUnknown is set for this stack).",
        urn: urnOf(hiddenGrant.type, hiddenGrant.name!),
      },
      {
        message:
          "deploy identity deploy-platform is not bound to a GitHub environment (no workloadIdentityUser grant to attribute.deploy_target/<repository id>/<env>/refs/heads/<branch>).",
        urn: accountUrn,
      },
    ]);
  });
  it("checks grants on the deploy account from IAMBinding and IAMPolicy, for every impersonation role", () => {
    const serviceAccountId = account.props?.name;
    const binding: FakeResource = {
      type: "gcp:serviceaccount/iAMBinding:IAMBinding",
      name: "deploy-binding",
      props: {
        serviceAccountId,
        role: "roles/iam.serviceAccountTokenCreator",
        members: ["group:ci@example.com"],
      },
    };
    const policy: FakeResource = {
      type: "gcp:serviceaccount/iAMPolicy:IAMPolicy",
      name: "deploy-policy",
      props: {
        serviceAccountId,
        policyData: JSON.stringify({
          bindings: [
            { role: "roles/iam.serviceAccountUser", members: [`${POOL}/attribute.repository_id/42`] },
          ],
        }),
      },
    };
    const pinned = grant(`${POOL}/attribute.deploy_target/42/prod/refs/heads/main`);
    const outcome = runStack(rule, [account, pinned, binding, policy]);
    expect(outcome.messages).toEqual([
      expect.stringMatching(
        /deploy-binding lets group:ci@example.com impersonate deploy identity deploy-platform without pinning/,
      ),
      expect.stringMatching(
        /deploy-policy lets .*attribute.repository_id\/42 impersonate deploy identity deploy-platform without pinning/,
      ),
    ]);
  });
  it("does not count a pinned binding that grants another role as a workload identity binding", () => {
    const other: FakeResource = {
      type: "gcp:serviceaccount/iAMBinding:IAMBinding",
      name: "deploy-viewer",
      props: {
        serviceAccountId: account.props?.name,
        role: "roles/iam.serviceAccountViewer",
        members: [`${POOL}/attribute.deploy_target/42/prod/refs/heads/main`],
      },
    };
    expect(runStack(rule, [account, other]).messages).toEqual([
      expect.stringMatching(/deploy identity deploy-platform is not bound to a GitHub environment/),
    ]);
  });
  it("ignores accounts that are not deploy identities", () => {
    expect(runStack(rule, [{ ...account, props: { accountId: "app" } }]).violations).toEqual([]);
  });
  it("pinsEnvironment accepts only environment-pinning members", () => {
    expect(pinsEnvironment(`${POOL}/attribute.deploy_target/12/prod/refs/heads/main`)).toBe(true);
    expect(pinsEnvironment(`${POOL}/attribute.deploy_target/12/prod/refs/heads/release/2026`)).toBe(true);
    expect(pinsEnvironment(`${POOL}/attribute.deploy_target/12/prod/push/refs/heads/main`)).toBe(true);
    expect(pinsEnvironment(`${POOL}/attribute.environment/dev`)).toBe(false);
    expect(pinsEnvironment(`${POOL}/attribute.deploy_target/acme/prod/x`)).toBe(false);
    expect(pinsEnvironment(`${POOL}/attribute.deploy_target/12/prod/x`)).toBe(false);
    expect(pinsEnvironment(`${POOL}/attribute.deploy_target/12/prod/refs/tags/v1`)).toBe(false);
    expect(pinsEnvironment(`${POOL}/attribute.deploy_target/12/prod/refs/heads/`)).toBe(false);
    expect(pinsEnvironment(`${POOL}/attribute.deploy_target/12//refs/heads/main`)).toBe(false);
    expect(pinsEnvironment(`${POOL}/*`)).toBe(false);
  });
});

describe("bucket-public-via-iam", () => {
  const rule = ruleNamed(rules, "bucket-public-via-iam");
  const bucketUrn = urnOf("gcp:storage/bucket:Bucket", "assets");
  const bucket: FakeResource = {
    type: "gcp:storage/bucket:Bucket",
    name: "assets",
    urn: bucketUrn,
    props: { name: "acme-assets" },
  };
  it("reports the bucket made public by a separate BucketIAMMember", () => {
    const outcome = runStack(rule, [
      bucket,
      {
        type: "gcp:storage/bucketIAMMember:BucketIAMMember",
        name: "public-read",
        props: { bucket: "acme-assets", role: "roles/storage.objectViewer", member: "allUsers" },
      },
    ]);
    expect(outcome.violations).toEqual([
      {
        message:
          "bucket assets is made public by BucketIAMMember public-read (allUsers roles/storage.objectViewer).",
        urn: bucketUrn,
      },
    ]);
  });
  it("finds the link through property dependencies too, and passes private grants", () => {
    const viaDeps = runStack(rule, [
      bucket,
      {
        type: "gcp:storage/bucketIAMBinding:BucketIAMBinding",
        name: "b",
        props: { bucket: UNKNOWN, role: "r", members: ["allAuthenticatedUsers"] },
        propertyDependencies: { bucket: [bucketUrn] },
      },
    ]);
    expect(viaDeps.messages).toHaveLength(1);
    const privateGrant = runStack(rule, [
      bucket,
      {
        type: "gcp:storage/bucketIAMMember:BucketIAMMember",
        name: "ok",
        props: { bucket: "acme-assets", role: "r", member: "group:a@example.com" },
      },
    ]);
    expect(privateGrant.violations).toEqual([]);
  });
});
