import type { BurnRateAlert } from "./burn-rate";

/**
 * Plain builders for alert policy parts: the SLO time-series selectors, the burn-rate conditions and
 * the Markdown documentation every alert carries. Tested without Pulumi.
 */

/** `projects/<project>/services/<service>/serviceLevelObjectives/<slo>`: project id or number. */
export function sloResourceName(project: string, serviceId: string, sloId: string): string {
  return `projects/${project}/services/${serviceId}/serviceLevelObjectives/${sloId}`;
}

/** `select_slo_burn_rate("projects/.../serviceLevelObjectives/...", "3600s")` */
export function sloBurnRateFilter(sloName: string, lookbackSeconds: number): string {
  return `select_slo_burn_rate(${JSON.stringify(sloName)}, "${lookbackSeconds}s")`;
}

export interface ThresholdCondition {
  displayName: string;
  conditionThreshold: {
    filter: string;
    comparison: "COMPARISON_GT";
    thresholdValue: number;
    duration: string;
    trigger: { count: number };
  };
}

/**
 * The two conditions of a burn-rate alert, to combine with AND: the long window proves the budget is
 * really being spent, the short one that it still is (so the alert resets soon after recovery).
 */
export function burnRateConditions(sloName: string, alert: BurnRateAlert): ThresholdCondition[] {
  return [alert.longWindowSeconds, alert.shortWindowSeconds].map((window) => ({
    displayName: `Burn rate over ${windowLabel(window)} above ${alert.threshold}`,
    conditionThreshold: {
      filter: sloBurnRateFilter(sloName, window),
      comparison: "COMPARISON_GT",
      thresholdValue: alert.threshold,
      // The windows already smooth the signal: fire at the first evaluation both exceed it.
      duration: "0s",
      trigger: { count: 1 },
    },
  }));
}

function windowLabel(seconds: number): string {
  if (seconds % 86_400 === 0) return `${seconds / 86_400} d`;
  if (seconds % 3_600 === 0) return `${seconds / 3_600} h`;
  return `${seconds / 60} min`;
}

export interface AlertDocumentationInput {
  runbookUrl: string;
  /** What this alert means, in one or two sentences. */
  whatFired: string;
  likelyCauses: string[];
  /** The first three things on-call does. */
  firstSteps: [string, string, string];
}

/** Markdown for AlertPolicy.documentation: the runbook is the first link on-call sees. */
export function alertDocumentation(input: AlertDocumentationInput): {
  content: string;
  mimeType: "text/markdown";
  links: { displayName: string; url: string }[];
} {
  const content = [
    `**Runbook:** ${input.runbookUrl}`,
    "",
    "### What fired",
    input.whatFired,
    "",
    "### Likely causes",
    ...input.likelyCauses.map((cause) => `- ${cause}`),
    "",
    "### First steps",
    ...input.firstSteps.map((step, index) => `${index + 1}. ${step}`),
  ].join("\n");
  return { content, mimeType: "text/markdown", links: [{ displayName: "Runbook", url: input.runbookUrl }] };
}

/** The documentation of one SLO burn-rate alert. */
export function burnRateDocumentation(
  service: string,
  slo: { name: string; objective: number },
  alert: BurnRateAlert,
  runbookUrl: string,
): ReturnType<typeof alertDocumentation> {
  const adapted = alert.adapted ? ` Adapted row: ${alert.adapted.reason}.` : "";
  return alertDocumentation({
    runbookUrl,
    whatFired: `${service} is spending its ${slo.name} error budget (objective ${slo.objective} %) fast enough to use ${alert.title}: the burn rate is above ${alert.threshold} over both the long and the short window.${adapted} ${alert.action === "page" ? "This pages: act now." : "This is a ticket: fix it within working hours."}`,
    likelyCauses: [
      "A recent deploy or configuration change of the service.",
      "A failing dependency (database, third-party API, another service).",
      "A traffic change: a new client, a retry storm, an abuse pattern.",
    ],
    firstSteps: [
      `Open the ${service} dashboard and find when the error ratio rose.`,
      "Compare with the latest deploys and roll back if they line up.",
      "Check the dependencies' status and the error logs of the failing requests.",
    ],
  });
}
