import * as path from "node:path";
import { type LoadedStackConfig, readStackFile, stackFilePath } from "../../stacks/config/load";
import { definePlatform } from "../../stacks/platform";
import { runUnderMocks } from "./mock-runtime";
import type { PlannedResource, PlanResult } from "./model";

/** The Pulumi project name (`name` in Pulumi.yaml); part of every URN. */
export const PROJECT_NAME = "platform";

export interface PlanOptions {
  stack: string;
  /** A stack config file; defaults to `stacks/Pulumi.<stack>.yaml`. */
  stackFile?: string;
  /** Repository root; defaults to the current directory. */
  root?: string;
}

export interface StackPlan {
  result: PlanResult;
  loaded: LoadedStackConfig;
  stackFile: string;
}

/** Validates the stack's config, then runs the stack program under mocks and collects its resources. */
export async function planStack(options: PlanOptions): Promise<StackPlan> {
  const root = options.root ?? process.cwd();
  const stackFile = options.stackFile ?? stackFilePath(options.stack);
  const loaded = readStackFile(path.isAbsolute(stackFile) ? stackFile : displayPath(root, stackFile));
  const { resources } = await runUnderMocks({
    project: PROJECT_NAME,
    stack: options.stack,
    config: loaded.engineConfig,
    secretKeys: loaded.secretKeys,
    program: () => definePlatform(loaded.config),
  });
  return {
    result: { stack: options.stack, project: PROJECT_NAME, resources, summary: summarize(resources) },
    loaded,
    stackFile,
  };
}

function displayPath(root: string, file: string): string {
  return path.relative(process.cwd(), path.resolve(root, file)) || file;
}

export function summarize(resources: PlannedResource[]): PlanResult["summary"] {
  const byType: Record<string, number> = {};
  for (const resource of resources) byType[resource.type] = (byType[resource.type] ?? 0) + 1;
  const sorted = Object.fromEntries(Object.entries(byType).sort(([a], [b]) => a.localeCompare(b)));
  return { resourceCount: resources.length, byType: sorted };
}
