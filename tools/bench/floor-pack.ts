import { mkdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";

/**
 * The physical floor of a Node.js policy pack: what any pack built on @pulumi/policy costs before
 * it checks anything. One advisory policy that does nothing, started by the engine's own runner
 * (run-policy-pack) exactly as the platform's pack is. Its start-up is the runner's fixed loads
 * (source-map-support, typescript, ts-node, @pulumi/pulumi) plus @pulumi/policy; its throughput is
 * the Analyzer protocol itself (gRPC, decoding each resource, one policy call).
 *
 * The folder must sit inside the package, so the runner and @pulumi/policy resolve from this
 * package's node_modules as the platform's pack does.
 */
export function writeFloorPack(directory: string): string {
  mkdirSync(directory, { recursive: true });
  writeFileSync(
    path.join(directory, "package.json"),
    `${JSON.stringify({ name: "floor-pack", version: "0.0.0", private: true, main: "index.js" }, null, 2)}\n`,
  );
  writeFileSync(path.join(directory, "PulumiPolicy.yaml"), "runtime: nodejs\ndescription: benchmark floor\n");
  writeFileSync(
    path.join(directory, "index.js"),
    [
      '"use strict";',
      'const { PolicyPack } = require("@pulumi/policy");',
      'new PolicyPack("floor", {',
      "  policies: [",
      '    { name: "floor", description: "Checks nothing.", enforcementLevel: "advisory", validateResource: () => {} },',
      "  ],",
      "});",
      "",
    ].join("\n"),
  );
  return directory;
}
