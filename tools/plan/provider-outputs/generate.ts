/**
 * Writes tools/plan/provider-outputs/gcp.json: the computed and known outputs of every
 * @pulumi/gcp resource type, derived from the installed SDK's declarations (see derive.ts).
 * Run `npx tsx tools/plan/provider-outputs/generate.ts` after upgrading @pulumi/gcp;
 * test/plan/provider-outputs.test.ts fails while the committed file is stale.
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { deriveOutputs, type ResourceOutputs } from "./derive";

export const GCP_OUTPUTS_FILE = path.join(__dirname, "gcp.json");

export interface ProviderOutputsData {
  provider: string;
  version: string;
  resources: Record<string, ResourceOutputs>;
}

/** Derives the data from an installed provider SDK folder (e.g. node_modules/@pulumi/gcp). */
export function generateProviderOutputs(sdkDir: string): ProviderOutputsData {
  const pkg = JSON.parse(readFileSync(path.join(sdkDir, "package.json"), "utf8")) as {
    name: string;
    version: string;
  };
  const resources: Record<string, ResourceOutputs> = {};
  for (const module of readdirSync(sdkDir, { withFileTypes: true })) {
    if (!module.isDirectory() || module.name === "types" || module.name === "config") continue;
    const moduleDir = path.join(sdkDir, module.name);
    for (const file of readdirSync(moduleDir)) {
      if (!file.endsWith(".d.ts") || file === "index.d.ts") continue;
      const js = readFileSafe(path.join(moduleDir, file.replace(/\.d\.ts$/, ".js")));
      const tokens = new Map(
        [
          ...js.matchAll(/class (\w+) extends pulumi\.CustomResource \{[\s\S]*?__pulumiType = '([^']+)'/g),
        ].map((match) => [match[1], match[2]]),
      );
      if (tokens.size === 0) continue;
      for (const [className, outputs] of deriveOutputs(readFileSync(path.join(moduleDir, file), "utf8"))) {
        const token = tokens.get(className);
        if (token) resources[token] = outputs;
      }
    }
  }
  const sorted = Object.fromEntries(Object.entries(resources).sort(([a], [b]) => a.localeCompare(b)));
  return { provider: pkg.name, version: pkg.version, resources: sorted };
}

function readFileSafe(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return "";
  }
}

export function renderProviderOutputs(data: ProviderOutputsData): string {
  const lines = Object.entries(data.resources).map(
    ([type, outputs]) => `    ${JSON.stringify(type)}: ${JSON.stringify(outputs)}`,
  );
  return `{\n  "provider": ${JSON.stringify(data.provider)},\n  "version": ${JSON.stringify(data.version)},\n  "resources": {\n${lines.join(",\n")}\n  }\n}\n`;
}

if (require.main === module) {
  const sdkDir = path.dirname(require.resolve("@pulumi/gcp/package.json"));
  writeFileSync(GCP_OUTPUTS_FILE, renderProviderOutputs(generateProviderOutputs(sdkDir)));
  console.log(`wrote ${path.relative(process.cwd(), GCP_OUTPUTS_FILE)}`);
}
