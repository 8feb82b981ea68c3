import type { LoadedStackConfig } from "../../stacks/config/load";
import { definePlatform } from "../../stacks/platform";
import { loadStackInput, type PlanOptions, PROJECT_NAME, type StackInput } from "./input";
import type { OutputMode } from "./mock-outputs";
import { runUnderMocks } from "./mock-runtime";
import type { PlannedResource, PlanResult } from "./model";
import { monitoringReport } from "./monitoring";

export { type PlanOptions, PROJECT_NAME, type StackInput };

export interface StackPlan {
  result: PlanResult;
  loaded: LoadedStackConfig;
  stackFile: string;
}

export interface PlanMode {
  /**
   * "preview" (default): what a first `pulumi preview` of a new stack sees, provider-computed
   * outputs unknown unless the inputs fix them. "known": realistic values, as after a first `up`.
   */
  outputs?: OutputMode;
}

/** Runs the stack program under mocks with a validated config and collects its resources. */
export async function planStackInput(input: StackInput, mode: PlanMode = {}): Promise<StackPlan> {
  const outputs = mode.outputs ?? "preview";
  const { resources, stackOutputs } = await runUnderMocks({
    project: PROJECT_NAME,
    stack: input.stack,
    outputs,
    config: input.loaded.engineConfig,
    secretKeys: input.loaded.secretKeys,
    program: () => definePlatform(input.loaded.config),
  });
  return {
    result: {
      stack: input.stack,
      project: PROJECT_NAME,
      outputMode: outputs,
      resources,
      summary: summarize(resources),
      outputs: stackOutputs,
      monitoring: monitoringReport(input.loaded.config, resources),
    },
    loaded: input.loaded,
    stackFile: input.stackFile,
  };
}

/** Validates the stack's config, then runs the stack program under mocks and collects its resources. */
export async function planStack(options: PlanOptions & PlanMode): Promise<StackPlan> {
  return planStackInput(loadStackInput(options), { outputs: options.outputs });
}

export function summarize(resources: PlannedResource[]): PlanResult["summary"] {
  // A Map, so a type spelled `constructor` or `__proto__` counts like any other.
  const byType = new Map<string, number>();
  for (const resource of resources) byType.set(resource.type, (byType.get(resource.type) ?? 0) + 1);
  const sorted = Object.fromEntries([...byType].sort(([a], [b]) => a.localeCompare(b)));
  return { resourceCount: resources.length, byType: sorted };
}
