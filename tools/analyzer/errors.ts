/**
 * Errors the policy runner raises. Both carry a message meant to be printed as is: the CLI shows
 * `error.message` and exits 2, without a stack trace.
 */

/** The policy pack config (a `--policy-pack-config` file, or the pack's own defaults) is unusable. */
export class PolicyConfigError extends Error {
  override readonly name = "PolicyConfigError";

  /**
   * @param file the config file, or undefined when the problem is in the pack's defaults alone.
   * @param issues one line each, already naming the path inside the file, what was expected and
   *   what was found.
   */
  constructor(
    readonly file: string | undefined,
    readonly issues: readonly string[],
  ) {
    const where = file ?? "policy pack defaults";
    super(issues.map((issue) => `${where}: ${issue}`).join("\n"));
  }
}

/** The pack process could not start, died, or failed an RPC. */
export class PolicyPackError extends Error {
  override readonly name = "PolicyPackError";

  /**
   * @param summary what went wrong, in one sentence.
   * @param stderrTail the last lines the pack wrote to stderr, the usual place for its own reason.
   */
  constructor(
    summary: string,
    readonly stderrTail = "",
  ) {
    super(
      stderrTail.trim() === ""
        ? summary
        : `${summary}\npolicy pack stderr (last lines):\n${stderrTail.trimEnd()}`,
    );
  }
}
