import { describe, expect, it } from "vitest";
import {
  type MutationReport,
  originalText,
  parseRows,
  type ReportMutant,
  renderScores,
  scoreFiles,
} from "../../tools/mutation/scores";

const at = (line: number, start: number, end: number, endLine = line) => ({
  start: { line, column: start },
  end: { line: endLine, column: end },
});
const mutant = (id: string, status: string, extra: Partial<ReportMutant> = {}): ReportMutant => ({
  id,
  status,
  mutatorName: "EqualityOperator",
  replacement: "i <= n",
  location: at(2, 3, 8),
  ...extra,
});

const SOURCE = "loop:\n  i < n;\n  done";

describe("scoreFiles", () => {
  const report: MutationReport = {
    files: {
      "b.ts": {
        source: SOURCE,
        mutants: [
          mutant("1", "Killed"),
          mutant("2", "Killed"),
          mutant("3", "Timeout"),
          mutant("4", "Survived", { mutatorName: "ConditionalExpression", replacement: "true" }),
          mutant("5", "NoCoverage", { mutatorName: "BlockStatement", replacement: "{}" }),
          mutant("6", "Survived"),
          mutant("7", "CompileError"),
          mutant("8", "Ignored"),
          mutant("9", "RuntimeError"),
        ],
      },
      "a.ts": { source: "", mutants: [] },
    },
  };
  const equivalent = [
    { file: "b.ts", mutatorName: "EqualityOperator", original: "i < n", replacement: "i <= n", reason: "r" },
  ];

  it("counts by status, leaves equivalent mutants out, and rounds the score down to a tenth", () => {
    expect(scoreFiles(report, equivalent)).toEqual([
      { file: "a.ts", killed: 0, timeout: 0, survived: 0, noCoverage: 0, equivalent: 0, score: 100 },
      // (2 killed + 1 timeout) / (3 + 1 survived + 1 no coverage) = 60 %
      { file: "b.ts", killed: 2, timeout: 1, survived: 1, noCoverage: 1, equivalent: 1, score: 60 },
    ]);
  });

  it("an equivalent entry matches file, mutator, original text and replacement, all four", () => {
    for (const miss of [
      { ...equivalent[0], file: "a.ts" },
      { ...equivalent[0], mutatorName: "ConditionalExpression" },
      { ...equivalent[0], original: "i > n" },
      { ...equivalent[0], replacement: "i >= n" },
    ]) {
      expect(scoreFiles(report, [miss])[1]).toMatchObject({ survived: 2, equivalent: 0, score: 50 });
    }
  });

  it("an entry with `within` marks only the mutants whose source lines contain that text", () => {
    const twice: MutationReport = {
      files: {
        "d.ts": {
          source: 'a = x ?? "";\nb = y ?? "";',
          mutants: [
            mutant("1", "Survived", {
              mutatorName: "StringLiteral",
              replacement: '"z"',
              location: at(1, 10, 12),
            }),
            mutant("2", "Survived", {
              mutatorName: "StringLiteral",
              replacement: '"z"',
              location: at(2, 10, 12),
            }),
          ],
        },
      },
    };
    const entry = {
      file: "d.ts",
      mutatorName: "StringLiteral",
      original: '""',
      replacement: '"z"',
      reason: "r",
    };
    expect(scoreFiles(twice, [{ ...entry, within: "b = y" }])[0]).toMatchObject({
      survived: 1,
      equivalent: 1,
    });
    expect(scoreFiles(twice, [{ ...entry, within: "c = w" }])[0]).toMatchObject({
      survived: 2,
      equivalent: 0,
    });
    expect(scoreFiles(twice, [entry])[0]).toMatchObject({ survived: 0, equivalent: 2 });
  });

  it("two of three detected is 66.6 %, not 66.7 %", () => {
    const third: MutationReport = {
      files: {
        "c.ts": {
          source: SOURCE,
          mutants: [mutant("1", "Killed"), mutant("2", "Killed"), mutant("3", "Survived")],
        },
      },
    };
    expect(scoreFiles(third, [])[0].score).toBe(66.6);
  });
});

describe("originalText", () => {
  it("reads one line or several, columns 1-based and end-exclusive (as Stryker's report)", () => {
    expect(originalText(SOURCE, at(2, 3, 8))).toBe("i < n");
    expect(originalText(SOURCE, at(1, 5, 5, 3))).toBe(":\n  i < n;\n  do");
    expect(originalText(SOURCE, at(2, 3, 4, 3))).toBe("i < n;\n  d");
  });
});

describe("renderScores", () => {
  const row = (file: string, score: number) => ({
    file,
    killed: 9,
    timeout: 1,
    survived: 2,
    noCoverage: 0,
    equivalent: 1,
    score,
  });

  it("writes one row per file and keeps the rows of files this run did not mutate", () => {
    const first = renderScores([row("z.ts", 50), row("m.ts", 80)]);
    expect(first).toContain(
      "| `m.ts` | 80.0 % | 9 | 1 | 2 | 0 | 1 |\n| `z.ts` | 50.0 % | 9 | 1 | 2 | 0 | 1 |",
    );
    const second = renderScores([row("a.ts", 90.5), row("z.ts", 85)], first);
    expect([...parseRows(second).keys()]).toEqual(["a.ts", "m.ts", "z.ts"]);
    expect(parseRows(second).get("z.ts")).toBe("| `z.ts` | 85.0 % | 9 | 1 | 2 | 0 | 1 |");
    expect(parseRows(second).get("a.ts")).toBe("| `a.ts` | 90.5 % | 9 | 1 | 2 | 0 | 1 |");
    expect(parseRows(second).get("m.ts")).toBe("| `m.ts` | 80.0 % | 9 | 1 | 2 | 0 | 1 |");
  });
});
