import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Real third-party tools (Debian packages unpacked into .tools/), fetched when missing.
    globalSetup: ["test/debian-tools.setup.ts"],
    // Pulumi's runtime keeps global state (mocks, config, the stack resource): each file runs in its
    // own process so suites cannot leak registrations into each other.
    pool: "forks",
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
