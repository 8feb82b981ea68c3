import * as path from "node:path";
import { UserInputError } from "../../stacks/config/errors";
import type { OutputMode } from "./mock-outputs";
import { MissingStackReferenceError, runUnderMocks, wireOutputs } from "./mock-runtime";
import type { PlanResult } from "./model";
import { summarize } from "./plan";
import { outputsForReference, type PlannedStackOutputs, type ProjectInput } from "./project";

/**
 * Runs a team's program under Pulumi's mock runtime, as `pulumi preview` would run it in the team's
 * folder: its config from its stack file, each StackReference resolved from a file of that
 * stack's planned outputs (values unknown at the platform's preview stay unknown here).
 */
export async function planProject(
  input: ProjectInput,
  planned: PlannedStackOutputs[],
  outputs: OutputMode = "preview",
): Promise<PlanResult> {
  if (/\.[cm]?ts$/.test(input.program)) {
    // Transpile only, like `pulumi preview` with `typescript: false` or a prebuilt program; the
    // team's own `tsc` type-checks. The loader is this package's dependency, not the team's.
    (require("tsx/cjs/api") as { register(): unknown }).register();
  }
  try {
    const { resources, stackOutputs } = await runUnderMocks({
      project: input.project,
      stack: input.stack,
      outputs,
      config: input.engineConfig,
      secretKeys: input.secretKeys,
      program: async () => {
        // What the language host does: require the program; call it if it exports a function.
        const exported = require(input.program);
        return await (typeof exported === "function" ? exported() : exported);
      },
      stackReferences: (name) => {
        const found = outputsForReference(name, planned);
        return found && wireOutputs(found.outputs.values, found.outputs.unknownPaths);
      },
    });
    return {
      stack: input.stack,
      project: input.project,
      outputMode: outputs,
      resources,
      summary: summarize(resources),
      outputs: stackOutputs,
    };
  } catch (error) {
    if (error instanceof MissingStackReferenceError) {
      const [project, stack] = error.stackName.split("/").slice(-2);
      throw new UserInputError([
        `${path.relative(process.cwd(), input.program) || input.program}: StackReference ${JSON.stringify(error.stackName)}: expected planned outputs of stack ${stack ?? "?"} of project ${project ?? "?"} (--stack-outputs FILE, or stack-outputs/*.json: the platform repository's \`npm run plan -- --stack ${stack ?? "<stack>"} --outputs FILE\`), found ${planned.length === 0 ? "no outputs file" : planned.map((p) => `${p.project}/${p.stack} in ${p.file}`).join(", ")}`,
      ]);
    }
    throw error;
  }
}
