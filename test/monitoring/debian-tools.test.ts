import { execFile } from "node:child_process";
import * as path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { DEBIAN_TOOLS_DIR, debianToolPath, ensureDebianTool } from "../../tools/debian-tools/fetch";

const run = promisify(execFile);

describe("ensureDebianTool for promtool", () => {
  it("extracts Debian's prometheus package into the git-ignored .tools folder and returns a working promtool", async () => {
    const promtool = await ensureDebianTool("prometheus", "promtool");
    expect(promtool).toBe(path.join(DEBIAN_TOOLS_DIR, "prometheus", "usr", "bin", "promtool"));
    expect(promtool).toBe(debianToolPath("prometheus", "promtool"));
    const { stdout } = await run(promtool, ["--version"]);
    expect(stdout).toMatch(/^promtool, version 2\.\d+\.\d+/);
  }, 600_000);

  it("refuses names that are not Debian package or program names, before running anything", async () => {
    await expect(ensureDebianTool("prometheus; rm -rf /", "promtool")).rejects.toThrow(
      "not a Debian package name: prometheus; rm -rf /",
    );
    await expect(ensureDebianTool("prometheus", "../../bin/sh")).rejects.toThrow(
      "not a binary name: ../../bin/sh",
    );
  });
});
