import { describe, expect, it } from "vitest";
import { parseBenchArguments } from "../../tools/bench/bench";

describe("npm run bench: command line", () => {
  it("reads the documented flags", () => {
    expect(
      parseBenchArguments(["--runs", "3", "--stacks", "dev,prod", "--sizes", "200", "--large-runs", "1"]),
    ).toEqual({
      runs: 3,
      largeRuns: 1,
      stacks: ["dev", "prod"],
      sizes: [200],
      quick: false,
    });
    expect(parseBenchArguments([])).toEqual({
      runs: 5,
      largeRuns: 3,
      stacks: ["dev", "staging", "prod"],
      sizes: [10, 50, 200],
      quick: false,
    });
  });

  it.each([
    [["--runs", "0"], 'command line: --runs: expected a whole number from 1 to 9999, found "0"'],
    [
      ["--large-runs", "two"],
      'command line: --large-runs: expected a whole number from 1 to 9999, found "two"',
    ],
    [["--sizes", "10,-5"], 'command line: --sizes: expected environment counts like 10,50,200, found "-5"'],
    [
      ["--stacks", "dev,../x"],
      `command line: --stacks: expected a stack name of letters, digits, '-', '_' or '.', found "../x"`,
    ],
  ])("refuses %j with a message naming the flag", (argv, message) => {
    expect(() => parseBenchArguments(argv)).toThrow(message);
  });

  it("refuses an unknown flag, naming it, with the usage", () => {
    expect(() => parseBenchArguments(["--help"])).toThrow(
      /^command line: Unknown option '--help'\nusage: npm run bench -- /,
    );
  });
});
