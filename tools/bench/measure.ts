/**
 * Child process of the benchmark: runs one offline plan (or only loads the SDKs, for the floor)
 * and reports its own peak memory. Wall time is measured by the parent, from spawn to exit.
 */
const mode = process.argv[2];

async function measure(): Promise<void> {
  let resources = 0;
  if (mode === "floor") {
    // What every plan pays before declaring anything: Node, tsx, and the Pulumi SDKs.
    require("@pulumi/pulumi");
    require("@pulumi/gcp");
  } else {
    // require, not import(): under `--require tsx/cjs` only CommonJS loading compiles TypeScript.
    const { planStack } = require("../plan/plan") as typeof import("../plan/plan");
    const [stack, stackFile] = process.argv.slice(3);
    const plan = await planStack({ stack, stackFile });
    resources = plan.result.summary.resourceCount;
  }
  process.stdout.write(`${JSON.stringify({ resources, maxRssKb: process.resourceUsage().maxRSS })}\n`);
}

measure().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
