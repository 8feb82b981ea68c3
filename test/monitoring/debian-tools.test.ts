import { execFile } from "node:child_process";
import * as path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { ensureDebianTool, TOOLS_DIR, toolPath } from "../../tools/debian-tools/fetch";

const run = promisify(execFile);

describe("ensureDebianTool", () => {
  it("extracts Debian's prometheus package into the git-ignored .tools folder and returns a working promtool", async () => {
    const promtool = await ensureDebianTool("prometheus", "promtool");
    expect(promtool).toBe(path.join(TOOLS_DIR, "prometheus", "usr", "bin", "promtool"));
    expect(promtool).toBe(toolPath("prometheus", "promtool"));
    const { stdout } = await run(promtool, ["--version"]);
    expect(stdout).toMatch(/^promtool, version 2\.\d+\.\d+/);
  }, 600_000);

  it("refuses names that are not Debian package or program names, before running anything", async () => {
    await expect(ensureDebianTool("prometheus; rm -rf /", "promtool")).rejects.toThrow(
      'not a Debian package name: "prometheus; rm -rf /"',
    );
    await expect(ensureDebianTool("prometheus", "../../bin/sh")).rejects.toThrow(
      'not a program name: "../../bin/sh"',
    );
  });
});
