/** The stack file's secrets provider: what `pulumi stack init --secrets-provider gcpkms://...` writes. */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { UserInputError } from "../../stacks/config/errors";
import { parseStackFile } from "../../stacks/config/load";
import { runPlan } from "../helpers/cli";

const FIXTURE = "test/fixtures/stacks/Pulumi.fixture.yaml";
const KEY = "projects/acme-state/locations/europe-west1/keyRings/pulumi-state/cryptoKeys/pulumi-secrets-dev";
const base = readFileSync(FIXTURE, "utf8");
const withoutProvider = base.replace(/^secretsprovider: .*\n/m, "");
const secure = (text: string) =>
  text.replace(
    "  gcp:region: europe-west1\n",
    "  gcp:region: europe-west1\n  gcp:accessToken:\n    secure: v1:c2VjcmV0\n",
  );

function problems(text: string): string[] {
  try {
    parseStackFile("Pulumi.fixture.yaml", text);
    return [];
  } catch (error) {
    if (!(error instanceof UserInputError)) throw error;
    return error.message.split("\n");
  }
}

describe("secrets provider of a stack file", () => {
  it("accepts a gcpkms provider on the tier's key, with an encrypted key and secure values", () => {
    expect(base).toContain(`secretsprovider: gcpkms://${KEY}\n`);
    expect(problems(secure(`${base}encryptedkey: Y2lwaGVydGV4dA==\n`))).toEqual([]);
    expect(problems(withoutProvider)).toEqual([]);
  });

  it("refuses secure values without secretsprovider and encryptedkey", () => {
    const init = `run \`pulumi stack init --secrets-provider gcpkms://${KEY}\` and commit what it writes`;
    expect(problems(secure(withoutProvider))).toEqual([
      `Pulumi.fixture.yaml: secretsprovider: expected a gcpkms:// secrets provider because the stack has secure: values (gcp:accessToken), found none; ${init}`,
      `Pulumi.fixture.yaml: encryptedkey: expected the stack's encrypted data key because the stack has secure: values (gcp:accessToken), found none; ${init}`,
    ]);
    expect(problems(secure(base))).toEqual([
      `Pulumi.fixture.yaml: encryptedkey: expected the stack's encrypted data key because the stack has secure: values (gcp:accessToken), found none; ${init}`,
    ]);
  });

  it("refuses a passphrase provider and a key other than the tier's", () => {
    const line = base.split("\n").findIndex((l) => l.startsWith("secretsprovider:")) + 1;
    expect(problems(base.replace(/^secretsprovider: .*$/m, "secretsprovider: passphrase"))).toEqual([
      `Pulumi.fixture.yaml: secretsprovider: expected a gcpkms://projects/<p>/locations/<l>/keyRings/<r>/cryptoKeys/<k> secrets provider (a passphrase needs PULUMI_CONFIG_PASSPHRASE in every CI run), found "passphrase" (line ${line})`,
    ]);
    const other = base.replace(/^secretsprovider: (.*)-dev$/m, "secretsprovider: $1-prod");
    expect(problems(other)).toEqual([
      `Pulumi.fixture.yaml: secretsprovider: expected gcpkms://${KEY} (the key of platform:ci.state.secretsKey, which the CI identities may use), found "gcpkms://projects/acme-state/locations/europe-west1/keyRings/pulumi-state/cry..." (line ${line})`,
    ]);
  });

  it("npm run plan exits 2 with one line per problem, before running anything", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "secrets-")), "Pulumi.qa.yaml");
    writeFileSync(file, secure(withoutProvider));
    const result = await runPlan("--stack", "qa", "--stack-file", file, "--skip-policy");
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    const init = `run \`pulumi stack init --secrets-provider gcpkms://${KEY}\` and commit what it writes`;
    expect(result.stderr.trim().split("\n")).toEqual([
      `${file}: secretsprovider: expected a gcpkms:// secrets provider because the stack has secure: values (gcp:accessToken), found none; ${init}`,
      `${file}: encryptedkey: expected the stack's encrypted data key because the stack has secure: values (gcp:accessToken), found none; ${init}`,
    ]);
  });
});
