import { describeValue } from "./errors";

/**
 * The stack file's secrets provider. Every stack keeps its state in a GCS bucket, so without a
 * `secretsprovider` Pulumi falls back to a passphrase and every CI run stops, asking for
 * `PULUMI_CONFIG_PASSPHRASE`. `pulumi stack init --secrets-provider gcpkms://<key>` writes both
 * `secretsprovider` and `encryptedkey` (the stack's data key, encrypted with the KMS key); a stack
 * with `secure:` values cannot be decrypted without them.
 */

const GCPKMS_PREFIX = "gcpkms://";

export interface SecretsProviderInput {
  file: string;
  root: Record<string, unknown>;
  /** Fully qualified keys whose values are `secure:`. */
  secretKeys: readonly string[];
  /** `platform:ci.state.secretsKey`, when the stack sets it. */
  stateSecretsKey?: string;
  locate: (key: string) => number | undefined;
}

export function secretsProviderProblems(input: SecretsProviderInput): string[] {
  const { file, root, secretKeys, stateSecretsKey, locate } = input;
  const problems: string[] = [];
  const provider = root.secretsprovider;
  const encryptedKey = root.encryptedkey;
  const line = (key: string) => ` (line ${locate(key) ?? "?"})`;
  const init = `pulumi stack init --secrets-provider ${GCPKMS_PREFIX}${stateSecretsKey ?? "<platform:ci.state.secretsKey>"}`;
  if (provider !== undefined && (typeof provider !== "string" || !provider.startsWith(GCPKMS_PREFIX))) {
    problems.push(
      `${file}: secretsprovider: expected a ${GCPKMS_PREFIX}projects/<p>/locations/<l>/keyRings/<r>/cryptoKeys/<k> secrets provider (a passphrase needs PULUMI_CONFIG_PASSPHRASE in every CI run), found ${describeValue(provider)}${line("secretsprovider")}`,
    );
  } else if (
    typeof provider === "string" &&
    stateSecretsKey !== undefined &&
    provider !== `${GCPKMS_PREFIX}${stateSecretsKey}`
  ) {
    problems.push(
      `${file}: secretsprovider: expected ${GCPKMS_PREFIX}${stateSecretsKey} (the key of platform:ci.state.secretsKey, which the CI identities may use), found ${describeValue(provider)}${line("secretsprovider")}`,
    );
  }
  if (secretKeys.length > 0) {
    const where = `the stack has secure: values (${secretKeys.join(", ")})`;
    if (provider === undefined)
      problems.push(
        `${file}: secretsprovider: expected a ${GCPKMS_PREFIX} secrets provider because ${where}, found none; run \`${init}\` and commit what it writes`,
      );
    if (typeof encryptedKey !== "string" || encryptedKey.length === 0)
      problems.push(
        `${file}: encryptedkey: expected the stack's encrypted data key because ${where}, found ${encryptedKey === undefined ? "none" : describeValue(encryptedKey)}; run \`${init}\` and commit what it writes`,
      );
  }
  return problems;
}
