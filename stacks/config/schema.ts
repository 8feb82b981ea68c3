import { z } from "zod";
import { TIERS, type Tier } from "../../components/environment/tiers";
import { findOverlaps, parseCidr } from "./cidr";

/**
 * The platform's stack configuration: every `platform:*` key of `stacks/Pulumi.<stack>.yaml`, with
 * the namespace stripped. Parsed before any resource is declared; unknown keys are errors.
 */

export { TIERS, type Tier } from "../../components/environment/tiers";

const slug = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,18}[a-z0-9]$/, "a lowercase name of 2-20 letters, digits and hyphens, like `payments`");
const numericId = (what: string) => z.string().regex(/^[0-9]{6,20}$/, `a numeric ${what} id in quotes, like "123456789012"`);
const region = z
  .string()
  .regex(/^[a-z]+(-[a-z]+)+[0-9]$/, "a Google Cloud region, like `europe-west1`");
const email = z.string().regex(/^[^@\s]+@[a-z0-9.-]+\.[a-z]{2,}$/, "an email address, like `team@example.com`");
const cidr = z.string().refine((value) => parseCidr(value) !== undefined, {
  message: "an IPv4 CIDR range with no host bits set, like `10.10.0.0/20`",
});
const projectId = z
  .string()
  .regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, "a GCP project id of 6-30 lowercase letters, digits and hyphens");

export const organizationSchema = z.strictObject({
  /** The Google Workspace / Cloud Identity domain; every IAM member must be in it. */
  domain: z.string().regex(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/, "a DNS domain, like `example.com`"),
  orgId: numericId("organization"),
  billingAccount: z
    .string()
    .regex(/^[0-9A-F]{6}-[0-9A-F]{6}-[0-9A-F]{6}$/, "a billing account id, like `01ABCD-23EF45-6789AB`"),
  /** The folder this tier's projects are created in. */
  folderId: numericId("folder"),
  /** Prefix of generated project ids: `<prefix>-<environment>-<tier>`. */
  projectPrefix: z.string().regex(/^[a-z][a-z0-9]{1,11}$/, "2-12 lowercase letters and digits, like `acme`"),
});

export const teamSchema = z.strictObject({
  name: slug,
  costCenter: z.string().regex(/^[a-z0-9-]{2,30}$/, "a cost-center label value, like `cc-1042`"),
  groups: z.strictObject({
    /** Google group with read access to the team's environments. */
    viewers: email,
    /** Google group of the team's engineers. */
    developers: email,
  }),
  /** Who receives budget alerts until on-call routing supplies notification channels. */
  budgetAlertEmails: z.array(email).min(1).optional(),
});

export const subnetSchema = z.strictObject({
  name: slug,
  /** Defaults to the environment's region. */
  region: region.optional(),
  cidr,
  /** Secondary range for GKE pods. */
  podsCidr: cidr.optional(),
  /** Secondary range for GKE services. */
  servicesCidr: cidr.optional(),
});

export const environmentSchema = z.strictObject({
  name: slug,
  /** The owning team; must be listed under `platform:teams`. */
  team: slug,
  /** Defaults to `<projectPrefix>-<name>-<tier>`. */
  projectId: projectId.optional(),
  /** Adopt an existing project instead of creating one (no folder or billing changes). */
  adoptExistingProject: z.boolean().default(false),
  /** Defaults to `platform:region`. */
  region: region.optional(),
  /** APIs to enable on top of the platform baseline. */
  apis: z
    .array(z.string().regex(/^[a-z0-9-]+\.googleapis\.com$/, "an API service name, like `run.googleapis.com`"))
    .default([]),
  network: z.strictObject({
    subnets: z.array(subnetSchema).min(1),
  }),
  budget: z.strictObject({
    amount: z.number().positive().max(10_000_000),
    currency: z.enum(["USD", "EUR", "GBP", "CHF", "JPY", "CAD", "AUD"]).default("USD"),
  }),
  /** Retention of the audit log bucket; defaults per tier. */
  logRetentionDays: z.number().int().min(1).max(3650).optional(),
  /** KMS key rotation; defaults per tier, never above 90 days. */
  keyRotationDays: z.number().int().min(1).max(90).optional(),
  /** Provider deletion protection and `protect`; required in prod. */
  deletionProtection: z.boolean().optional(),
});

export const platformConfigSchema = z
  .strictObject({
    tier: z.enum(TIERS),
    /** Default region of every environment. */
    region: region.default("europe-west1"),
    organization: organizationSchema,
    teams: z.array(teamSchema).min(1),
    environments: z.array(environmentSchema).min(1),
  })
  .superRefine((config, ctx) => {
    checkUnique(config.teams.map((team) => team.name), ["teams"], "team", ctx);
    checkUnique(config.environments.map((env) => env.name), ["environments"], "environment", ctx);
    const teamNames = config.teams.map((team) => team.name);
    const ranges: { label: string; cidr: string; path: (string | number)[] }[] = [];
    config.environments.forEach((env, index) => {
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
      const id = env.projectId ?? defaultProjectId(config.organization.projectPrefix, env.name, config.tier);
      if (!env.projectId && id.length > 30) {
        ctx.addIssue({
          code: "custom",
          path: ["environments", index, "name"],
          message: `a name short enough for the project id \`${id}\` (${id.length} characters) to fit GCP's 30; or set projectId`,
        });
      }
      env.network.subnets.forEach((subnet, subnetIndex) => {
        const base = ["environments", index, "network", "subnets", subnetIndex];
        const label = `${env.name}/${subnet.name}`;
        ranges.push({ label: `${label} cidr`, cidr: subnet.cidr, path: [...base, "cidr"] });
        if (subnet.podsCidr) ranges.push({ label: `${label} podsCidr`, cidr: subnet.podsCidr, path: [...base, "podsCidr"] });
        if (subnet.servicesCidr) {
          ranges.push({ label: `${label} servicesCidr`, cidr: subnet.servicesCidr, path: [...base, "servicesCidr"] });
        }
      });
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
    config.teams.forEach((team, index) => {
      for (const [role, address] of Object.entries(team.groups)) {
        if (!address.endsWith(`@${config.organization.domain}`)) {
          ctx.addIssue({
            code: "custom",
            path: ["teams", index, "groups", role],
            message: `a group in the organization's domain (@${config.organization.domain})`,
          });
        }
      }
    });
  });

export type PlatformConfig = z.output<typeof platformConfigSchema>;
export type PlatformConfigInput = z.input<typeof platformConfigSchema>;
export type EnvironmentConfig = PlatformConfig["environments"][number];
export type TeamConfig = PlatformConfig["teams"][number];

export function defaultProjectId(prefix: string, environment: string, tier: Tier): string {
  return `${prefix}-${environment}-${tier}`;
}

function checkUnique(names: string[], path: (string | number)[], what: string, ctx: z.RefinementCtx): void {
  names.forEach((name, index) => {
    if (names.indexOf(name) !== index) {
      ctx.addIssue({ code: "custom", path: [...path, index, "name"], message: `a ${what} name used only once` });
    }
  });
}
