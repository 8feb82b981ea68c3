import { randomUUID } from "node:crypto";
import { unlinkSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { type MockRunResult, runUnderMocks } from "../../tools/plan/mock-runtime";

/** Repository root: README examples import components as a stack program would (`../components/...`). */
const ROOT = path.resolve(__dirname, "../..");

/** The ```ts blocks of a Markdown file, in order. */
export function typeScriptBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((match) => match[1]);
}

/**
 * Runs a README's TypeScript example as the whole Pulumi program of a stack, under Pulumi's mock
 * runtime. The block is written to a file beside this one (a fresh name per run, so the module
 * cache never hands back the previous stack's module, even when test files share a process or a
 * worker thread, as under the mutation-testing runner) and imported inside the program.
 */
export async function runExample(
  source: string,
  options: { project?: string; stack: string },
): Promise<MockRunResult<Record<string, unknown>>> {
  const file = path.join(__dirname, `.readme-example-${randomUUID()}.ts`);
  const rewritten = source.replace(/from "\.\.\/components\//g, `from "${ROOT}/components/`);
  writeFileSync(file, rewritten);
  try {
    return await runUnderMocks({
      project: options.project ?? "platform",
      stack: options.stack,
      program: async () => ({ ...((await import(file)) as Record<string, unknown>) }),
    });
  } finally {
    unlinkSync(file);
  }
}
