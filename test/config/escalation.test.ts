import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { isEscalationPermission, judgeProductRole } from "../../components/ci-identity/escalation";
import { permissionsOf, predefinedRoles } from "../../policies/lib/roles";
import { UserInputError } from "../../stacks/config/errors";
import { parseStackFile } from "../../stacks/config/load";
import { runPlan } from "../helpers/cli";

/**
 * Escalation through stack config: a stack file must not give a product repository power over the
 * platform, over other teams' projects, or over identities. Fixture written here, not the bundled
 * stacks, so people can change those.
 */

const FILE = "stacks/Pulumi.attack.yaml";

interface Fixture {
  /** Lines under `platform:environments` after the platform one (two product teams by default). */
  environments?: string;
  /** The `productRepositories` list. */
  repositories?: string;
}

const ENVIRONMENTS = `    - name: payments
      team: payments
      network: { subnets: [{ name: main, cidr: 10.1.0.0/20 }] }
      budget: { amount: 100 }
    - name: api
      team: api
      network: { subnets: [{ name: main, cidr: 10.2.0.0/20 }] }
      budget: { amount: 100 }`;

const REPOSITORIES = `      - name: payments-api
        id: "623456789"
        environment: payments
        githubEnvironments: [prod]
        roles: [roles/run.developer]`;

function stackText({ environments = ENVIRONMENTS, repositories = REPOSITORIES }: Fixture = {}): string {
  return `config:
  platform:tier: prod
  platform:organization:
    domain: example.com
    orgId: "102938475610"
    billingAccount: 01A2B3-C4D5E6-F7A8B9
    folderId: "481516234203"
    projectPrefix: acme
  platform:teams:
    - { name: platform, costCenter: cc-1, groups: { viewers: pv@example.com, developers: pd@example.com } }
    - { name: payments, costCenter: cc-2, groups: { viewers: yv@example.com, developers: yd@example.com } }
    - { name: api, costCenter: cc-3, groups: { viewers: av@example.com, developers: ad@example.com } }
  platform:environments:
    - name: platform
      team: platform
      network: { subnets: [{ name: main, cidr: 10.0.0.0/20 }] }
      budget: { amount: 100 }
${environments}
  platform:ci:
    github: { organization: acme-corp, organizationId: "81234567" }
    platformRepository: { name: platform, id: "612345678" }
    state:
      bucket: acme-pulumi-state-prod
      secretsKey: projects/acme-state/locations/europe-west1/keyRings/pulumi-state/cryptoKeys/pulumi-secrets-prod
    productRepositories:
${repositories}
`;
}

/** Line (1-based) of the first line of `text` that contains `needle` after `after`. */
function lineOf(text: string, needle: string, after = ""): number {
  const start = after ? text.indexOf(after) : 0;
  return text.slice(0, text.indexOf(needle, start)).split("\n").length;
}

function problems(text: string): string[] {
  try {
    parseStackFile(FILE, text);
  } catch (error) {
    expect(error).toBeInstanceOf(UserInputError);
    return (error as UserInputError).problems;
  }
  throw new Error("expected the stack file to be refused");
}

const ROLE_EXPECTATION =
  "a role that cannot grant access, act as or mint tokens for service accounts, or create keys or trust";

describe("the fixture itself", () => {
  it("parses: the checks below fail for the reason they name", () => {
    expect(parseStackFile(FILE, stackText()).config.ci?.productRepositories.map((repo) => repo.name)).toEqual(
      ["payments-api"],
    );
  });
});

describe("product repositories stay out of the platform's environment", () => {
  it("refuses a product repository whose identities would live in the platform project", () => {
    const text = stackText({
      repositories: REPOSITORIES.replace("environment: payments", "environment: platform"),
    });
    expect(problems(text)).toEqual([
      `${FILE}: platform:ci.productRepositories[0].environment: expected a product team's environment, not the platform's (\`platform\`, whose project holds the pool and the platform's deploy identity), found "platform" (line ${lineOf(text, "environment: platform")})`,
    ]);
  });

  it("is still named when another entry of platform:ci is refused too (a duplicate id)", () => {
    const text = stackText({
      repositories: `${REPOSITORIES.replace("environment: payments", "environment: platform")}
      - name: payments-web
        id: "623456789"
        environment: payments
        githubEnvironments: [prod]
        roles: [roles/run.developer]`,
    });
    expect(problems(text)).toEqual([
      `${FILE}: platform:ci.productRepositories[1].id: expected a repository id listed only once, found "623456789" (line ${lineOf(text, 'id: "623456789"', "payments-web")})`,
      `${FILE}: platform:ci.productRepositories[0].environment: expected a product team's environment, not the platform's (\`platform\`, whose project holds the pool and the platform's deploy identity), found "platform" (line ${lineOf(text, "environment: platform")})`,
    ]);
  });

  it("follows a renamed platform environment (platformEnvironment), not the word `platform`", () => {
    const text = stackText({
      repositories: REPOSITORIES.replace("environment: payments", "environment: api"),
    }).replace("    platformRepository:", "    platformEnvironment: api\n    platformRepository:");
    expect(problems(text)).toEqual([
      `${FILE}: platform:ci.productRepositories[0].environment: expected a product team's environment, not the platform's (\`api\`, whose project holds the pool and the platform's deploy identity), found "api" (line ${lineOf(text, "environment: api", "productRepositories")})`,
    ]);
  });
});

