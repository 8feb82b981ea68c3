/** The severities of the on-call model, loudest first. Free of zod and luxon: commands check a `--severity` before they load a stack. */
export const SEVERITIES = ["SEV1", "SEV2", "SEV3", "SEV4"] as const;
export type Severity = (typeof SEVERITIES)[number];
