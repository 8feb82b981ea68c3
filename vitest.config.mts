import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Commands and the policy pack run compiled (dist/), as users run them: build when stale. Real
    // third-party tools (Debian packages unpacked into .tools/) are fetched when missing.
    globalSetup: ["test/helpers/global-setup.ts", "test/debian-tools.setup.ts"],
    // Test files run in worker processes (forks), several files one after the other in each, sharing
    // the loaded modules: importing the Pulumi SDKs once per worker instead of once per file is about
    // a fifth of the suite's CPU time. Pulumi's runtime state does not leak between files: every plan
    // and component test starts with its own setMocks (a fresh mock monitor, config and stack).
    pool: "forks",
    isolate: false,
    // One worker per core. Vitest's default leaves a core free (cores - 1: a single worker on a
    // two-core machine), but much of the suite waits on processes it starts (the policy pack, the
    // commands, promtool, Alertmanager), and a second worker fills that time.
    maxWorkers: availableParallelism(),
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
