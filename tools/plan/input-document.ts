import * as path from "node:path";
import { readStackDocument, type StackDocument, stackFilePath } from "../../stacks/config/stack-document";

/**
 * A stack's config file read as YAML, not yet validated: all the plan needs to start the policy
 * pack. Free of the schema and the SDKs, which load after the pack's process is spawned.
 */

/** The Pulumi project name (`name` in Pulumi.yaml); part of every URN. */
export const PROJECT_NAME = "platform";

export interface StackInputDocument {
  stack: string;
  stackFile: string;
  document: StackDocument;
}

export function readStackInputDocument(options: {
  stack: string;
  stackFile?: string;
  root?: string;
}): StackInputDocument {
  const root = options.root ?? process.cwd();
  const stackFile = options.stackFile ?? stackFilePath(options.stack);
  const document = readStackDocument(path.isAbsolute(stackFile) ? stackFile : displayPath(root, stackFile));
  return { stack: options.stack, stackFile, document };
}

function displayPath(root: string, file: string): string {
  return path.relative(process.cwd(), path.resolve(root, file)) || file;
}
