import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import {
  StateBackend,
  type StateBackendArgs,
  secretsProviderUrl,
  stateGrants,
} from "../../components/state-backend";
import { runUnderMocks } from "../../tools/plan/mock-runtime";
import type { PlannedResource } from "../../tools/plan/model";
import { runExample, typeScriptBlocks } from "../helpers/readme-example";

const README = readFileSync("components/state-backend/README.md", "utf8");

function byType(resources: PlannedResource[], type: string): PlannedResource[] {
  return resources.filter((resource) => resource.type === type);
}

describe("StateBackend README example", () => {
  test("runs under mocks and declares a private, versioned, protected bucket and a rotated key", async () => {
    const [example] = typeScriptBlocks(README);
    const { resources, outputs } = await runExample(example, { stack: "bootstrap" });
    const [bucket] = byType(resources, "gcp:storage/bucket:Bucket");
    expect(bucket.urn).toBe(
      "urn:pulumi:bootstrap::platform::platform:state:StateBackend$gcp:storage/bucket:Bucket::state-bucket",
    );
    expect(bucket.protect).toBe(true);
    expect(bucket.inputs).toMatchObject({
      name: "acme-pulumi-state",
      project: "acme-state",
      location: "EU",
      uniformBucketLevelAccess: true,
      publicAccessPrevention: "enforced",
      versioning: { enabled: true },
      forceDestroy: false,
      labels: { purpose: "pulumi-state", "managed-by": "pulumi", team: "platform", "cost-center": "cc-1000" },
      lifecycleRules: [
        {
          action: { type: "Delete" },
          condition: { withState: "ARCHIVED", daysSinceNoncurrentTime: 30, numNewerVersions: 20 },
        },
      ],
    });
    const [keyRing] = byType(resources, "gcp:kms/keyRing:KeyRing");
    expect(keyRing.protect).toBe(true);
    expect(keyRing.inputs).toMatchObject({ name: "pulumi-state", location: "eu", project: "acme-state" });
    const [key] = byType(resources, "gcp:kms/cryptoKey:CryptoKey");
    expect(key.protect).toBe(true);
    expect(key.inputs).toMatchObject({
      name: "pulumi-secrets",
      purpose: "ENCRYPT_DECRYPT",
      rotationPeriod: "7776000s",
      deletionPolicy: "PREVENT",
      keyRing: "projects/acme-state/locations/eu/keyRings/pulumi-state",
    });
    const grants = [
      ...byType(resources, "gcp:storage/bucketIAMMember:BucketIAMMember"),
      ...byType(resources, "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember"),
    ].map((r) => [r.name, r.inputs.role, String(r.inputs.member).split("@")[0]]);
    expect(grants.sort()).toEqual([
      ["state-deploy-prod-bucket", "roles/storage.objectUser", "serviceAccount:deploy-platform"],
      [
        "state-deploy-prod-key",
        "roles/cloudkms.cryptoKeyEncrypterDecrypter",
        "serviceAccount:deploy-platform",
      ],
      ["state-preview-prod-bucket", "roles/storage.objectViewer", "serviceAccount:preview-platform"],
      ["state-preview-prod-key", "roles/cloudkms.cryptoKeyDecrypter", "serviceAccount:preview-platform"],
    ]);
    const resolved = await new Promise((resolve) =>
      (outputs.secretsProvider as { apply: (f: (v: string) => void) => void }).apply(resolve),
    );
    expect(resolved).toBe(
      "gcpkms://projects/acme-state/locations/eu/keyRings/pulumi-state/cryptoKeys/pulumi-secrets",
    );
  });

  test("the README's commands use the example's bucket and key", () => {
    expect(README).toContain("pulumi login gs://acme-pulumi-state");
    expect(README).toContain(
      "--secrets-provider gcpkms://projects/acme-state/locations/eu/keyRings/pulumi-state/cryptoKeys/pulumi-secrets",
    );
  });
});

