import { z } from "zod";
// Pure modules only: the config schema is loaded before Pulumi, by the CLI and the schema generator.
import {
  GROWTH_STAGES,
  MAX_ROLLING_PERIOD_DAYS,
  SERVICE_KINDS,
  SERVICE_TIERS,
} from "../../components/monitoring/presets";

/**
 * The `platform:services` key of a stack: the services that run on the platform, who owns them,
 * what they promise (SLOs) and where they can be probed from outside (public endpoints).
 */

const slug = z
  .string()
  .regex(
    /^[a-z][a-z0-9-]{0,28}[a-z0-9]$/,
    "a lowercase name of 2-30 letters, digits and hyphens, like `checkout`",
  );
const nonEmpty = (what: string) => z.string().trim().min(1, `${what}, not an empty string`);

const cloudMonitoringSliSchema = z
  .strictObject({
    totalFilter: nonEmpty("a Cloud Monitoring time-series filter")
      .optional()
      .describe("Every request counted by the SLI (request-based good/total or bad/total)."),
    goodFilter: nonEmpty("a Cloud Monitoring time-series filter").optional().describe("The good requests."),
    badFilter: nonEmpty("a Cloud Monitoring time-series filter").optional().describe("The bad requests."),
    distributionFilter: nonEmpty("a Cloud Monitoring distribution filter")
      .optional()
      .describe("A latency distribution: good requests are those under `latencyThresholdMs`."),
    latencyThresholdMs: z
      .number()
      .positive()
      .optional()
      .describe("Latency cut for `distributionFilter`; defaults to the stage's latency target."),
  })
  .superRefine((sli, ctx) => {
    const ratio =
      sli.totalFilter !== undefined || sli.goodFilter !== undefined || sli.badFilter !== undefined;
    if (sli.distributionFilter !== undefined) {
      if (ratio) {
        ctx.addIssue({
          code: "custom",
          path: ["distributionFilter"],
          message: "either distributionFilter (latency) or totalFilter with goodFilter/badFilter, not both",
        });
      }
      return;
    }
    if (sli.latencyThresholdMs !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["latencyThresholdMs"],
        message: "latencyThresholdMs only with distributionFilter",
      });
    }
    if (sli.totalFilter === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["totalFilter"],
        message: "a totalFilter (or a distributionFilter for a latency SLI)",
      });
    }
    if ((sli.goodFilter === undefined) === (sli.badFilter === undefined)) {
      ctx.addIssue({
        code: "custom",
        path: [sli.goodFilter === undefined ? "goodFilter" : "badFilter"],
        message: "exactly one of goodFilter and badFilter beside totalFilter",
      });
    }
  });

const promQuery = z
  .string()
  .trim()
  .min(1)
  .refine((query) => query.includes("{{window}}"), {
    message:
      "a PromQL query with a `{{window}}` placeholder, like `sum(rate(http_requests_total[{{window}}]))`",
  });

const prometheusSliSchema = z.strictObject({
  errorQuery: promQuery.describe("Rate of bad events over `{{window}}`."),
  totalQuery: promQuery.describe("Rate of all events over `{{window}}`."),
});

export const sloSchema = z
  .strictObject({
    name: slug.describe("SLO id, unique within the service, like `availability`."),
    objective: z
      .number()
      .min(50)
      .max(99.99)
      .optional()
      .describe("Percent of good events, like 99.9; defaults to the service's stage preset."),
    periodDays: z
      .number()
      .int()
      .min(1)
      .max(MAX_ROLLING_PERIOD_DAYS)
      .optional()
      .describe("Rolling period in days (1-30); default 30 unless calendarMonth."),
    calendarMonth: z
      .boolean()
      .optional()
      .describe("Measure over the calendar month instead of a rolling period."),
    requestsPerMinute: z
      .number()
      .positive()
      .optional()
      .describe(
        "Typical traffic; the plan warns when it is too low for the burn-rate alerts to be meaningful.",
      ),
    runbook: z
      .string()
      .regex(
        /^[a-z0-9][a-z0-9-]*\.md$/,
        "a runbook file name in the service's runbook folder, like `slo-burn.md`",
      )
      .optional()
      .describe("Runbook of this SLO's alerts; default `slo-burn.md`."),
    sli: z
      .union([
        z.strictObject({ cloudMonitoring: cloudMonitoringSliSchema }),
        z.strictObject({ prometheus: prometheusSliSchema }),
      ])
      .describe("One SLI: `cloudMonitoring` (request filters or a latency cut) or `prometheus` queries."),
  })
  .superRefine((slo, ctx) => {
    if (slo.calendarMonth === true && slo.periodDays !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["periodDays"],
        message: "either periodDays or calendarMonth: true, not both",
      });
    }
  });

