import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from "node:fs";
import * as path from "node:path";

/**
 * Real third-party tools from Debian's archive, without a root install: `apt-get download` the
 * package, `dpkg -x` it into a git-ignored folder of the repository, and hand back a binary's path.
 * Used by the tests that prove configs with the real tools (amtool, alertmanager, promtool).
 */

/** Where unpacked packages live: `.tools/debian/<package>/usr/bin/<binary>`. */
export const DEBIAN_TOOLS_DIR = path.resolve(__dirname, "../../.tools/debian");

/** The path a package's binary has once unpacked (whether or not it is there yet). */
export function debianToolPath(pkg: string, binary: string): string {
  return path.join(DEBIAN_TOOLS_DIR, pkg, "usr", "bin", binary);
}

/**
 * Returns the path of `binary` from Debian package `pkg`, downloading and unpacking the package
 * first when it is missing. Runs `apt-get update` once when `apt-get download` finds nothing (a
 * fresh machine has no package lists yet). Concurrent callers unpack into their own temporary
 * folders and the first complete one is renamed into place.
 */
export async function ensureDebianTool(pkg: string, binary: string): Promise<string> {
  if (!/^[a-z0-9][a-z0-9+.-]+$/.test(pkg)) throw new Error(`not a Debian package name: ${pkg}`);
  if (!/^[A-Za-z0-9._-]+$/.test(binary)) throw new Error(`not a binary name: ${binary}`);
  const target = debianToolPath(pkg, binary);
  if (existsSync(target)) return target;
  mkdirSync(DEBIAN_TOOLS_DIR, { recursive: true });
  const work = mkdtempSync(path.join(DEBIAN_TOOLS_DIR, `.${pkg}-`));
  try {
    downloadPackage(pkg, work);
    const deb = readdirSync(work).find((file) => file.endsWith(".deb"));
    if (!deb) throw new Error(`apt-get download ${pkg} wrote no .deb file`);
    const unpacked = path.join(work, "root");
    execFileSync("dpkg", ["-x", path.join(work, deb), unpacked], { stdio: "pipe" });
    if (!existsSync(path.join(unpacked, "usr", "bin", binary))) {
      throw new Error(`Debian package ${pkg} has no usr/bin/${binary}`);
    }
    const destination = path.join(DEBIAN_TOOLS_DIR, pkg);
    if (!existsSync(target)) {
      rmSync(destination, { recursive: true, force: true });
      try {
        renameSync(unpacked, destination);
      } catch (error) {
        // Another process renamed its copy first: use that one.
        if (!existsSync(target)) throw error;
      }
    }
    return target;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function downloadPackage(pkg: string, directory: string): void {
  const download = () => execFileSync("apt-get", ["download", pkg], { cwd: directory, stdio: "pipe" });
  try {
    download();
  } catch {
    // No package lists yet (fresh machine or container): refresh them once and try again.
    execFileSync("apt-get", ["update"], { stdio: "pipe" });
    try {
      download();
    } catch (error) {
      const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim() ?? String(error);
      throw new Error(`apt-get download ${pkg} failed: ${stderr}`);
    }
  }
}
