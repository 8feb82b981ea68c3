import { mkdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";

/** One policy of a floor pack: a name, its kind, the SDK's type tag, its level. It checks nothing. */
export interface FloorPolicy {
  name: string;
  kind: "resource" | "stack";
  /** The one type a single-type rule applies to (the SDK's `__pulumiType` tag). */
  pulumiType?: string;
  enforcementLevel: "advisory" | "mandatory" | "disabled";
}

/** The protocol's own floor: a single policy that checks nothing. */
export const SINGLE_POLICY: FloorPolicy[] = [
  { name: "floor", kind: "resource", enforcementLevel: "advisory" },
];

/**
 * A floor for the policy pack: what a Node.js pack built on @pulumi/policy costs before it checks
 * anything, started by the engine's own runner (run-policy-pack) exactly as the platform's pack is.
 * Its start-up is the runner's fixed loads (source-map-support, typescript, ts-node,
 * @pulumi/pulumi) plus @pulumi/policy. With `SINGLE_POLICY` its throughput is the Analyzer protocol
 * itself (gRPC, decoding each resource, one policy call); with the platform pack's policy list
 * (same names, kinds, type tags and levels, bodies that do nothing) it is what the SDK spends per
 * policy, so the rest is the rules' own work.
 *
 * The folder must sit inside the package, so the runner and @pulumi/policy resolve from this
 * package's node_modules as the platform's pack does.
 */
export function writeFloorPack(directory: string, policies: FloorPolicy[] = SINGLE_POLICY): string {
  mkdirSync(directory, { recursive: true });
  writeFileSync(
    path.join(directory, "package.json"),
    `${JSON.stringify({ name: "floor-pack", version: "0.0.0", private: true, main: "index.js" }, null, 2)}\n`,
  );
  writeFileSync(path.join(directory, "PulumiPolicy.yaml"), "runtime: nodejs\ndescription: benchmark floor\n");
  writeFileSync(path.join(directory, "policies.json"), `${JSON.stringify(policies)}\n`);
  writeFileSync(
    path.join(directory, "index.js"),
    [
      '"use strict";',
      'const { PolicyPack } = require("@pulumi/policy");',
      'const listed = require("./policies.json");',
      "const policies = listed.map((policy) => {",
      '  const base = { name: policy.name, description: "Checks nothing.", enforcementLevel: policy.enforcementLevel };',
      '  if (policy.kind === "stack") return { ...base, validateStack: () => {} };',
      "  const validateResource = () => {};",
      '  if (policy.pulumiType) Object.defineProperty(validateResource, "__pulumiType", { value: policy.pulumiType });',
      "  return { ...base, validateResource };",
      "});",
      'new PolicyPack("floor", { policies });',
      "",
    ].join("\n"),
  );
  return directory;
}