describe("a product repository's roles are judged by their permissions", () => {
  const refused: [string, string][] = [
    ["roles/iam.serviceAccountAdmin", "iam.serviceAccounts.setIamPolicy, iam.serviceAccounts.undelete"],
    ["roles/resourcemanager.projectIamAdmin", "resourcemanager.projects.setIamPolicy"],
    ["roles/iam.serviceAccountUser", "iam.serviceAccounts.actAs"],
    ["roles/iam.serviceAccountKeyAdmin", "iam.serviceAccountKeys.create"],
    ["roles/storage.hmacKeyAdmin", "storage.hmacKeys.create"],
    ["roles/iam.roleAdmin", "iam.roles.create, iam.roles.update"],
    [
      "roles/run.admin",
      "run.instances.setIamPolicy, run.jobs.setIamPolicy, run.services.setIamPolicy and 1 more",
    ],
  ];
  it.each(refused)("refuses %s in roles (it holds %s)", (role, held) => {
    const text = stackText({
      repositories: REPOSITORIES.replace("[roles/run.developer]", `[roles/run.developer, ${role}]`),
    });
    expect(problems(text)).toEqual([
      `${FILE}: platform:ci.productRepositories[0].roles[1]: expected ${ROLE_EXPECTATION} (this one holds ${held}), found "${role}" (line ${lineOf(text, role)})`,
    ]);
  });

  it("refuses the same in previewRoles, and token minting and pool administration", () => {
    const text = stackText({
      repositories: `${REPOSITORIES}\n        previewRoles: [roles/iam.serviceAccountTokenCreator, roles/iam.workloadIdentityPoolAdmin]`,
    });
    const line = lineOf(text, "previewRoles");
    expect(problems(text)).toEqual([
      `${FILE}: platform:ci.productRepositories[0].previewRoles[0]: expected ${ROLE_EXPECTATION} (this one holds iam.serviceAccounts.getAccessToken, iam.serviceAccounts.getOpenIdToken, iam.serviceAccounts.implicitDelegation and 2 more), found "roles/iam.serviceAccountTokenCreator" (line ${line})`,
      `${FILE}: platform:ci.productRepositories[0].previewRoles[1]: expected ${ROLE_EXPECTATION} (this one holds iam.googleapis.com/workloadIdentityPoolProviderKeys.create, iam.googleapis.com/workloadIdentityPoolProviders.create, iam.googleapis.com/workloadIdentityPoolProviders.undelete and 7 more), found "roles/iam.workloadIdentityPoolAdmin" (line ${line})`,
    ]);
  });

  it("refuses role names Google does not define, including case variants of real ones", () => {
    const text = stackText({
      repositories: REPOSITORIES.replace(
        "[roles/run.developer]",
        "[roles/run.Developer, roles/iam.superUser]",
      ),
    });
    const line = lineOf(text, "roles/run.Developer");
    expect(problems(text)).toEqual([
      `${FILE}: platform:ci.productRepositories[0].roles[0]: expected a role Google predefines (names are case-sensitive), like \`roles/run.developer\`, found "roles/run.Developer" (line ${line})`,
      `${FILE}: platform:ci.productRepositories[0].roles[1]: expected a role Google predefines (names are case-sensitive), like \`roles/run.developer\`, found "roles/iam.superUser" (line ${line})`,
    ]);
  });

  it("accepts the roles a product deploy needs", () => {
    const text = stackText({
      repositories: REPOSITORIES.replace(
        "[roles/run.developer]",
        "[roles/run.developer, roles/artifactregistry.writer, roles/apigateway.editor, roles/cloudsql.client]",
      ),
    });
    expect(parseStackFile(FILE, text).config.ci?.productRepositories[0].roles).toHaveLength(4);
  });

  it("property: every predefined role is accepted exactly when it holds no escalation permission", () => {
    const roles = predefinedRoles().filter(
      (role) => !["roles/owner", "roles/editor", "roles/viewer"].includes(role),
    );
    fc.assert(
      fc.property(fc.constantFrom(...roles), (role) => {
        const escalates = [...(permissionsOf(role) ?? [])].some(isEscalationPermission);
        expect(judgeProductRole(role).ok).toBe(!escalates);
        const text = stackText({
          repositories: REPOSITORIES.replace("[roles/run.developer]", `["${role}"]`),
        });
        let accepted = true;
        try {
          parseStackFile(FILE, text);
        } catch {
          accepted = false;
        }
        expect(accepted).toBe(!escalates);
      }),
      { numRuns: 150, seed: 8085 },
    );
  });
});

