/** The pack starts the way the engine starts it (ts-node with type checking) and prints its port. */
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";

const packDir = join(__dirname, "../../policies");
const runner = join(__dirname, "../../node_modules/@pulumi/pulumi/cmd/run-policy-pack");
let child: ChildProcess | undefined;

afterEach(() => {
  child?.kill();
  child = undefined;
});

describe("policy pack process", () => {
  it("prints a port number on stdout", async () => {
    const started = spawn(process.execPath, [runner, "127.0.0.1:0", "."], {
      cwd: packDir,
      stdio: ["ignore", "pipe", "pipe"],
    });
    child = started;
    let stderr = "";
    started.stderr?.on("data", (chunk) => {
      stderr += chunk;
    });
    const port = await new Promise<string>((resolve, reject) => {
      let stdout = "";
      started.stdout?.on("data", (chunk) => {
        stdout += chunk;
        const line = stdout.split("\n")[0];
        if (stdout.includes("\n")) resolve(line.trim());
      });
      started.on("exit", (code) => reject(new Error(`pack exited with ${code}: ${stderr}`)));
    });
    expect(port).toMatch(/^\d+$/);
    // The pack binds a free port the system picks: only its range is known.
    expect(Number(port)).toBeGreaterThanOrEqual(1);
    expect(Number(port)).toBeLessThanOrEqual(65_535);
  });
});
