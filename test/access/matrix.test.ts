import { readFileSync, writeFileSync } from "node:fs";
import { beforeAll, describe, expect, test } from "vitest";
import type { PlannedResource } from "../../tools/plan/model";
import { runExample, typeScriptBlocks } from "../helpers/readme-example";
import { fixtureNames, renderMatrix, SCENARIOS, STACKS } from "./matrix";

const README = "components/ci-identity/README.md";
const START = "<!-- access-matrix:start -->";
const END = "<!-- access-matrix:end -->";

describe("the README's access matrix", () => {
  const resourcesByStack: Record<string, PlannedResource[]> = {};

  beforeAll(async () => {
    const [example] = typeScriptBlocks(readFileSync(README, "utf8"));
    for (const stack of STACKS) resourcesByStack[stack] = (await runExample(example, { stack })).resources;
  });

  test("describes every claims fixture, and only those", () => {
    expect(Object.keys(SCENARIOS).sort()).toEqual(fixtureNames().sort());
  });

  test("is what the simulator computes for the README example", () => {
    const readme = readFileSync(README, "utf8");
    const start = readme.indexOf(START);
    const end = readme.indexOf(END);
    expect(start).toBeGreaterThan(0);
    expect(end).toBeGreaterThan(start);
    const expected = renderMatrix(resourcesByStack);
    const updated = `${readme.slice(0, start + START.length)}\n${expected}\n${readme.slice(end)}`;
    if (process.env.UPDATE_ACCESS_MATRIX === "1") writeFileSync(README, updated);
    // Compared cell by cell: the formatter pads Markdown tables.
    expect(tableCells(readme.slice(start + START.length, end))).toEqual(tableCells(expected));
  });
});

/** The cells of a Markdown table, trimmed; separator rows reduced to their column count. */
function tableCells(table: string): string[][] {
  return table
    .trim()
    .split("\n")
    .map((line) =>
      line
        .trim()
        .replace(/^\||\|$/g, "")
        .split(/(?<!\\)\|/)
        .map((cell) => cell.trim().replace(/^-+$/, "---")),
    );
}
