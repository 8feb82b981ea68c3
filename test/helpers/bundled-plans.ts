import { loadStackInput, PROJECT_NAME } from "../../tools/plan/input";
import type { OutputMode } from "../../tools/plan/mock-outputs";
import type { PlanResult } from "../../tools/plan/model";
import { launchPolicyPack } from "../../tools/plan/pack-launch";
import { planStack } from "../../tools/plan/plan";
import { startPolicyCheck } from "../../tools/plan/policy";

/**
 * Plans of the bundled stacks, made once per test worker and shared by the test files that read
 * them. Test files run one after the other in each worker (vitest.config.mts, `isolate: false`), so
 * a plan that ten files read is planned once or twice instead of ten times. Plans are deep-frozen:
 * a test that changed a shared plan would change it for every later file, so it throws instead.
 */
const plans = new Map<string, Promise<PlanResult>>();

export function bundledPlan(stack: string, outputs: OutputMode = "preview"): Promise<PlanResult> {
  const key = `${stack}/${outputs}`;
  let plan = plans.get(key);
  if (!plan) {
    plan = planStack({ stack, outputs }).then((planned) => deepFreeze(planned.result));
    plans.set(key, plan);
  }
  return plan;
}

/**
 * A bundled stack's plans, one per output mode, with their policy reports, as `npm run plan` makes
 * them: the real pack over the Analyzer protocol, exemptions judged on `today`. One pack process
 * analyzes every mode of a stack: its environment (stack, project, config, dry run) is the stack's,
 * the same for each mode, and the pack keeps no state from one analysis to the next.
 */
export async function bundledPlansWithPolicy(
  stack: string,
  modes: readonly OutputMode[],
  today: string,
): Promise<{ plans: Map<OutputMode, PlanResult>; packPid: number }> {
  const input = loadStackInput({ stack });
  const started = launchPolicyPack({
    stack,
    project: PROJECT_NAME,
    engineConfig: input.loaded.engineConfig,
    secretKeys: input.loaded.secretKeys,
  });
  const policy = startPolicyCheck(input, { today, started });
  try {
    const plans = new Map<OutputMode, PlanResult>();
    for (const outputs of modes) {
      const result = await bundledPlan(stack, outputs);
      plans.set(outputs, deepFreeze({ ...result, policy: await policy.analyze({ result }) }));
    }
    return { plans, packPid: started.pid };
  } finally {
    await policy.cancel();
  }
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const item of Object.values(value)) deepFreeze(item);
  }
  return value;
}
