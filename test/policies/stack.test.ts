import { describe, expect, it } from "vitest";
import { catalog } from "../../policies/profiles";
import { type FakeResource, ruleNamed, runStack, UNKNOWN, urnOf } from "./harness";

const rules = catalog();
const ENV = "platform:environment:GcpEnvironment";
const SERVICE = "platform:service:Service";
const envUrn = urnOf(ENV, "payments");

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
    expect(viaDeps.messages).toEqual([
      "bucket assets is made public by BucketIAMBinding b (allAuthenticatedUsers r).",
    ]);
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
