import * as pulumi from "@pulumi/pulumi";
import { UserInputError } from "./config/errors";
import { parseEngineConfig, stackFilePath } from "./config/load";
import { definePlatform } from "./platform";

/**
 * Entry point for `pulumi preview` / `pulumi up`: the engine has read `stacks/Pulumi.<stack>.yaml`
 * and passes its config; validate all of it before declaring anything.
 */
function loadConfig() {
  try {
    return parseEngineConfig(stackFilePath(pulumi.getStack()), pulumi.runtime.allConfig());
  } catch (error) {
    // A RunError is shown without a stack trace: config mistakes are the user's to fix, not bugs.
    if (error instanceof UserInputError) throw new pulumi.RunError(`invalid stack config:\n${error.message}`);
    throw error;
  }
}

export = definePlatform(loadConfig());
