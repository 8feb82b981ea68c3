import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../tools/plan-summary/cli";

const REPO = resolve(__dirname, "../..");
// shared/ lies beside the clone, as CI lays it out. Absolute, so the test needs no process.chdir
// (which worker threads, as the mutation-testing runner uses, do not support).
const WEBSERVER = resolve(REPO, "../shared/fixtures/pulumi-engine/event-streams/webserver-userdata.json");

function run(argv: string[]) {
  let stdout = "";
  let stderr = "";
  const code = runCli(argv, { stdout: (text) => (stdout += text), stderr: (text) => (stderr += text) });
  return { code, stdout, stderr };
}

describe("plan-summary CLI", () => {
  it("prints the Markdown for a real event log", () => {
    const { code, stdout, stderr } = run(["--event-log", WEBSERVER, "--stack", "staging"]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout.split("\n").slice(0, 2)).toEqual([
      "<!-- platform-plan-summary:stack=staging -->",
      "### Pulumi preview for stack `staging`: 1 to replace, 2 unchanged",
    ]);
  });

  it("writes --out FILE", () => {
    const out = join(mkdtempSync(join(tmpdir(), "plan-summary-")), "summary.md");
    const { code, stdout } = run(["--event-log", WEBSERVER, "--stack", "dev", "--out", out]);
    expect(code).toBe(0);
    expect(stdout).toBe("");
    expect(readFileSync(out, "utf8")).toContain("`userData`");
  });

  it("exits 2 naming a missing file", () => {
    const { code, stderr } = run(["--event-log", "missing/events.json", "--stack", "dev"]);
    expect(code).toBe(2);
    expect(stderr).toBe(
      "plan-summary: missing/events.json: expected a readable event log file (`pulumi preview --event-log FILE`) of at most 256 MiB, found no such file\n",
    );
  });

  it("exits 2 naming the file, line, expectation and finding for a non-NDJSON file", () => {
    const file = join(mkdtempSync(join(tmpdir(), "plan-summary-")), "events.json");
    writeFileSync(file, '{"sequence":0,"timestamp":0,"cancelEvent":{}}\n{"sequence":1,\n');
    const { code, stderr } = run(["--event-log", file, "--stack", "dev"]);
    expect(code).toBe(2);
    expect(stderr).toBe(
      `plan-summary: ${file}:2: expected one JSON engine event per line (NDJSON, as written by \`pulumi preview --event-log\`), found text that is not JSON: "{\\"sequence\\":1,"\n`,
    );
  });

  it("exits 2 on unknown flags, missing flags and bad stack names", () => {
    const unknown = run(["--event-log", WEBSERVER, "--stack", "dev", "--verbose"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe(
      "plan-summary: command line: Unknown option '--verbose'; expected only --event-log, --stack, --out\n" +
        "usage: npm run plan:summary -- --event-log FILE --stack NAME [--out FILE]\n",
    );

    const noStack = run(["--event-log", WEBSERVER]);
    expect(noStack.code).toBe(2);
    expect(noStack.stderr).toBe(
      "plan-summary: missing --stack NAME\nusage: npm run plan:summary -- --event-log FILE --stack NAME [--out FILE]\n",
    );

    const badStack = run(["--event-log", WEBSERVER, "--stack", "dev --><script>"]);
    expect(badStack.code).toBe(2);
    expect(badStack.stderr).toBe(
      `plan-summary: --stack: expected a stack name (letters, digits, '.', '_', '-', optionally org/project/stack), found "dev --><script>"\n`,
    );
  });

  it("as a process: exit code 2 and no stack trace", () => {
    const result = spawnSync(
      process.execPath,
      ["--import", "tsx", "tools/plan-summary/cli.ts", "--event-log", "nope.json", "--stack", "dev"],
      { cwd: REPO, encoding: "utf8" },
    );
    expect(result.status).toBe(2);
    expect(result.stderr.trim()).toBe(
      "plan-summary: nope.json: expected a readable event log file (`pulumi preview --event-log FILE`) of at most 256 MiB, found no such file",
    );
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});
