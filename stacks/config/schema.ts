import { z } from "zod";
import { TIERS, type Tier } from "../../components/environment/tiers";
import { ciConfigSchema, ciReferencesOf, refineCiReferences } from "./ci";
import { findOverlaps, parseCidr } from "./cidr";
import { oncallConfigSchema, oncallSecretsSchema, refineOncall } from "./oncall";
import { refineServiceReferences, servicesSchema } from "./services";

/**
 * The platform's stack configuration: every `platform:*` key of `stacks/Pulumi.<stack>.yaml`, with
 * the namespace stripped. Parsed before any resource is declared; unknown keys are errors.
 */

export { TIERS, type Tier } from "../../components/environment/tiers";

const slug = z
  .string()
  .regex(
    /^[a-z][a-z0-9-]{0,18}[a-z0-9]$/,
    "a lowercase name of 2-20 letters, digits and hyphens, like `payments`",
  );
const numericId = (what: string) =>
  z.string().regex(/^[0-9]{6,20}$/, `a numeric ${what} id in quotes, like "123456789012"`);
const region = z.string().regex(/^[a-z]+(-[a-z]+)+[0-9]$/, "a Google Cloud region, like `europe-west1`");
const email = z
  .string()
  .regex(/^[^@\s]+@[a-z0-9.-]+\.[a-z]{2,}$/, "an email address, like `team@example.com`");
const cidr = z.string().refine((value) => parseCidr(value) !== undefined, {
  message: "an IPv4 CIDR range with no host bits set, like `10.10.0.0/20`",
});
const projectId = z
  .string()
  .regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, "a GCP project id of 6-30 lowercase letters, digits and hyphens");

export const organizationSchema = z.strictObject({
  domain: z
    .string()
    .regex(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/, "a DNS domain, like `example.com`")
    .describe("The Google Workspace / Cloud Identity domain; every IAM member must be in it."),
  orgId: numericId("organization").describe("The Google Cloud organization id."),
  billingAccount: z
    .string()
    .regex(/^[0-9A-F]{6}-[0-9A-F]{6}-[0-9A-F]{6}$/, "a billing account id, like `01ABCD-23EF45-6789AB`")
    .describe("Billing account of every project and budget."),
  folderId: numericId("folder").describe("The folder this tier's projects are created in."),
  projectPrefix: z
    .string()
    .regex(/^[a-z][a-z0-9]{1,11}$/, "2-12 lowercase letters and digits, like `acme`")
    .describe("Prefix of generated project ids: `<prefix>-<environment>-<tier>`."),
});

export const teamSchema = z.strictObject({
  name: slug.describe("Team name, used in labels and resource names."),
  costCenter: z
    .string()
    .regex(/^[a-z0-9-]{2,30}$/, "a cost-center label value, like `cc-1042`")
    .describe("Cost center for the `cost-center` label of every resource."),
  groups: z.strictObject({
    viewers: email.describe("Google group with read access to the team's environments."),
    developers: email.describe("Google group of the team's engineers."),
  }),
  budgetAlertEmails: z
    .array(email)
    .min(1)
    .optional()
    .describe("Who receives budget alerts until on-call routing supplies notification channels."),
});

export const subnetSchema = z.strictObject({
  name: slug.describe("Subnet name inside the environment's VPC."),
  region: region.optional().describe("Defaults to the environment's region."),
  cidr: cidr.describe("Primary IPv4 range; must not overlap any other range of the stack."),
  podsCidr: cidr.optional().describe("Secondary range for GKE pods."),
  servicesCidr: cidr.optional().describe("Secondary range for GKE services."),
});

export const environmentSchema = z.strictObject({
  name: slug.describe("Environment name: part of the project id and of every resource name."),
  team: slug.describe("The owning team; must be listed under `platform:teams`."),
  projectId: projectId.optional().describe("Defaults to `<projectPrefix>-<name>-<tier>`."),
  adoptExistingProject: z
    .boolean()
    .default(false)
    .describe("Adopt an existing project instead of creating one (no folder or billing changes)."),
  region: region.optional().describe("Defaults to `platform:region`."),
  apis: z
    .array(
      z.string().regex(/^[a-z0-9-]+\.googleapis\.com$/, "an API service name, like `run.googleapis.com`"),
    )
    .default([])
    .describe("APIs to enable on top of the platform baseline."),
  network: z.strictObject({
    subnets: z.array(subnetSchema).min(1).describe("Regional subnets of the environment's VPC."),
  }),
  budget: z.strictObject({
    amount: z.number().positive().max(10_000_000).describe("Monthly budget in whole currency units."),
    currency: z
      .enum(["USD", "EUR", "GBP", "CHF", "JPY", "CAD", "AUD"])
      .default("USD")
      .describe("Currency of the billing account."),
  }),
  logRetentionDays: z
    .number()
    .int()
    .min(1)
    .max(3650)
    .optional()
    .describe("Retention of the audit log bucket; defaults per tier."),
  keyRotationDays: z
    .number()
    .int()
    .min(1)
    .max(90)
    .optional()
    .describe("KMS key rotation; defaults per tier, never above 90 days."),
  deletionProtection: z
    .boolean()
    .optional()
    .describe("Provider deletion protection and `protect`; required in prod."),
});

