/**
 * Child process of the benchmark: runs one offline plan (or only loads the SDKs, for the floor)
 * and reports its own peak memory. Wall time is measured by the parent, from spawn to exit.
 *
 *   measure.ts floor                      Node + tsx + @pulumi/pulumi + @pulumi/gcp, nothing declared
 *   measure.ts plan <stack> [stack-file]  the stack program under mocks, no policy pack
 *   measure.ts cli <stack> [stack-file]   `npm run plan` as a user runs it, policy pack included
 */
const [mode, stack, stackFile] = process.argv.slice(2);

async function measure(): Promise<{ resources: number; mandatory?: number }> {
  if (mode === "floor") {
    // What every plan pays before declaring anything: Node, tsx, and the Pulumi SDKs.
    require("@pulumi/pulumi");
    require("@pulumi/gcp");
    return { resources: 0 };
  }
  // require, not import(): under `--require tsx/cjs` only CommonJS loading compiles TypeScript.
  if (mode === "plan") {
    const { planStack } = require("../plan/plan") as typeof import("../plan/plan");
    const plan = await planStack({ stack, stackFile });
    return { resources: plan.result.summary.resourceCount };
  }
  if (mode === "cli") {
    const { main } = require("../plan/cli") as typeof import("../plan/cli");
    const json = `${require("node:os").tmpdir()}/platform-bench-${process.pid}.json`;
    const log = console.log;
    console.log = () => {};
    const code = await main([
      "--stack",
      stack,
      ...(stackFile ? ["--stack-file", stackFile] : []),
      "--json",
      json,
    ]);
    console.log = log;
    if (code > 1) throw new Error(`plan exited ${code}`);
    const result = JSON.parse(require("node:fs").readFileSync(json, "utf8"));
    require("node:fs").rmSync(json);
    const mandatory = result.policy.violations.filter(
      (violation: { enforcementLevel: string }) => violation.enforcementLevel === "mandatory",
    ).length;
    return { resources: result.summary.resourceCount, mandatory };
  }
  throw new Error(`unknown mode ${mode}`);
}

measure().then(
  (report) => {
    process.stdout.write(`${JSON.stringify({ ...report, maxRssKb: process.resourceUsage().maxRSS })}\n`);
    // The policy pack's gRPC client keeps timers alive; the measurement ends here.
    process.stdout.write("", () => process.exit(0));
  },
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
