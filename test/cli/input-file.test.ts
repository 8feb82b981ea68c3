import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { INPUT_LIMITS, InputFileError, readInputFile } from "../../stacks/config/input-file";
import { main as runAccess } from "../../tools/access/cli";
import { runCli as runSummaryCli } from "../../tools/plan-summary/cli";
import { runPlan } from "../helpers/cli";

const dir = mkdtempSync(join(tmpdir(), "input-file-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const fifo = join(dir, "pipe");
execFileSync("mkfifo", [fifo]);
const folder = join(dir, "folder");
mkdirSync(folder);

function refusal(file: string, maxBytes: number): string {
  try {
    readInputFile(file, { what: "a test file", maxBytes });
  } catch (error) {
    expect(error).toBeInstanceOf(InputFileError);
    return (error as Error).message;
  }
  throw new Error("expected a refusal");
}

describe("readInputFile", () => {
  it("reads a regular file up to and including the limit", () => {
    const file = join(dir, "exact.txt");
    writeFileSync(file, "a".repeat(64));
    expect(readInputFile(file, { what: "a test file", maxBytes: 64 })).toBe("a".repeat(64));
  });

  it("refuses a file one byte over the limit without reading it", () => {
    const file = join(dir, "over.txt");
    writeFileSync(file, "a".repeat(65));
    expect(refusal(file, 64)).toBe(
      `${file}: (file): expected a test file (a regular file of at most 64 bytes), found 65 bytes`,
    );
  });

  it("refuses a huge sparse file by its size (nothing is read)", () => {
    const file = join(dir, "sparse.bin");
    writeFileSync(file, "");
    truncateSync(file, 8 * 1024 * 1024 * 1024);
    expect(refusal(file, INPUT_LIMITS.stackFile)).toBe(
      `${file}: (file): expected a test file (a regular file of at most 1 MiB), found 8192 MiB`,
    );
  });

  it("refuses /dev/zero, a FIFO with no writer (without blocking) and a directory", () => {
    expect(refusal("/dev/zero", 1024)).toBe(
      "/dev/zero: (file): expected a test file (a regular file of at most 1 KiB), found a character device",
    );
    expect(refusal(fifo, 1024)).toBe(
      `${fifo}: (file): expected a test file (a regular file of at most 1 KiB), found a FIFO (named pipe)`,
    );
    expect(refusal(folder, 1024)).toBe(
      `${folder}: (file): expected a test file (a regular file of at most 1 KiB), found a directory`,
    );
    expect(refusal(join(dir, "missing"), 1024)).toBe(
      `${join(dir, "missing")}: (file): expected a test file (a regular file of at most 1 KiB), found no such file`,
    );
  });
});

describe("every command refuses non-regular and oversized inputs with exit 2", () => {
  it("plan: --stack-file /dev/zero and a FIFO", async () => {
    for (const [file, found] of [
      ["/dev/zero", "a character device"],
      [fifo, "a FIFO (named pipe)"],
    ] as const) {
      const result = await runPlan("--stack", "qa", "--stack-file", file, "--skip-policy");
      expect(result.code).toBe(2);
      expect(result.stderr.trim()).toBe(
        `${file}: (file): expected a readable stack config file (a regular file of at most 1 MiB), found ${found}`,
      );
    }
  }, 60_000);

  it("plan: a stack file over 1 MiB", async () => {
    const file = join(dir, "Pulumi.big.yaml");
    writeFileSync(file, `# ${"x".repeat(INPUT_LIMITS.stackFile)}\n`);
    const result = await runPlan("--stack", "big", "--stack-file", file, "--skip-policy");
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe(
      `${file}: (file): expected a readable stack config file (a regular file of at most 1 MiB), found ${INPUT_LIMITS.stackFile + 3} bytes`,
    );
  }, 60_000);

  it("plan:summary: an event log that is a FIFO, /dev/zero or over 256 MiB", () => {
    const sparse = join(dir, "events.ndjson");
    writeFileSync(sparse, "");
    truncateSync(sparse, INPUT_LIMITS.eventLog + 1);
    for (const [file, found] of [
      ["/dev/zero", "a character device"],
      [fifo, "a FIFO (named pipe)"],
      [sparse, `${INPUT_LIMITS.eventLog + 1} bytes`],
    ] as const) {
      const stderr: string[] = [];
      const code = runSummaryCli(["--event-log", file, "--stack", "prod"], {
        stdout: () => {},
        stderr: (text) => stderr.push(text),
      });
      expect(code).toBe(2);
      expect(stderr.join("")).toBe(
        `plan-summary: ${file}: expected a readable event log file (\`pulumi preview --event-log FILE\`) of at most 256 MiB, found ${found}\n`,
      );
    }
  });

  it("access: a token file that is /dev/zero or a FIFO", async () => {
    for (const [file, found] of [
      ["/dev/zero", "a character device"],
      [fifo, "a FIFO (named pipe)"],
    ] as const) {
      const errors: string[] = [];
      const code = await runAccess(["--stack", "prod", "--token", file], {
        planResources: async () => [],
        log: () => {},
        error: (text) => errors.push(text),
      });
      expect(code).toBe(2);
      expect(errors).toEqual([
        `${file}: (file): expected a readable token file (a regular file of at most 64 KiB), found ${found}`,
      ]);
    }
  });
});

describe("the policy pack config (--policy-config)", () => {
  it("refuses /dev/zero and a FIFO with its own message format", async () => {
    const { readPolicyPackConfigFile } = await import("../../tools/analyzer");
    for (const [file, found] of [
      ["/dev/zero", "a character device"],
      [fifo, "a FIFO (named pipe)"],
    ] as const) {
      expect(() => readPolicyPackConfigFile(file)).toThrow(
        `${file}: (root): expected a policy pack config file (JSON) (a regular file of at most 1 MiB), found ${found}`,
      );
    }
  });
});
