import { defineConfig, mergeConfig } from "vitest/config";
import base from "./vitest.config.mts";

// The configuration Stryker's vitest runner starts from (see stryker.config.mjs). The mutated code is
// judged by in-process unit tests, which need neither the compiled build nor the Debian tools that
// the full suite's global setup prepares.
const config = mergeConfig(base, defineConfig({ test: { setupFiles: ["test/helpers/fresh-modules.ts"] } }));
config.test = { ...config.test, globalSetup: [] };
export default config;
