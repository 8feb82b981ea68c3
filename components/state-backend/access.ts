/**
 * Who may touch the Pulumi state and its secrets key, defined once for the bootstrap
 * (`StateBackend`) and for the stack's CI identities (`CiIdentity`), so both grant the same roles.
 */

/** Read the checkpoint files: enough for `pulumi preview`. */
export const STATE_READER_BUCKET_ROLE = "roles/storage.objectViewer";
/** Decrypt config secrets for a preview; never encrypt. */
export const STATE_READER_KEY_ROLE = "roles/cloudkms.cryptoKeyDecrypter";
/** Write checkpoints and the lock files of `pulumi up`; no bucket administration. */
export const STATE_WRITER_BUCKET_ROLE = "roles/storage.objectUser";
/** `pulumi up` encrypts new secrets into the state. */
export const STATE_WRITER_KEY_ROLE = "roles/cloudkms.cryptoKeyEncrypterDecrypter";

export type StateAccess = "reader" | "writer";

export interface StateGrant {
  resource: "bucket" | "key";
  role: string;
}

/** The two grants (bucket, key) one identity gets for its access level. */
export function stateGrants(access: StateAccess): StateGrant[] {
  return access === "reader"
    ? [
        { resource: "bucket", role: STATE_READER_BUCKET_ROLE },
        { resource: "key", role: STATE_READER_KEY_ROLE },
      ]
    : [
        { resource: "bucket", role: STATE_WRITER_BUCKET_ROLE },
        { resource: "key", role: STATE_WRITER_KEY_ROLE },
      ];
}

/** `gs://<bucket>`: the `pulumi login` URL. */
export function backendUrl(bucket: string): string {
  return `gs://${bucket}`;
}

/** `gcpkms://projects/.../cryptoKeys/<key>`: the `--secrets-provider` of `pulumi stack init`. */
export function secretsProviderUrl(cryptoKeyId: string): string {
  return `gcpkms://${cryptoKeyId}`;
}

/** Accepts `projects/P/locations/L/keyRings/R/cryptoKeys/K` only: the form the secrets provider needs. */
export const CRYPTO_KEY_ID =
  /^projects\/[a-z][a-z0-9-]{4,28}[a-z0-9]\/locations\/[a-z0-9-]+\/keyRings\/[A-Za-z0-9_-]{1,63}\/cryptoKeys\/[A-Za-z0-9_-]{1,63}$/;
/** GCS bucket names: 3-63 lowercase letters, digits, '-', '_' (no dots: no domain verification). */
export const BUCKET_NAME = /^[a-z0-9][a-z0-9_-]{1,61}[a-z0-9]$/;
