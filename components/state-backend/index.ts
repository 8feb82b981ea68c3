import * as gcp from "@pulumi/gcp";
import * as pulumi from "@pulumi/pulumi";
import { BUCKET_NAME, backendUrl, type StateAccess, secretsProviderUrl, stateGrants } from "./access";

export * from "./access";

/** Most days a state secrets key may go without rotation (the platform's KMS rule). */
export const MAX_STATE_KEY_ROTATION_DAYS = 90;

export interface StateBackendArgs {
  /** The bootstrap project that holds the state (not one of the stacks' projects). */
  project: pulumi.Input<string>;
  /** Globally unique bucket name, e.g. `acme-pulumi-state`. */
  bucketName: string;
  /** Bucket location: a region (`europe-west1`) or multi-region (`EU`). */
  location: string;
  /** KMS location of the key ring. Default: `location` in lowercase (`eu`, `europe-west1`). */
  kmsLocation?: string;
  /** Default: `pulumi-state`. */
  keyRingName?: string;
  /**
   * Put the key in this existing key ring (`projects/P/locations/L/keyRings/R`, e.g. another
   * backend's `keyRingId`) instead of creating one. Key ring names are unique per location and a
   * key ring is never deleted, so one backend per tier with its own ring would collide: the first
   * tier creates `pulumi-state`, the others pass its `keyRingId` and their own `keyName`.
   */
  existingKeyRingId?: pulumi.Input<string>;
  /** Default: `pulumi-secrets`. */
  keyName?: string;
  /** Key rotation, at most 90 days. Default: 90. */
  keyRotationDays?: number;
  /** Noncurrent checkpoint versions are deleted after this many days... Default: 30. */
  noncurrentVersionDays?: number;
  /** ...but the newest this-many noncurrent versions are always kept. Default: 20. */
  noncurrentVersionsKept?: number;
  /**
   * Labels on the bucket and the key; the platform requires `team` and `cost-center`.
   * `environment` defaults to `shared`: one backend holds every tier's state.
   */
  labels?: Record<string, string>;
  /**
   * Identities that preview (read the state, decrypt secrets), by a stable label used in resource
   * names: `{ "preview-prod": "serviceAccount:preview-platform@...", ... }`. Service accounts or groups.
   */
  readers?: Record<string, pulumi.Input<string>>;
  /** Identities that deploy (write the state, encrypt and decrypt secrets), by label. */
  writers?: Record<string, pulumi.Input<string>>;
  /** `protect` and provider deletion protection on the bucket, key ring and key. Default: true. */
  protect?: boolean;
}

/**
 * Where Pulumi keeps the platform's state: a private, versioned GCS bucket (the `gs://` backend)
 * and a KMS key for the `gcpkms://` secrets provider. Bootstrapped once, before any stack exists,
 * from a program with its own (local) state: see README.md.
 */
export class StateBackend extends pulumi.ComponentResource {
  readonly bucketName: pulumi.Output<string>;
  /** `gs://<bucket>` for `pulumi login`. */
  readonly backendUrl: pulumi.Output<string>;
  readonly cryptoKeyId: pulumi.Output<string>;
  /** The key ring's id: pass it as another backend's `existingKeyRingId` to share the ring. */
  readonly keyRingId: pulumi.Output<string>;
  /** `gcpkms://projects/.../cryptoKeys/<key>` for `pulumi stack init --secrets-provider`. */
  readonly secretsProvider: pulumi.Output<string>;

