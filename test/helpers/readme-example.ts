import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

/** Extracts the README's ```ts example, makes its imports resolvable from a scratch folder, and runs it. */
export function writeReadmeExample(readme: string, name: string): string {
  const match = /```ts\n([\s\S]*?)```/.exec(readFileSync(readme, "utf8"));
  if (!match) throw new Error(`${readme} has no \`\`\`ts example`);
  const componentsDir = resolve("components");
  const code = match[1].replace(/from "\.\.\/components\//g, `from "${componentsDir}/`);
  const dir = resolve(".scratch/readme-examples");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.ts`);
  writeFileSync(file, code);
  return file;
}
