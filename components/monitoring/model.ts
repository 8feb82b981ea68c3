import {
  type GrowthStage,
  OBJECTIVE_PRESETS,
  SERVICE_TIER_DEFAULTS,
  type ServiceKind,
  type ServiceTier,
} from "./presets";

/** What a service promises and where it can be probed: the component's input, plain data. */

export interface CloudMonitoringSli {
  /** Every request (request-based good/total or bad/total). */
  totalFilter?: string;
  goodFilter?: string;
  badFilter?: string;
  /** A latency distribution; good requests are those under `latencyThresholdMs`. */
  distributionFilter?: string;
  /** Latency cut; defaults to the stage's latency target. */
  latencyThresholdMs?: number;
}

export interface PrometheusSli {
  /** PromQL rate of bad events with a `{{window}}` placeholder. */
  errorQuery: string;
  /** PromQL rate of all events with a `{{window}}` placeholder. */
  totalQuery: string;
}

export interface SloDefinition {
  /** SLO id within the service, like `availability`. */
  name: string;
  /** Percent of good events; defaults to the stage preset of the service's kind. */
  objective?: number;
  /** Rolling period in days (1-30). Default: 30. */
  periodDays?: number;
  /** Measure over the calendar month instead of a rolling period. Default: false. */
  calendarMonth?: boolean;
  /** Typical traffic, for the low-traffic warning. */
  requestsPerMinute?: number;
  /** Runbook file in the service's runbook folder. Default: `slo-burn.md`. */
  runbook?: string;
  sli: { cloudMonitoring: CloudMonitoringSli } | { prometheus: PrometheusSli };
}

export interface EndpointDefinition {
  /** Public host, probed over HTTPS (443) with certificate validation. */
  host: string;
  /** Health path. Default: `/`. */
  path?: string;
}

export interface ServiceDefinition {
  name: string;
  team: string;
  /** On-call area that is paged for it. */
  area: string;
  kind: ServiceKind;
  /** Default: `standard`. */
  tier?: ServiceTier;
  /** Default per tier: critical → scale, standard → growth, low → launch. */
  stage?: GrowthStage;
  endpoints?: EndpointDefinition[];
  /** Runbook folder in the repository. Default: `docs/runbooks`. */
  runbooks?: string;
  slos: SloDefinition[];
}

export interface ResolvedSlo {
  name: string;
  /** Percent, e.g. 99.9. */
  objective: number;
  /** Where the objective came from: `written`, or `<stage> preset for <kind>`. */
  objectiveSource: string;
  periodDays: number;
  calendarMonth: boolean;
  requestsPerMinute?: number;
  runbook: string;
  sli: SloDefinition["sli"];
  /** The latency cut of a distribution SLI, resolved from the preset when not written. */
  latencyThresholdMs?: number;
}

export function serviceTier(service: ServiceDefinition): ServiceTier {
  return service.tier ?? "standard";
}

export function serviceStage(service: ServiceDefinition): GrowthStage {
  return service.stage ?? SERVICE_TIER_DEFAULTS[serviceTier(service)].stage;
}

export function isLatencySli(sli: SloDefinition["sli"]): boolean {
  return "cloudMonitoring" in sli && sli.cloudMonitoring.distributionFilter !== undefined;
}

/** An SLO with its preset applied: an explicit objective always wins over the stage's preset. */
export function resolveSlo(service: ServiceDefinition, slo: SloDefinition): ResolvedSlo {
  const stage = serviceStage(service);
  const preset = OBJECTIVE_PRESETS[stage][service.kind];
  const latency = isLatencySli(slo.sli);
  const written = "cloudMonitoring" in slo.sli ? slo.sli.cloudMonitoring.latencyThresholdMs : undefined;
  return {
    name: slo.name,
    objective: slo.objective ?? (latency ? preset.latencyObjective : preset.objective),
    objectiveSource:
      slo.objective !== undefined
        ? "written"
        : `${stage} preset for ${service.kind}${latency ? " latency" : ""}`,
    periodDays: slo.calendarMonth ? 30 : (slo.periodDays ?? 30),
    calendarMonth: slo.calendarMonth === true,
    ...(slo.requestsPerMinute !== undefined ? { requestsPerMinute: slo.requestsPerMinute } : {}),
    runbook: slo.runbook ?? "slo-burn.md",
    sli: slo.sli,
    ...(latency ? { latencyThresholdMs: written ?? preset.latencyThresholdMs } : {}),
  };
}

/** The runbook file of a service's alert, as a repository path: `docs/runbooks/slo-burn.md`. */
export function runbookPath(service: ServiceDefinition, file: string): string {
  return `${service.runbooks ?? "docs/runbooks"}/${file}`;
}
