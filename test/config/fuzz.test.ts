import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { UserInputError } from "../../stacks/config/errors";
import { parseStackFile, validateStackDocument } from "../../stacks/config/load";
import { stackDocumentOf } from "../../stacks/config/stack-document";

/**
 * Property: whatever a user writes, the loader either returns a config or throws its own readable
 * UserInputError, every line of which names the file and a path and says what it expected and found.
 */

const FILE = "stacks/Pulumi.fuzz.yaml";
const PROBLEM_LINE = /^stacks\/Pulumi\.fuzz\.yaml: \S[^\n]*: expected [^\n]+, found [^\n]+$/;
const bases = ["dev", "staging", "prod"].map((stack) =>
  parse(readFileSync(`stacks/Pulumi.${stack}.yaml`, "utf8")),
);

type Json = unknown;
type Path = (string | number)[];

function allPaths(value: Json, path: Path = []): Path[] {
  const paths: Path[] = [path];
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) paths.push(...allPaths(item, [...path, index]));
  }
  if (!Array.isArray(value) && value !== null && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) paths.push(...allPaths(item, [...path, key]));
  }
  return paths;
}

function setAt(
  root: Json,
  path: Path,
  update: (container: Record<string | number, Json>, key: string | number) => void,
) {
  if (path.length === 0) return;
  let container = root as Record<string | number, Json>;
  for (const segment of path.slice(0, -1)) container = container[segment] as Record<string | number, Json>;
  update(container, path[path.length - 1]);
}

const mutation = fc.oneof(
  fc.constant({ kind: "drop" as const }),
  fc.record({ kind: fc.constant("replace" as const), value: fc.jsonValue({ maxDepth: 2 }) }),
  fc.record({
    kind: fc.constant("replace" as const),
    value: fc.oneof(
      fc.integer({ min: -1_000_000_000, max: 1_000_000_000 }),
      fc.double({ noNaN: true }),
      fc.constantFrom(
        0,
        -1,
        91,
        3651,
        1e12,
        "",
        " ",
        "prod ",
        "10.0.0.0/33",
        "999.1.1.1/8",
        "x@y",
        "roles/owner",
      ),
    ),
  }),
  fc.record({ kind: fc.constant("string" as const), value: fc.string({ maxLength: 40 }) }),
  fc.record({
    kind: fc.constant("addKey" as const),
    key: fc.string({ minLength: 1, maxLength: 12 }),
    value: fc.jsonValue({ maxDepth: 1 }),
  }),
);

function mutate(base: Json, picks: { index: number; change: unknown }[]): Json {
  const copy = structuredClone(base);
  for (const pick of picks) {
    const paths = allPaths(copy);
    const path = paths[pick.index % paths.length];
    const change = pick.change as { kind: string; value?: Json; key?: string };
    setAt(copy, path, (container, key) => {
      if (change.kind === "drop") {
        if (Array.isArray(container)) container.splice(Number(key), 1);
        else delete container[key];
      } else if (change.kind === "addKey") {
        const target = container[key];
        if (target !== null && typeof target === "object" && !Array.isArray(target)) {
          (target as Record<string, Json>)[change.key ?? "x"] = change.value;
        }
      } else {
        container[key] = change.value;
      }
    });
  }
  return copy;
}

function expectReadableOutcome(text: string): void {
  expectReadableError(() => parseStackFile(FILE, text));
}

function expectReadableError(load: () => unknown): void {
  try {
    load();
  } catch (error) {
    if (!(error instanceof UserInputError)) throw error;
    // Random input: how many problems it has is not known, only that each one is reported readably.
    expect(error.problems.length).toBeGreaterThan(0);
    for (const problem of error.problems) expect(problem).toMatch(PROBLEM_LINE);
  }
}

describe("config loader under fuzzing", () => {
  const mutatedConfig = [
    fc.integer({ min: 0, max: bases.length - 1 }),
    fc.array(fc.record({ index: fc.nat(), change: mutation }), { minLength: 1, maxLength: 4 }),
  ] as const;

  it("never throws anything but its own readable error for mutated valid configs, written as YAML", () => {
    fc.assert(
      fc.property(...mutatedConfig, (baseIndex, picks) => {
        expectReadableOutcome(stringify(mutate(bases[baseIndex], picks)));
      }),
      { numRuns: 150, seed: 20261123 },
    );
  });

  it("never throws anything but its own readable error for mutated valid configs, as YAML reads them", () => {
    // The same mutations past the YAML layer (the text property above and below covers it): the
    // schema and the cross-key checks see many more configs in the same time. Lines are unknown.
    fc.assert(
      fc.property(...mutatedConfig, (baseIndex, picks) => {
        const root = mutate(bases[baseIndex], picks);
        expectReadableError(() => validateStackDocument(stackDocumentOf(FILE, root, () => undefined)));
      }),
      { numRuns: 900, seed: 20261130 },
    );
  });

  it("never throws anything but its own readable error for arbitrary text", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => expectReadableOutcome(text)),
      { numRuns: 400, seed: 7 },
    );
  });

  it("rejects at least the mutations that break a required value", () => {
    // A sanity check that the fuzzer's mutations reach the schema: dropping `platform:tier` must fail.
    const copy = structuredClone(bases[0]) as { config: Record<string, unknown> };
    delete copy.config["platform:tier"];
    expect(() => parseStackFile(FILE, stringify(copy))).toThrow(
      `${FILE}: platform:tier: expected one of "dev", "staging", "prod", found nothing (the key is missing)`,
    );
  });
});
