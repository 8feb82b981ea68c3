import { loadStackInput } from "../../tools/plan/input";
import type { OutputMode } from "../../tools/plan/mock-outputs";
import type { PlanResult } from "../../tools/plan/model";
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

const checked = new Map<string, Promise<PlanResult>>();

/**
 * A bundled stack's plan with its policy report, as `npm run plan` makes it: the real pack over the
 * Analyzer protocol, exemptions judged on `today`.
 */
export function bundledPlanWithPolicy(
  stack: string,
  outputs: OutputMode,
  today: string,
): Promise<PlanResult> {
  const key = `${stack}/${outputs}/${today}`;
  let plan = checked.get(key);
  if (!plan) {
    plan = (async () => {
      const policy = startPolicyCheck(loadStackInput({ stack }), { today });
      try {
        const result = await bundledPlan(stack, outputs);
        return deepFreeze({ ...result, policy: await policy.finish({ result }) });
      } catch (error) {
        await policy.cancel();
        throw error;
      }
    })();
    checked.set(key, plan);
  }
  return plan;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const item of Object.values(value)) deepFreeze(item);
  }
  return value;
}
