import * as pulumi from "@pulumi/pulumi";
import { UserInputError } from "./config/errors";
import { parseEngineConfig, stackFilePath } from "./config/load";
import type { PlatformConfig } from "./config/schema";

/**
 * Validates the config the engine passes to the program (`pulumi.runtime.allConfig()`). A mistake
 * becomes a RunError, which Pulumi prints without a stack trace: it is the user's to fix, not a bug.
 */
export function configFromEngine(stack: string, engineConfig: Record<string, string>): PlatformConfig {
  try {
    return parseEngineConfig(stackFilePath(stack), engineConfig);
  } catch (error) {
    if (error instanceof UserInputError) throw new pulumi.RunError(`invalid stack config:\n${error.message}`);
    throw error;
  }
}
