import { existsSync, realpathSync } from "node:fs";
import * as path from "node:path";

/** A Pulumi project's file, by the names the Pulumi CLI looks for, in its order. */
export const PROJECT_FILES = ["Pulumi.json", "Pulumi.yaml", "Pulumi.yml"];

/** The folder of this package: the platform repository, or node_modules/@acme/platform. */
export const PACKAGE_ROOT = findPackageRoot(__dirname);

/** True when the command runs in the platform repository itself rather than in a team's project. */
export function isPlatformRepository(cwd = process.cwd()): boolean {
  return realpathSync(cwd) === realpathSync(PACKAGE_ROOT);
}

function findPackageRoot(start: string): string {
  let directory = start;
  while (!existsSync(path.join(directory, "package.json"))) {
    const parent = path.dirname(directory);
    if (parent === directory) return start;
    directory = parent;
  }
  return directory;
}