describe("StateBackend arguments", () => {
  const base: StateBackendArgs = {
    project: "acme-state",
    bucketName: "acme-pulumi-state",
    location: "europe-west1",
  };
  // Arguments are checked before the component registers anything, so no mock runtime is needed.
  const construct = (args: Partial<StateBackendArgs>) => () =>
    new StateBackend("state", { ...base, ...args });

  test.each([
    [
      { keyRotationDays: 365 },
      'StateBackend "state": keyRotationDays: expected a whole number of days from 1 to 90, found 365',
    ],
    [
      { bucketName: "Acme.State" },
      "bucketName: expected 3-63 lowercase letters, digits, '-' or '_' (no dots), found \"Acme.State\"",
    ],
    [
      { readers: { ci: "user:jdoe@example.com" } },
      'readers.ci: expected a serviceAccount: or group: member (never a user or allUsers), found "user:jdoe@example.com"',
    ],
    [{ writers: { all: "allUsers" } }, "writers.all: expected a serviceAccount: or group: member"],
    [{ noncurrentVersionsKept: 0 }, "noncurrentVersionsKept: expected a whole number of at least 1, found 0"],
  ])("%j is refused", (args, message) => {
    expect(construct(args)).toThrow(message);
  });

  test("custom retention and rotation reach the resources", async () => {
    const { resources } = await runUnderMocks({
      project: "platform",
      stack: "bootstrap",
      program: () =>
        void new StateBackend("state", {
          ...base,
          keyRotationDays: 30,
          noncurrentVersionDays: 90,
          noncurrentVersionsKept: 5,
          protect: false,
        }),
    });
    const [bucket] = byType(resources, "gcp:storage/bucket:Bucket");
    expect(bucket.protect).toBe(false);
    expect(bucket.inputs.lifecycleRules).toEqual([
      {
        action: { type: "Delete" },
        condition: { withState: "ARCHIVED", daysSinceNoncurrentTime: 90, numNewerVersions: 5 },
      },
    ]);
    const [key] = byType(resources, "gcp:kms/cryptoKey:CryptoKey");
    expect(key.inputs).toMatchObject({ rotationPeriod: "2592000s", deletionPolicy: "DELETE" });
  });

  test("grants and URLs", () => {
    expect(stateGrants("reader")).toEqual([
      { resource: "bucket", role: "roles/storage.objectViewer" },
      { resource: "key", role: "roles/cloudkms.cryptoKeyDecrypter" },
    ]);
    expect(secretsProviderUrl("projects/p/locations/eu/keyRings/r/cryptoKeys/k")).toBe(
      "gcpkms://projects/p/locations/eu/keyRings/r/cryptoKeys/k",
    );
  });
});

describe("one key ring, one key per tier", () => {
  const base: StateBackendArgs = { project: "acme-state", bucketName: "acme-pulumi-state", location: "EU" };
  const construct = (args: Partial<StateBackendArgs>) => () =>
    new StateBackend("state", { ...base, ...args });
  test("three backends share the first one's key ring: one ring, three keys in it", async () => {
    const tiers = ["dev", "staging", "prod"];
    const { resources } = await runUnderMocks({
      project: "platform",
      stack: "bootstrap",
      program: () => {
        const first = new StateBackend("state-dev", {
          ...base,
          bucketName: "acme-pulumi-state-dev",
          keyName: "pulumi-secrets-dev",
        });
        for (const tier of tiers.slice(1)) {
          new StateBackend(`state-${tier}`, {
            ...base,
            bucketName: `acme-pulumi-state-${tier}`,
            keyName: `pulumi-secrets-${tier}`,
            existingKeyRingId: first.keyRingId,
          });
        }
      },
    });
    const rings = byType(resources, "gcp:kms/keyRing:KeyRing");
    expect(rings.map((ring) => ring.inputs)).toEqual([
      { project: "acme-state", name: "pulumi-state", location: "eu" },
    ]);
    const ringId = "projects/acme-state/locations/eu/keyRings/pulumi-state";
    const keys = byType(resources, "gcp:kms/cryptoKey:CryptoKey");
    expect(keys.map((key) => [key.inputs.name, key.inputs.keyRing])).toEqual(
      tiers.map((tier) => [`pulumi-secrets-${tier}`, ringId]),
    );
    expect(byType(resources, "gcp:storage/bucket:Bucket").map((bucket) => bucket.inputs.name)).toEqual(
      tiers.map((tier) => `acme-pulumi-state-${tier}`),
    );
  });

  test.each([
    [
      { existingKeyRingId: "projects/acme-state/locations/eu/keyRings/pulumi-state", keyRingName: "other" },
      'keyRingName: expected nothing with existingKeyRingId (the existing ring has its name and location), found "other"',
    ],
    [
      { existingKeyRingId: "pulumi-state" },
      'existingKeyRingId: expected projects/<project>/locations/<location>/keyRings/<ring>, found "pulumi-state"',
    ],
  ])("%j is refused", (args, message) => {
    expect(construct(args)).toThrow(message);
  });
});