export const endpointSchema = z.strictObject({
  host: z
    .string()
    .regex(
      /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
      "a public DNS host name, like `api.example.com`",
    )
    .describe("Probed over HTTPS on port 443 with certificate validation."),
  path: z
    .string()
    .regex(/^\/[A-Za-z0-9._~/-]*$/, "an absolute URL path, like `/healthz`")
    .default("/")
    .describe("Path of the health endpoint."),
});

export const serviceSchema = z
  .strictObject({
    name: slug.describe("Service id: the Cloud Monitoring service id and the `service` label."),
    team: slug.describe("Owning team; must be listed under `platform:teams`."),
    area: slug.describe("On-call area whose route pages for this service, like `billing`."),
    environment: slug.describe("The environment (under `platform:environments`) whose project runs it."),
    kind: z.enum(SERVICE_KINDS).describe("What it is: picks the objective presets."),
    tier: z
      .enum(SERVICE_TIERS)
      .default("standard")
      .describe("How critical it is: uptime probing and default stage."),
    stage: z
      .enum(GROWTH_STAGES)
      .optional()
      .describe("Growth stage for the objective presets; defaults per tier."),
    endpoints: z.array(endpointSchema).default([]).describe("Public endpoints for uptime checks."),
    runbooks: z
      .string()
      .regex(/^docs\/runbooks(\/[a-z0-9-]+)*$/, "a folder under docs/runbooks, like `docs/runbooks`")
      .default("docs/runbooks")
      .describe("Folder of the service's runbooks in this repository."),
    slos: z.array(sloSchema).min(1).describe("What the service promises; at least one."),
  })
  .superRefine((service, ctx) => {
    service.slos.forEach((slo, index) => {
      if (service.slos.findIndex((other) => other.name === slo.name) !== index) {
        ctx.addIssue({
          code: "custom",
          path: ["slos", index, "name"],
          message: "a unique SLO name within the service",
        });
      }
    });
  });

export const servicesSchema = z
  .array(serviceSchema)
  .describe("Services on the platform: owners, SLOs and public endpoints (monitoring, alerts, dashboards).");

export type ServiceConfig = z.output<typeof serviceSchema>;
export type SloConfig = ServiceConfig["slos"][number];

/** Cross-references to teams and environments, reported at `services[i].team` / `.environment`. */
export function refineServiceReferences(
  services: ServiceConfig[] | undefined,
  teams: string[],
  environments: string[],
  hasCi: boolean,
  ctx: z.RefinementCtx,
): void {
  if ((services ?? []).length > 0 && !hasCi) {
    ctx.addIssue({
      code: "custom",
      path: ["ci"],
      message: "a platform:ci section: its platformRepository is where the alerts' runbook links point",
    });
  }
  (services ?? []).forEach((service, index) => {
    if (services?.findIndex((other) => other.name === service.name) !== index) {
      ctx.addIssue({ code: "custom", path: ["services", index, "name"], message: "a unique service name" });
    }
    if (!teams.includes(service.team)) {
      ctx.addIssue({
        code: "custom",
        path: ["services", index, "team"],
        message: `one of the teams under platform:teams (${teams.join(", ")})`,
      });
    }
    if (!environments.includes(service.environment)) {
      ctx.addIssue({
        code: "custom",
        path: ["services", index, "environment"],
        message: `one of the environments under platform:environments (${environments.join(", ")})`,
      });
    }
  });
}
