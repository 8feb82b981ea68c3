/** Config mistakes are reported in one pass: shape and cross-key mistakes together. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { UserInputError } from "../../stacks/config/errors";
import { parseStackFile } from "../../stacks/config/load";

const FILE = "stacks/Pulumi.test.yaml";
const text = readFileSync("test/fixtures/stacks/Pulumi.fixture.yaml", "utf8");
const lineOf = (needle: string) => text.split("\n").findIndex((line) => line.includes(needle)) + 1;

function problems(changed: string): string[] {
  try {
    parseStackFile(FILE, changed);
  } catch (error) {
    if (error instanceof UserInputError) return error.problems;
    throw error;
  }
  throw new Error("expected the config to be rejected");
}

describe("config errors in one pass", () => {
  it("reports a shape error, an unknown team and an overlapping range together", () => {
    const changed = text
      .replace("budget: { amount: 800 }", "budget: { amount: lots }")
      .replace("    - name: api\n      team: api", "    - name: api\n      team: apis")
      .replace("cidr: 10.2.0.0/20", "cidr: 10.1.0.0/20");
    expect(problems(changed)).toEqual([
      `${FILE}: platform:environments[1].budget.amount: expected a number, found "lots" (line ${lineOf("budget: { amount: 800 }")})`,
      `${FILE}: platform:environments[2].team: expected one of the teams under platform:teams (platform, payments, api), found "apis" (line ${lineOf("      team: api")})`,
      `${FILE}: platform:environments[2].network.subnets[0].cidr: expected a range that does not overlap payments/main cidr (10.1.0.0/20), found "10.1.0.0/20" (line ${lineOf("cidr: 10.2.0.0/20")})`,
    ]);
  });

  it("judges the well-formed parts only: a malformed environment is not also an unknown-team error", () => {
    const changed = text.replace("budget: { amount: 800 }", "budget: { amount: lots }");
    expect(problems(changed)).toEqual([
      `${FILE}: platform:environments[1].budget.amount: expected a number, found "lots" (line ${lineOf("budget: { amount: 800 }")})`,
    ]);
  });
});