export const platformConfigSchema = z
  .strictObject({
    tier: z
      .enum(TIERS)
      .describe("The tier this stack deploys: sets the defaults and how strict the policies are."),
    region: region.default("europe-west1").describe("Default region of every environment."),
    organization: organizationSchema.describe(
      "Where projects are created and billed, and the identity domain.",
    ),
    teams: z
      .array(teamSchema)
      .min(1)
      .describe("Product and platform teams: ownership labels, IAM groups, budget contacts."),
    environments: z
      .array(environmentSchema)
      .min(1)
      .describe("One GCP project each, usually one per team plus a shared platform one."),
    ci: ciConfigSchema
      .optional()
      .describe("Who may preview and deploy this stack from GitHub Actions (Workload Identity Federation)."),
    oncall: oncallConfigSchema
      .optional()
      .describe("The operating model: severities, areas, rotations, escalation, routes, duties."),
    oncallSecrets: oncallSecretsSchema
      .optional()
      .describe("Secrets of on-call receivers (`pulumi config set --secret --path 'oncallSecrets.<name>'`)."),
    services: servicesSchema.optional(),
  })
  // Runs even when some keys are malformed (`when`): the cross-key checks judge the parts that are
  // well-formed, so one run reports shape and cross-key mistakes together.
  .superRefine(
    (input, ctx) => {
      // No issue so far: every part is already valid, and validating it again would double the cost.
      const config = wellFormedParts(input, ctx.issues.length === 0);
      checkUnique(config.teamNames, ["teams"], "team", ctx);
      checkUnique(config.environmentNames, ["environments"], "environment", ctx);
      const teamNames = config.teamNames.filter((name) => name !== undefined);
      const ranges: { label: string; cidr: string; path: (string | number)[] }[] = [];
      const collectRanges = (name: string, network: EnvironmentConfig["network"], index: number) => {
        network.subnets.forEach((subnet, subnetIndex) => {
          const base = ["environments", index, "network", "subnets", subnetIndex];
          const label = `${name}/${subnet.name}`;
          ranges.push({ label: `${label} cidr`, cidr: subnet.cidr, path: [...base, "cidr"] });
          if (subnet.podsCidr)
            ranges.push({ label: `${label} podsCidr`, cidr: subnet.podsCidr, path: [...base, "podsCidr"] });
          if (subnet.servicesCidr) {
            ranges.push({
              label: `${label} servicesCidr`,
              cidr: subnet.servicesCidr,
              path: [...base, "servicesCidr"],
            });
          }
        });
      };
      const prefix = config.organization?.projectPrefix;
      const projectIds = config.environments.map((env) =>
        env
          ? (env.projectId ??
            (prefix && config.tier ? defaultProjectId(prefix, env.name, config.tier) : undefined))
          : undefined,
      );
      checkProjectIds(config.environments, projectIds, ctx);
      config.environments.forEach((env, index) => {
        // A malformed environment's well-formed network still takes part in the overlap check.
        const network = config.networks[index];
        const name = config.environmentNames[index];
        if (!env) {
          if (network && name) collectRanges(name, network, index);
          return;
        }
        if (!teamNames.includes(env.team)) {
          ctx.addIssue({
            code: "custom",
            path: ["environments", index, "team"],
            message: `one of the teams under platform:teams (${teamNames.join(", ")})`,
            params: { kind: "reference" },
          });
        }
        if (config.tier === "prod" && env.deletionProtection === false) {
          ctx.addIssue({
            code: "custom",
            path: ["environments", index, "deletionProtection"],
            message: "true (a prod stack needs deletion protection on every environment)",
          });
        }
        const id = projectIds[index] ?? "";
        if (!env.projectId && id.length > 30) {
          ctx.addIssue({
            code: "custom",
            path: ["environments", index, "name"],
            message: `a name short enough for the project id \`${id}\` (${id.length} characters) to fit GCP's 30; or set projectId`,
          });
        }
        collectRanges(env.name, env.network, index);
        checkUnique(
          env.network.subnets.map((subnet) => subnet.name),
          ["environments", index, "network", "subnets"],
          "subnet",
          ctx,
        );
      });
      for (const [first, second] of findOverlaps(ranges)) {
        ctx.addIssue({
          code: "custom",
          path: second.path,
          message: `a range that does not overlap ${first.label} (${first.cidr})`,
        });
      }
      const domain = config.organization?.domain;
      config.teams.forEach((team, index) => {
        if (!team || !domain) return;
        for (const [role, address] of Object.entries(team.groups)) {
          if (!address.endsWith(`@${domain}`)) {
            ctx.addIssue({
              code: "custom",
              path: ["teams", index, "groups", role],
              message: `a group in the organization's domain (@${domain})`,
            });
          }
        }
      });
      refineCiReferences(
        config.ciReferences,
        config.environmentNames.map((name, index) => ({ name, projectId: projectIds[index] })),
        ctx,
      );
      refineOncall(config.oncall, config.oncallSecrets, teamNames, ctx);
      refineServiceReferences(
        config.services,
        teamNames,
        config.environmentNames.filter((name) => name !== undefined),
        config.hasCi,
        ctx,
      );
    },
    { when: () => true },
  );

