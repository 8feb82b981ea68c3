/**
 * Files the commands are asked to write (`npm run oncall -- alertmanager --out`, `npm run monitoring
 * -- rules --out`, `npm run plan -- --json`): a path that cannot be written is the user's mistake,
 * one line naming the file and what was found, exit 2.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { UserInputError } from "../../stacks/config/errors";
import { userInputExitCode, writeOutputFile } from "../../tools/cli/args";
import { runCommand } from "../helpers/cli";

const dir = mkdtempSync(join(tmpdir(), "output-file-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const aFile = join(dir, "a-file");
writeFileSync(aFile, "not a folder\n");

describe("writeOutputFile", () => {
  it("writes the file, creating its folders", () => {
    const file = join(dir, "new", "deeper", "out.txt");
    writeOutputFile(file, "hello\n");
    expect(readFileSync(file, "utf8")).toBe("hello\n");
  });

  it("refuses a path under a file with one line naming the file and the error (mkdir finds a file where the folder goes: EEXIST)", () => {
    const file = join(aFile, "out.txt");
    expect(() => writeOutputFile(file, "x")).toThrow(
      new UserInputError([`${file}: (file): expected a writable output path, found EEXIST`]),
    );
  });
});

describe("userInputExitCode", () => {
  it("prints a UserInputError's lines and answers 2", () => {
    const printed: string[] = [];
    expect(userInputExitCode(new UserInputError(["first", "second"]), (text) => printed.push(text))).toBe(2);
    expect(printed).toEqual(["first\nsecond"]);
  });

  it("throws anything else on, unprinted", () => {
    const printed: string[] = [];
    const crash = new TypeError("a bug");
    expect(() => userInputExitCode(crash, (text) => printed.push(text))).toThrow(crash);
    expect(printed).toEqual([]);
  });
});

describe("as a process", () => {
  it("oncall alertmanager --out under a file: exit 2, one line, no stack trace", async () => {
    const file = join(aFile, "alertmanager.yml");
    const run = await runCommand("tools/oncall/cli.ts", ["alertmanager", "--stack", "dev", "--out", file]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`${file}: (file): expected a writable output path, found EEXIST\n`);
    expect(run.stdout).toBe("");
  });
});
