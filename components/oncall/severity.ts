import type { AlertRoute, Severity } from "./routing";

/** Cloud Monitoring's AlertPolicy severity per platform severity; SEV4 is only a label. */
export const MONITORING_SEVERITY: Record<Severity, AlertRoute["severity"]> = {
  SEV1: "CRITICAL",
  SEV2: "ERROR",
  SEV3: "WARNING",
  SEV4: undefined,
};
