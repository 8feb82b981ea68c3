import { inject } from "vitest";

// Setup file of the mutation-testing runs (vitest.stryker.config.mts). Stryker's vitest runner
// activates a mutant that lives in module-level code (a regular expression, a table) too late:
// the code under test has already been imported with no mutant active, so such mutants would
// survive whatever the tests assert. Activating it here, before the test file's imports, makes
// the module evaluate with the mutant in place.
const context = inject as unknown as (key: string) => unknown;
if (context("mode") === "mutant") {
  const namespace = context("globalNamespace") as string;
  const global = globalThis as unknown as Record<string, { activeMutant?: unknown }>;
  global[namespace] ??= {};
  global[namespace].activeMutant = context("activeMutant");
}
