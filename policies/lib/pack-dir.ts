import { existsSync } from "node:fs";
import { join, resolve } from "node:path";

/**
 * The pack folder: the one with PulumiPolicy.yaml, exemptions.yaml, config/ and data/. The pack's
 * modules run from the source folder (tests, tsx) or compiled from `<root>/dist/policies/` (the
 * engine, through `main` in policies/package.json); the files they read stay in `<root>/policies/`
 * so that editing the exemption register never needs a rebuild.
 *
 * @param moduleDir the calling module's `__dirname`
 * @param depth how many folders the calling module sits below the pack folder
 */
export function packDirectory(moduleDir: string, depth: number): string {
  const direct = resolve(moduleDir, ...Array<string>(depth).fill(".."));
  if (existsSync(join(direct, "PulumiPolicy.yaml"))) return direct;
  return resolve(direct, "..", "..", "policies");
}