  constructor(name: string, args: StateBackendArgs, opts: pulumi.ComponentResourceOptions = {}) {
    // Refuse unsafe input before anything is registered.
    validateArgs(name, args);
    super("platform:state:StateBackend", name, {}, opts);
    const protect = args.protect ?? true;
    const stateful: pulumi.CustomResourceOptions = { parent: this, protect };
    const labels = {
      purpose: "pulumi-state",
      environment: "shared",
      "managed-by": "pulumi",
      ...(args.labels ?? {}),
    };
    const rotationDays = args.keyRotationDays ?? MAX_STATE_KEY_ROTATION_DAYS;

    const bucket = new gcp.storage.Bucket(
      `${name}-bucket`,
      {
        project: args.project,
        name: args.bucketName,
        location: args.location,
        storageClass: "STANDARD",
        uniformBucketLevelAccess: true,
        publicAccessPrevention: "enforced",
        versioning: { enabled: true },
        // Every `pulumi up` writes a checkpoint; old versions are the way back from a corrupt state.
        lifecycleRules: [
          {
            action: { type: "Delete" },
            condition: {
              withState: "ARCHIVED",
              daysSinceNoncurrentTime: args.noncurrentVersionDays ?? 30,
              numNewerVersions: args.noncurrentVersionsKept ?? 20,
            },
          },
        ],
        forceDestroy: false,
        labels,
      },
      stateful,
    );
    const keyRingId: pulumi.Input<string> =
      args.existingKeyRingId ??
      new gcp.kms.KeyRing(
        `${name}-keyring`,
        {
          project: args.project,
          name: args.keyRingName ?? "pulumi-state",
          location: args.kmsLocation ?? args.location.toLowerCase(),
        },
        stateful,
      ).id;
    const key = new gcp.kms.CryptoKey(
      `${name}-key`,
      {
        name: args.keyName ?? "pulumi-secrets",
        keyRing: keyRingId,
        purpose: "ENCRYPT_DECRYPT",
        rotationPeriod: `${rotationDays * 86_400}s`,
        // A destroyed key makes every stack's secrets unreadable: keep the longest grace period.
        destroyScheduledDuration: `${120 * 86_400}s`,
        labels,
        deletionPolicy: protect ? "PREVENT" : "DELETE",
      },
      stateful,
    );

    const grant = (label: string, member: pulumi.Input<string>, access: StateAccess) => {
      for (const { resource, role } of stateGrants(access)) {
        if (resource === "bucket") {
          new gcp.storage.BucketIAMMember(
            `${name}-${label}-bucket`,
            { bucket: bucket.name, role, member },
            { parent: this },
          );
        } else {
          new gcp.kms.CryptoKeyIAMMember(
            `${name}-${label}-key`,
            { cryptoKeyId: key.id, role, member },
            { parent: this },
          );
        }
      }
    };
    for (const [label, member] of Object.entries(args.readers ?? {})) grant(label, member, "reader");
    for (const [label, member] of Object.entries(args.writers ?? {})) grant(label, member, "writer");

    this.bucketName = bucket.name;
    this.backendUrl = bucket.name.apply(backendUrl);
    this.cryptoKeyId = key.id;
    this.keyRingId = pulumi.output(keyRingId);
    this.secretsProvider = key.id.apply(secretsProviderUrl);
    this.registerOutputs({
      bucketName: this.bucketName,
      backendUrl: this.backendUrl,
      cryptoKeyId: this.cryptoKeyId,
      keyRingId: this.keyRingId,
      secretsProvider: this.secretsProvider,
    });
  }
}

const KEY_RING_ID =
  /^projects\/[a-z][a-z0-9-]{4,28}[a-z0-9]\/locations\/[a-z0-9-]+\/keyRings\/[A-Za-z0-9_-]{1,63}$/;
const MEMBER = /^(serviceAccount|group):[^@\s]+@[^@\s]+$/;
const LABEL = /^[a-z][a-z0-9-]{0,40}$/;

function validateArgs(name: string, args: StateBackendArgs): void {
  const problems: string[] = [];
  const expect = (ok: boolean, argument: string, expected: string, found: unknown) => {
    if (!ok) problems.push(`${argument}: expected ${expected}, found ${JSON.stringify(found) ?? "nothing"}`);
  };
  expect(
    BUCKET_NAME.test(args.bucketName ?? ""),
    "bucketName",
    "3-63 lowercase letters, digits, '-' or '_' (no dots)",
    args.bucketName,
  );
  if (args.existingKeyRingId !== undefined) {
    for (const argument of ["keyRingName", "kmsLocation"] as const) {
      expect(
        args[argument] === undefined,
        argument,
        "nothing with existingKeyRingId (the existing ring has its name and location)",
        args[argument],
      );
    }
    if (typeof args.existingKeyRingId === "string")
      expect(
        KEY_RING_ID.test(args.existingKeyRingId),
        "existingKeyRingId",
        "projects/<project>/locations/<location>/keyRings/<ring>",
        args.existingKeyRingId,
      );
  }
  const rotation = args.keyRotationDays;
  expect(
    rotation === undefined ||
      (Number.isInteger(rotation) && rotation >= 1 && rotation <= MAX_STATE_KEY_ROTATION_DAYS),
    "keyRotationDays",
    `a whole number of days from 1 to ${MAX_STATE_KEY_ROTATION_DAYS}`,
    rotation,
  );
  for (const [argument, value] of [
    ["noncurrentVersionDays", args.noncurrentVersionDays],
    ["noncurrentVersionsKept", args.noncurrentVersionsKept],
  ] as const) {
    expect(
      value === undefined || (Number.isInteger(value) && value >= 1),
      argument,
      "a whole number of at least 1",
      value,
    );
  }
  for (const [kind, members] of [
    ["readers", args.readers],
    ["writers", args.writers],
  ] as const) {
    for (const [label, member] of Object.entries(members ?? {})) {
      expect(
        LABEL.test(label),
        `${kind}.${label}`,
        "a label of lowercase letters, digits and hyphens",
        label,
      );
      // Outputs are checked by the policy pack at preview; plain strings are checked here.
      if (typeof member === "string") {
        expect(
          MEMBER.test(member),
          `${kind}.${label}`,
          "a serviceAccount: or group: member (never a user or allUsers)",
          member,
        );
      }
    }
  }
  if (problems.length > 0) throw new Error(`StateBackend "${name}": ${problems.join("; ")}`);
}
