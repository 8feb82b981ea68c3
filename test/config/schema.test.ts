import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { UserInputError } from "../../stacks/config/errors";
import { parseEngineConfig, parseStackFile, readStackFile } from "../../stacks/config/load";

const FILE = "stacks/Pulumi.test.yaml";
/** The tests' own stack config (a dev-tier stack): the bundled stack files may change freely. */
const devText = readFileSync("test/fixtures/stacks/Pulumi.fixture.yaml", "utf8");

/** Parses `text` and returns the error lines, failing the test if it parsed. */
function problems(text: string): string[] {
  try {
    parseStackFile(FILE, text);
  } catch (error) {
    expect(error).toBeInstanceOf(UserInputError);
    return (error as UserInputError).problems;
  }
  throw new Error("expected the config to be rejected");
}

describe("bundled stack configs", () => {
  it.each(["dev", "staging", "prod"])("%s parses with tier defaults applied", (stack) => {
    const { config, engineConfig } = readStackFile(`stacks/Pulumi.${stack}.yaml`);
    expect(config.tier).toBe(stack);
    // Properties of any correct stack file, not its names or counts.
    const teams = new Set(config.teams.map((team) => team.name));
    for (const env of config.environments) {
      expect(teams.has(env.team), `${env.name}: team ${env.team}`).toBe(true);
      expect(env.adoptExistingProject).toBe(false);
      expect(env.budget.currency).toBe("USD");
    }
    expect(engineConfig["platform:tier"]).toBe(stack);
    expect(JSON.parse(engineConfig["platform:organization"]).domain).toBe("example.com");
    expect(engineConfig["gcp:region"]).toBe("europe-west1");
  });

  it("reads config the way the engine passes it to the program", () => {
    const { engineConfig } = readStackFile("stacks/Pulumi.prod.yaml");
    const config = parseEngineConfig("stacks/Pulumi.prod.yaml", engineConfig);
    expect(config.tier).toBe("prod");
    expect(config.environments[1].logRetentionDays).toBe(2555);
    expect(config.organization.orgId).toBe("102938475610");
  });
});