describe("one project per environment", () => {
  it("refuses another team's environment pointed at an existing project id (written out)", () => {
    const text = stackText({
      environments: ENVIRONMENTS.replace(
        "      team: api\n",
        "      team: api\n      projectId: acme-payments-prod\n",
      ),
    });
    expect(problems(text)).toEqual([
      `${FILE}: platform:environments[2].projectId: expected a project id no other environment uses (environment \`payments\` of team \`payments\` already uses \`acme-payments-prod\`), found "acme-payments-prod" (line ${lineOf(text, "projectId: acme-payments-prod")})`,
    ]);
  });

  it("refuses an explicit id that another environment's generated id collides with (order does not matter)", () => {
    const text = stackText({
      environments: ENVIRONMENTS.replace(
        "      team: payments\n",
        "      team: payments\n      projectId: acme-api-prod\n",
      ),
    });
    expect(problems(text)).toEqual([
      `${FILE}: platform:environments[2].name: expected a project id no other environment uses (environment \`payments\` of team \`payments\` already uses \`acme-api-prod\`), found "api" (line ${lineOf(text, "- name: api")})`,
    ]);
  });

  it("refuses two environments of one team on one project too", () => {
    const text = stackText({
      environments: `${ENVIRONMENTS}
    - name: payments2
      team: payments
      projectId: acme-payments-prod
      network: { subnets: [{ name: main, cidr: 10.3.0.0/20 }] }
      budget: { amount: 100 }`,
    });
    expect(problems(text)).toEqual([
      `${FILE}: platform:environments[3].projectId: expected a project id no other environment uses (environment \`payments\` already uses \`acme-payments-prod\`), found "acme-payments-prod" (line ${lineOf(text, "projectId: acme-payments-prod")})`,
    ]);
  });

  it("refuses an environment on the state project (its team would reach every stack's state)", () => {
    const text = stackText({
      environments: ENVIRONMENTS.replace(
        "      team: api\n",
        "      team: api\n      projectId: acme-state\n",
      ),
    });
    expect(problems(text)).toEqual([
      `${FILE}: platform:environments[2].name: expected an environment whose project is not the state project \`acme-state\` (platform:ci.state.secretsKey): its team would get access to every stack's state, found "api" (line ${lineOf(text, "- name: api")})`,
    ]);
  });
});

describe("npm run plan", () => {
  const dir = mkdtempSync(join(tmpdir(), "escalation-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("exits 2 with the problem, before planning anything", async () => {
    const file = join(dir, "Pulumi.attack.yaml");
    const text = stackText({
      repositories: REPOSITORIES.replace("environment: payments", "environment: platform").replace(
        "[roles/run.developer]",
        "[roles/iam.workloadIdentityPoolAdmin]",
      ),
    });
    writeFileSync(file, text);
    const result = await runPlan("--stack", "attack", "--stack-file", file, "--skip-policy");
    expect(result.code).toBe(2);
    expect(result.stdout).toBe("");
    expect(result.stderr.trim().split("\n")).toEqual([
      `${file}: platform:ci.productRepositories[0].roles[0]: expected ${ROLE_EXPECTATION} (this one holds iam.googleapis.com/workloadIdentityPoolProviderKeys.create, iam.googleapis.com/workloadIdentityPoolProviders.create, iam.googleapis.com/workloadIdentityPoolProviders.undelete and 7 more), found "roles/iam.workloadIdentityPoolAdmin" (line ${lineOf(text, "roles/iam.workloadIdentityPoolAdmin")})`,
      `${file}: platform:ci.productRepositories[0].environment: expected a product team's environment, not the platform's (\`platform\`, whose project holds the pool and the platform's deploy identity), found "platform" (line ${lineOf(text, "environment: platform")})`,
    ]);
  }, 60_000);
});
