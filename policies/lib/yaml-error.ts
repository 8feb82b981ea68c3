/**
 * The first line of a YAML parser error, without the position the parser appends to it
 * (" at line 3, column 1:"): callers state the position once, in their own format. Here, in the
 * pack, because the pack imports nothing outside `policies/`; the stack config and the commands
 * use it too.
 */
export function yamlErrorText(message: string): string {
  return message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
}