describe("config mistakes name the file, the path, what was expected and what was found", () => {
  it("a wrong type", () => {
    const text = devText.replace("budget: { amount: 800 }", "budget: { amount: lots }");
    expect(problems(text)).toEqual([
      `${FILE}: platform:environments[1].budget.amount: expected a number, found "lots" (line 44)`,
    ]);
  });

  it("an unknown key, with the near-miss", () => {
    const text = devText.replace(
      "      budget: { amount: 800 }",
      "      budget: { amount: 800 }\n      logRetentonDays: 10",
    );
    expect(problems(text)).toEqual([
      `${FILE}: platform:environments[1].logRetentonDays: expected no such key, found unknown key \`logRetentonDays\`; did you mean \`logRetentionDays\`? (line 45)`,
    ]);
  });

  it("an enum value, with the allowed values and a near-miss", () => {
    const text = devText.replace("platform:tier: dev", "platform:tier: prd");
    expect(problems(text)).toEqual([
      `${FILE}: platform:tier: expected one of "dev", "staging", "prod", found "prd"; did you mean "prod"? (line 5)`,
    ]);
  });

  it("a missing required key", () => {
    const text = devText.replace("    billingAccount: 01A2B3-C4D5E6-F7A8B9\n", "");
    expect(problems(text)).toEqual([
      `${FILE}: platform:organization.billingAccount: expected a string, found nothing (the key is missing) (line 8)`,
    ]);
  });

  it("a format", () => {
    const text = devText.replace('orgId: "102938475610"', "orgId: acme-org");
    expect(problems(text)).toEqual([
      `${FILE}: platform:organization.orgId: expected a numeric organization id in quotes, like "123456789012", found "acme-org" (line 9)`,
    ]);
  });

  it("a team that does not exist", () => {
    const text = devText.replace("team: api\n", "team: apis\n");
    expect(problems(text)).toEqual([
      `${FILE}: platform:environments[2].team: expected one of the teams under platform:teams (platform, payments, api), found "apis" (line 46)`,
    ]);
  });

  it("overlapping CIDR ranges across environments", () => {
    const text = devText.replace("cidr: 10.2.0.0/20", "cidr: 10.1.8.0/21");
    expect(problems(text)).toEqual([
      `${FILE}: platform:environments[2].network.subnets[0].cidr: expected a range that does not overlap payments/main cidr (10.1.0.0/20), found "10.1.8.0/21" (line 50)`,
    ]);
  });

  it("a CIDR with host bits set", () => {
    const text = devText.replace("cidr: 10.2.0.0/20", "cidr: 10.2.0.1/20");
    expect(problems(text)[0]).toBe(
      `${FILE}: platform:environments[2].network.subnets[0].cidr: expected an IPv4 CIDR range with no host bits set, like \`10.10.0.0/20\`, found "10.2.0.1/20" (line 50)`,
    );
  });

  it("a prod stack without deletion protection", () => {
    const prod = devText
      .replace("platform:tier: dev", "platform:tier: prod")
      .replace(
        "      budget: { amount: 500 }",
        "      budget: { amount: 500 }\n      deletionProtection: false",
      );
    const line = prod.split("\n").indexOf("      deletionProtection: false") + 1;
    expect(problems(prod)).toEqual([
      `${FILE}: platform:environments[0].deletionProtection: expected true (a prod stack needs deletion protection on every environment), found boolean false (line ${line})`,
    ]);
  });

  it("a group outside the organization's domain", () => {
    const text = devText.replace("viewers: api-viewers@example.com", "viewers: api-viewers@gmail.com");
    expect(problems(text)).toEqual([
      `${FILE}: platform:teams[2].groups.viewers: expected a group in the organization's domain (@example.com), found "api-viewers@gmail.com" (line 29)`,
    ]);
  });

  it("a project id longer than GCP allows", () => {
    const text = devText
      .replace("projectPrefix: acme", "projectPrefix: acmecorporat")
      .replace(
        "  platform:environments:\n    - name: platform",
        "  platform:environments:\n    - name: platform-observ",
      );
    expect(problems(text)).toEqual([
      `${FILE}: platform:environments[0].name: expected a name short enough for the project id \`acmecorporat-platform-observ-dev\` (32 characters) to fit GCP's 30; or set projectId, found "platform-observ" (line 32)`,
      // Renaming the environment also breaks the CI identities' reference to it, defaulted or not.
      // (The fixture has no on-call model; its reference is tested in test/oncall/config.test.ts.)
      `${FILE}: platform:ci.platformEnvironment: expected one of the environments under platform:environments (platform-observ, payments, api), found nothing, so the default "platform" applied (line 53)`,
    ]);
  });

  it("a duplicate environment name", () => {
    const text = devText.replace("    - name: api\n      team: api", "    - name: payments\n      team: api");
    expect(problems(text)).toEqual([
      `${FILE}: platform:environments[2].name: expected a unique environment name, found "payments" (line 45)`,
      `${FILE}: platform:ci.productRepositories[1].environment: expected one of the environments under platform:environments (platform, payments, payments), found "api" (line 67)`,
    ]);
  });

  it("an unknown namespace, with the near-miss", () => {
    const text = devText.replace("  gcp:region: europe-west1\n", "  platfrom:tier: dev\n");
    expect(problems(text)).toEqual([
      `${FILE}: config.platfrom:tier: expected a \`platform:\` key or one of the namespaces gcp, kubernetes, pulumi, found namespace \`platfrom\`; did you mean \`platform:tier\`? (line 4)`,
    ]);
  });

  it("invalid YAML", () => {
    // The position once, in the loader's own form (the parser's " at line 3, column 1:" dropped).
    expect(problems("config:\n  platform:tier: [dev\n")).toEqual([
      `${FILE}: (YAML): expected valid YAML, found Flow sequence in block collection must be sufficiently indented and end with a ] (line 3, column 1)`,
    ]);
  });

  it("a file that is not a stack file", () => {
    expect(problems("- a\n- b\n")).toEqual([
      `${FILE}: (top level): expected a mapping with a \`config\` key, found a list of 2 items`,
    ]);
    expect(problems("confg:\n  platform:tier: dev\n")).toEqual([
      `${FILE}: confg: expected one of config, secretsprovider, encryptedkey, encryptionsalt, environment, found unknown key \`confg\`; did you mean \`config\`? (line 1)`,
      `${FILE}: config: expected a mapping of config keys, found nothing (the key is missing)`,
    ]);
  });

  it("a missing file", () => {
    expect(() => readStackFile("stacks/Pulumi.nope.yaml")).toThrow(
      "stacks/Pulumi.nope.yaml: (file): expected a readable stack config file (a regular file of at most 1 MiB), found no such file",
    );
  });

  it("reports every problem at once", () => {
    const text = devText
      .replace("platform:tier: dev", "platform:tier: 3")
      .replace("amount: 600", "amount: -5");
    expect(problems(text)).toEqual([
      `${FILE}: platform:tier: expected one of "dev", "staging", "prod", found number 3 (line 5)`,
      `${FILE}: platform:environments[2].budget.amount: expected a number greater than 0, found number -5 (line 51)`,
    ]);
  });

  it("a secure value is kept secret and never read offline", () => {
    const text = devText.replace(
      "  gcp:region: europe-west1\n",
      "  gcp:region: europe-west1\n  gcp:accessToken:\n    secure: v1:abc==\n",
    );
    // A stack with secure values carries the data key its secrets provider wrote.
    const loaded = parseStackFile(FILE, `${text}encryptedkey: Y2lwaGVydGV4dA==\n`);
    expect(loaded.secretKeys).toEqual(["gcp:accessToken"]);
    expect(loaded.engineConfig["gcp:accessToken"]).toBe("offline-plan-secret-placeholder");
  });
});
