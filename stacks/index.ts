import * as pulumi from "@pulumi/pulumi";
import { configFromEngine } from "./engine-config";
import { definePlatform } from "./platform";

/**
 * Entry point for `pulumi preview` / `pulumi up`: the engine has read `stacks/Pulumi.<stack>.yaml`
 * and passes its config; all of it is validated before anything is declared.
 */
export = definePlatform(configFromEngine(pulumi.getStack(), pulumi.runtime.allConfig()));
