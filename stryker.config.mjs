// Mutation testing of the security-critical code (`npm run test:mutation`, see README "Development").
// StrykerJS 9.6.x: Stryker 10 needs Node 22, the project runs on Node 20.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: "vitest",
  plugins: ["@stryker-mutator/vitest-runner"],
  vitest: { configFile: "vitest.stryker.config.mts", related: true },
  mutate: [
    "policies/lib/**/*.ts",
    "policies/rules/**/*.ts",
    "components/ci-identity/**/*.ts",
    "tools/access/**/*.ts",
    "stacks/config/**/*.ts",
    "tools/plan-summary/classify.ts",
    // Pure logic of on-call routing and monitoring; matches nothing until those components exist.
    "components/oncall/**/*.ts",
    "components/monitoring/**/*.ts",
    // Command-line entry points are exercised in child processes, where mutants are not active.
    "!**/cli.ts",
    "!**/index.ts",
  ],
  // Mutants are judged by the in-process unit tests. Suites that start the policy pack, the plan or a
  // CLI in a child process cannot see a mutant (it is active only in the test process), and the
  // slow suites (whole stacks under the mock runtime, property-based fuzzing) would make every
  // mutant cost minutes.
  testFiles: [
    "test/mutation-hardening/**/*.test.ts",
    "test/**/*.mutation.test.ts",
    "test/config/schema.test.ts",
    "test/ci-identity/claims.test.ts",
    "test/access/list-attributes.test.ts",
    "test/plan-summary/classify.test.ts",
    "test/plan/risk.test.ts",
    "test/policies/rules.test.ts",
    "test/policies/network.test.ts",
    "test/policies/policy-document.test.ts",
    "test/policies/reach.test.ts",
    "test/policies/cel.test.ts",
    "test/policies/exemptions.test.ts",
    "test/policies/roles.test.ts",
    "test/policies/stack.test.ts",
    "test/policies/unknown.test.ts",
    "test/policies/tokens.test.ts",
    "test/policies/profiles.test.ts",
    // A rule's description, severity and check ids are what docs/policies.md tells its readers.
    "test/policy-docs.test.ts",
  ],
  // The machine is shared: one test process at a time.
  concurrency: 1,
  coverageAnalysis: "perTest",
  timeoutMS: 20_000,
  reporters: ["clear-text", "progress", "json"],
  jsonReporter: { fileName: "reports/mutation/mutation.json" },
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true },
  thresholds: { high: 85, low: 85, break: null },
  tempDirName: ".stryker-tmp",
  cleanTempDir: true,
  // Build output, unpacked Debian tools and the team example are not what is mutated or tested here.
  ignorePatterns: ["reports", ".plan", "out", ".scratch", "coverage", "dist", ".tools", "examples"],
};
