import { execFile } from "node:child_process";
import {
  accessSync,
  constants,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  renameSync,
  rmSync,
} from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";

/**
 * Real third-party tools (promtool, amtool, alertmanager) for the tests, taken from Debian's
 * packages without a root install: `apt-get download <pkg>` (after `apt-get update` when the
 * package lists know nothing of it), then `dpkg -x` into the git-ignored `.tools/<pkg>/` folder.
 */

const run = promisify(execFile);

/** Repository root: `.tools/` sits beside package.json. */
const ROOT = path.resolve(__dirname, "../..");
export const TOOLS_DIR = path.join(ROOT, ".tools");

const DEBIAN_NAME = /^[a-z0-9][a-z0-9+.-]+$/;

/** Where `binary` of `pkg` lands once extracted. */
export function toolPath(pkg: string, binary: string): string {
  return path.join(TOOLS_DIR, pkg, "usr", "bin", binary);
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The path of `binary` from Debian package `pkg`, downloading and extracting the package the
 * first time. Safe to call from several test processes at once: each extracts into its own
 * temporary folder and the first rename wins.
 */
export async function ensureDebianTool(pkg: string, binary: string): Promise<string> {
  if (!DEBIAN_NAME.test(pkg)) throw new Error(`not a Debian package name: ${JSON.stringify(pkg)}`);
  if (!/^[A-Za-z0-9][A-Za-z0-9_.+-]*$/.test(binary))
    throw new Error(`not a program name: ${JSON.stringify(binary)}`);
  const target = toolPath(pkg, binary);
  if (isExecutable(target)) return target;
  mkdirSync(TOOLS_DIR, { recursive: true });
  const work = mkdtempSync(path.join(TOOLS_DIR, `.${pkg}-`));
  try {
    let deb = await download(pkg, work);
    if (!deb) {
      // A fresh machine has empty package lists: refresh them once, then try again.
      await run("apt-get", ["update"], { timeout: 300_000 });
      deb = await download(pkg, work);
    }
    if (!deb) throw new Error(`apt-get download ${pkg} found no package, even after apt-get update`);
    const extracted = path.join(work, "root");
    await run("dpkg", ["-x", path.join(work, deb), extracted], { timeout: 300_000 });
    if (!isExecutable(path.join(extracted, "usr", "bin", binary))) {
      throw new Error(`package ${pkg} has no usr/bin/${binary}`);
    }
    try {
      renameSync(extracted, path.join(TOOLS_DIR, pkg));
    } catch (error) {
      // Another process extracted it first: use theirs.
      if (!isExecutable(target)) throw error;
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  if (!isExecutable(target)) throw new Error(`${target} is missing after extracting ${pkg}`);
  return target;
}

async function download(pkg: string, directory: string): Promise<string | undefined> {
  try {
    await run("apt-get", ["download", pkg], { cwd: directory, timeout: 300_000 });
  } catch {
    return undefined;
  }
  return readdirSync(directory).find((file) => file.startsWith(`${pkg}_`) && file.endsWith(".deb"));
}

export function isToolPresent(pkg: string, binary: string): boolean {
  return existsSync(toolPath(pkg, binary)) && isExecutable(toolPath(pkg, binary));
}
