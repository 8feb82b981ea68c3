/**
 * Child process of the benchmark: runs one offline plan (or only loads the SDKs, for the floor)
 * and reports its own peak memory. Wall time is measured by the parent, from spawn to exit.
 *
 *   measure.ts floor [modules.json]       plain Node loading the SDK modules a plan loads (the files
 *                                         of the @pulumi packages listed, in the plan's load order;
 *                                         without a list, @pulumi/pulumi and @pulumi/gcp), nothing declared
 *   measure.ts sdk-modules <stack> [file] plans the stack; lists the SDK files it loaded and the
 *                                         resources it registered (for sdk-floor)
 *   measure.ts plan <stack> [stack-file]  the stack program under mocks, no policy pack
 *   measure.ts cli <stack> [stack-file]   `npm run plan` as a user runs it, policy pack included
 *   measure.ts sdk-floor <resources.json> the Pulumi SDK alone registering the same resources (types,
 *                                         names, parents, inputs as plain values) under its mock
 *                                         runtime: no config, no components, no recording
 */
const [mode, stack, stackFile] = process.argv.slice(2);

/** A file of one of Pulumi's SDK packages (their own dependencies load with them). */
const SDK_FILE = /[\\/]node_modules[\\/]@pulumi[\\/](pulumi|gcp|kubernetes|random)[\\/]/;

async function measure(): Promise<{
  resources: number;
  mandatory?: number;
  modules?: string[];
  registered?: BareResource[];
}> {
  if (mode === "floor") {
    // What every plan pays before declaring anything: Node and the Pulumi SDK modules it uses.
    // @pulumi/gcp loads a resource's module when the program first touches its class, so the
    // stack's own list (sdk-modules) holds the modules of the types it declares too.
    const modules: string[] = stack
      ? JSON.parse(require("node:fs").readFileSync(stack, "utf8"))
      : ["@pulumi/pulumi", "@pulumi/gcp"];
    for (const module of modules) require(module);
    return { resources: 0 };
  }
  if (mode === "sdk-modules") {
    const { planStack } = require("../plan/plan") as typeof import("../plan/plan");
    const plan = await planStack({ stack, stackFile });
    const modules = Object.keys(require.cache).filter((file) => SDK_FILE.test(file));
    const registered: BareResource[] = plan.result.resources.map(
      ({ urn, type, name, parent, custom, inputs }) => ({ urn, type, name, parent, custom, inputs }),
    );
    return { resources: plan.result.summary.resourceCount, modules, registered };
  }
  if (mode === "sdk-floor") return { resources: await registerBare(stack) };
  // require, not import(): under `--require tsx/cjs` only CommonJS loading compiles TypeScript.
  if (mode === "plan") {
    // As the plan command validates its config.
    (require("../plan/input") as typeof import("../plan/input")).validateOnceMode();
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

interface BareResource {
  urn: string;
  type: string;
  name: string;
  parent: string | null;
  custom: boolean;
  inputs: Record<string, unknown>;
}

/**
 * The memory floor of a plan: what @pulumi/pulumi itself holds to register these resources, with
 * the same parents and inputs, answered by the simplest mocks (state = inputs). Our plan adds the
 * config, the components' outputs and applies, and the recording of every registration.
 */
async function registerBare(file: string): Promise<number> {
  const pulumi = require("@pulumi/pulumi") as typeof import("@pulumi/pulumi");
  const resources = JSON.parse(require("node:fs").readFileSync(file, "utf8")) as BareResource[];
  await pulumi.runtime.setMocks(
    { newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }), call: (args) => args.inputs },
    "platform",
    "floor",
    true,
  );
  // The SDK's resource classes are abstract; a provider's class adds nothing but its type token.
  class BareCustom extends pulumi.CustomResource {}
  // As the plan does (mock-runtime.ts): no stack trace per tracked promise.
  Error.stackTraceLimit = 0;
  const byUrn = new Map<string, import("@pulumi/pulumi").Resource>();
  const urns: Promise<string>[] = [];
  await pulumi.runtime.runInPulumiStack(async () => {
    for (const resource of resources) {
      if (resource.type === "pulumi:pulumi:Stack") continue;
      const parent = resource.parent ? byUrn.get(resource.parent) : undefined;
      const declared = resource.custom
        ? new BareCustom(resource.type, resource.name, resource.inputs, { parent })
        : new pulumi.ComponentResource(resource.type, resource.name, {}, { parent });
      byUrn.set(resource.urn, declared);
      urns.push(new Promise((resolve) => declared.urn.apply(resolve)));
    }
    await Promise.all(urns);
    return undefined;
  });
  return urns.length;
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
