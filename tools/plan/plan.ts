import type { LoadedStackConfig } from "../../stacks/config/load";
import { definePlatform } from "../../stacks/platform";
import { loadStackInput, type PlanOptions, PROJECT_NAME, type StackInput } from "./input";
import { runUnderMocks } from "./mock-runtime";
import type { PlannedResource, PlanResult } from "./model";
import { monitoringReport } from "./monitoring";

export { type PlanOptions, PROJECT_NAME, type StackInput };

export interface StackPlan {
  result: PlanResult;
  loaded: LoadedStackConfig;
  stackFile: string;
}

/** Runs the stack program under mocks with a validated config and collects its resources. */
export async function planStackInput(input: StackInput): Promise<StackPlan> {
  const { resources } = await runUnderMocks({
    project: PROJECT_NAME,
    stack: input.stack,
    config: input.loaded.engineConfig,
    secretKeys: input.loaded.secretKeys,
    program: () => definePlatform(input.loaded.config),
  });
  return {
    result: {
      stack: input.stack,
      project: PROJECT_NAME,
      resources,
      summary: summarize(resources),
      monitoring: monitoringReport(input.loaded.config, resources),
    },
    loaded: input.loaded,
    stackFile: input.stackFile,
  };
}

/** Validates the stack's config, then runs the stack program under mocks and collects its resources. */
export async function planStack(options: PlanOptions): Promise<StackPlan> {
  return planStackInput(loadStackInput(options));
}

export function summarize(resources: PlannedResource[]): PlanResult["summary"] {
  const byType: Record<string, number> = {};
  for (const resource of resources) byType[resource.type] = (byType[resource.type] ?? 0) + 1;
  const sorted = Object.fromEntries(Object.entries(byType).sort(([a], [b]) => a.localeCompare(b)));
  return { resourceCount: resources.length, byType: sorted };
}