/**
 * The parts of a (possibly malformed) config that have the right shape; malformed items are
 * undefined. `parsed`: the input is the schema's own output, so every part is well-formed.
 */
function wellFormedParts(input: unknown, parsed: boolean) {
  const raw = (input !== null && typeof input === "object" ? input : {}) as Record<string, unknown>;
  const valid = <T>(schema: z.ZodType<T>, value: unknown): T | undefined => {
    if (parsed) return value as T;
    const result = schema.safeParse(value);
    return result.success ? result.data : undefined;
  };
  const list = (value: unknown) => (Array.isArray(value) ? value : []);
  const nameOf = (item: unknown) =>
    item !== null && typeof item === "object" && typeof (item as { name?: unknown }).name === "string"
      ? (item as { name: string }).name
      : undefined;
  return {
    tier: valid(z.enum(TIERS), raw.tier),
    organization: valid(organizationSchema, raw.organization),
    teams: list(raw.teams).map((team) => valid(teamSchema, team)),
    environments: list(raw.environments).map((env) => valid(environmentSchema, env)),
    networks: list(raw.environments).map((env) =>
      valid(environmentSchema.shape.network, (env as { network?: unknown } | null)?.network),
    ),
    teamNames: list(raw.teams).map(nameOf),
    environmentNames: list(raw.environments).map(nameOf),
    ciReferences: ciReferencesOf(raw.ci),
    hasCi: raw.ci !== undefined,
    oncall: valid(oncallConfigSchema, raw.oncall),
    oncallSecrets: valid(oncallSecretsSchema, raw.oncallSecrets),
    services: valid(servicesSchema, raw.services),
  };
}

export type PlatformConfig = z.output<typeof platformConfigSchema>;
export type PlatformConfigInput = z.input<typeof platformConfigSchema>;
export type EnvironmentConfig = PlatformConfig["environments"][number];
export type TeamConfig = PlatformConfig["teams"][number];

export function defaultProjectId(prefix: string, environment: string, tier: Tier): string {
  return `${prefix}-${environment}-${tier}`;
}

/**
 * One project per environment: two environments on one project id would give each team the other's
 * grants (IAM, CI identities, budgets) in a project it does not own, whether the id is written out
 * or generated.
 */
function checkProjectIds(
  environments: readonly ({ name: string; team: string; projectId?: string } | undefined)[],
  projectIds: readonly (string | undefined)[],
  ctx: z.RefinementCtx,
): void {
  projectIds.forEach((id, index) => {
    if (id === undefined) return;
    const first = projectIds.indexOf(id);
    if (first === index) return;
    const owner = environments[first];
    const env = environments[index];
    if (!owner || !env) return;
    // Two environments of one name: already reported as a duplicate name.
    if (env.projectId === undefined && env.name === owner.name) return;
    const whose = owner.team === env.team ? "" : ` of team \`${owner.team}\``;
    ctx.addIssue({
      code: "custom",
      path: ["environments", index, env.projectId === undefined ? "name" : "projectId"],
      message: `a project id no other environment uses (environment \`${owner.name}\`${whose} already uses \`${id}\`)`,
    });
  });
}

function checkUnique(
  names: (string | undefined)[],
  path: (string | number)[],
  what: string,
  ctx: z.RefinementCtx,
): void {
  names.forEach((name, index) => {
    if (name !== undefined && names.indexOf(name) !== index) {
      ctx.addIssue({
        code: "custom",
        path: [...path, index, "name"],
        message: `a unique ${what} name`,
      });
    }
  });
}
