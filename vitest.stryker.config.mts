import { defineConfig, mergeConfig } from "vitest/config";
import base from "./vitest.config.mts";

// The configuration Stryker's vitest runner starts from (see stryker.config.mjs).
export default mergeConfig(base, defineConfig({ test: { setupFiles: ["test/helpers/fresh-modules.ts"] } }));
