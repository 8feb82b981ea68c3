/**
 * Vitest global setup: the commands and the policy pack that tests start are the compiled
 * JavaScript in dist/, as users run them; build it first when a source is newer than the build.
 */
export default function setup(): void {
  const { ensureBuilt } = require("../../tools/build/ensure-built.cjs") as {
    ensureBuilt(options?: { force?: boolean }): number;
  };
  if (ensureBuilt() !== 0)
    throw new Error("the build failed (tsc -b tsconfig.build.json): see the errors above");
}
