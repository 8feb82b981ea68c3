/** The README's "Add a team and its environment", applied to a stack file's text as a person would. */
import { readFileSync } from "node:fs";
import { isSeq, parse, parseDocument } from "yaml";

const README = readFileSync("README.md", "utf8");

/** The YAML block right after `<!-- walkthrough:<name> -->`. */
function walkthroughBlock(name: string): unknown {
  const match = new RegExp(`<!-- walkthrough:${name} -->\\n\`\`\`yaml\\n([\\s\\S]*?)\`\`\``).exec(README);
  if (!match) throw new Error(`README has no walkthrough:${name} block`);
  return parse(match[1]!);
}

/** Appends the walk-through's entries to a stack file's text, as a person would edit it. */
export function applyWalkthrough(stackText: string): string {
  const document = parseDocument(stackText);
  for (const [key, block] of [
    ["platform:teams", "team"],
    ["platform:environments", "environment"],
  ] as const) {
    const list = document.getIn(["config", key], true);
    if (!isSeq(list)) throw new Error(`${key} is not a list`);
    for (const item of walkthroughBlock(block) as unknown[]) list.add(document.createNode(item));
  }
  return document.toString();
}
