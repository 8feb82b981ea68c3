import type { ExemptionInForce } from "../../policies/exemptions";
import type { MonitoringReport } from "./monitoring";

/**
 * The planned-stack model shared by the offline plan, the policy runner and the reports.
 * Field names are a public contract: `--json` writes them and other tools read them.
 */

/** One resource the stack program registered, as the engine would see it at preview. */
export interface PlannedResource {
  /** Engine-style URN: `urn:pulumi:<stack>::<project>::<parentType$...$type>::<name>`. */
  urn: string;
  type: string;
  name: string;
  /** URN of the parent resource; the root stack resource's parent is null. */
  parent: string | null;
  /** true for provider-backed resources, false for components and the stack. */
  custom: boolean;
  protect: boolean;
  /**
   * Resource inputs as plain JSON. A value unknown at preview is the engine's sentinel string
   * `04da6b54-80e4-46f7-96ec-b56ff0331ba9`, as `pulumi preview --json` writes it. Secret values are replaced by the string "[secret]" and their
   * paths listed in `secretPaths`; they never reach a report.
   */
  inputs: Record<string, unknown>;
  /** Dotted paths (e.g. `sensitiveLabels.service_key`) of inputs that were secrets. */
  secretPaths?: string[];
  /** URNs this resource depends on (explicit `dependsOn` plus input dependencies). */
  dependencies?: string[];
  /**
   * For each input property, the URNs of the resources its value was built from, as the SDK sends
   * them in RegisterResource and the engine passes them to analyzers in AnalyzeStack.
   */
  propertyDependencies?: Record<string, string[]>;
  /** Provider reference (`<provider urn>::<id>`), when one was set explicitly. */
  provider?: string;
  /** Names/URNs of aliases declared for the resource. */
  aliases?: string[];
}

export type EnforcementLevel = "advisory" | "mandatory" | "remediate" | "disabled";
export type Severity = "low" | "medium" | "high" | "critical" | "";

export interface PolicyViolation {
  policyName: string;
  enforcementLevel: EnforcementLevel;
  severity: Severity;
  /** Empty for stack-level violations that name no resource. */
  urn: string;
  message: string;
}

/** An exemption from policies/exemptions.yaml that applies to the stack today. */
export type PolicyExemptionInForce = ExemptionInForce;

export interface PolicyReport {
  pack: { name: string; version: string };
  violations: PolicyViolation[];
  exemptions: PolicyExemptionInForce[];
}

/**
 * A stack's outputs as the engine records them at preview (`pulumi stack output`, what a
 * StackReference reads). Unknown values are the string "[unknown]" and secrets "[secret]", each
 * with its dotted path listed, so a file of them can stand in for the stack (`--stack-outputs`).
 */
export interface StackOutputs {
  values: Record<string, unknown>;
  unknownPaths: string[];
  secretPaths: string[];
}

export interface PlanResult {
  stack: string;
  project: string;
  /** "preview": a first preview, computed outputs unknown; "known": realistic values, as after `up`. */
  outputMode?: "preview" | "known";
  resources: PlannedResource[];
  summary: { resourceCount: number; byType: Record<string, number> };
  /** The stack's outputs; absent only in plans written before outputs were recorded. */
  outputs?: StackOutputs;
  policy?: PolicyReport;
  /** SLO and alert coverage, and the burn-rate warnings (adapted rows, low traffic). */
  monitoring?: MonitoringReport;
}
