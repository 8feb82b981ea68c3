import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Commands and the policy pack run compiled (dist/), as users run them: build when stale. Real
    // third-party tools (Debian packages unpacked into .tools/) are fetched when missing.
    globalSetup: ["test/helpers/global-setup.ts", "test/debian-tools.setup.ts"],
    // Pulumi's runtime keeps global state (mocks, config, the stack resource): each file runs in its
    // own process so suites cannot leak registrations into each other.
    pool: "forks",
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
