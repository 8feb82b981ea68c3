/**
 * Untrusted text (resource names, URNs, stack-file keys and values, policy messages, file names)
 * written into one line of a terminal or CI log: an error message, the plan's text report, a
 * command's summary. Whatever the text holds, it stays on its line and reads as what it is:
 * - no line breaks or carriage returns (a forged line, or a line overwritten on the terminal);
 * - no terminal escapes (colours, cursor moves, OSC 8 links, window titles) or other controls;
 * - no bidirectional overrides, zero-width or other invisible format characters ("Trojan Source"),
 *   no variation selectors (they hide data in text that looks plain), no lone surrogates;
 * - no GitHub Actions workflow command: the runner reads a line whose text, after leading white
 *   space, starts with `::` (`::add-mask::`, `::stop-commands::`, `::error::`...), and the older
 *   `##[command]` form anywhere in a line.
 * Text that holds none of these is written as it is. Text that holds any is written quoted, JSON
 * style, with each such character as a visible escape (`\n`, `\u001b`, `\u202e`), so the reader
 * sees exactly which characters are there, and `JSON.parse` gives the original text back. See docs/decisions/0114-untrusted-text.md.
 */

/** Controls (C0, DEL, C1), format characters (bidi, zero-width, tags...), line and paragraph separators, lone surrogates, variation selectors. */
const UNSAFE_CHARACTERS = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}\p{Variation_Selector}]/gu;
/** The same class without the global flag, for `test` (a global RegExp keeps state between calls). */
const UNSAFE_CHARACTER = new RegExp(UNSAFE_CHARACTERS.source, "u");
/** What the Actions runner reads as a workflow command in a line. */
const WORKFLOW_COMMAND_START = /^\s*::/;
const LEGACY_WORKFLOW_COMMAND = "##[";

const SHORT_ESCAPES: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

function escapeCharacter(character: string): string {
  const short = SHORT_ESCAPES[character];
  if (short) return short;
  // One `\uXXXX` per UTF-16 unit, as JSON writes them, so `JSON.parse` reads the quoted text back.
  let escaped = "";
  for (let index = 0; index < character.length; index++)
    escaped += `\\u${character.charCodeAt(index).toString(16).padStart(4, "0")}`;
  return escaped;
}

function textOf(value: unknown): string {
  return typeof value === "string" ? value : value === undefined || value === null ? "" : String(value);
}

/**
 * Always quoted: `"…"` with `"` and `\` backslash-escaped, every unsafe character as a visible
 * escape, and `##[` written `##\u005b`. For quoting what a user wrote in an error message.
 */
export function quoteText(value: unknown): string {
  const escaped = textOf(value)
    .replace(/["\\]/g, (character) => `\\${character}`)
    .replace(UNSAFE_CHARACTERS, escapeCharacter)
    .replaceAll(LEGACY_WORKFLOW_COMMAND, "##\\u005b");
  return `"${escaped}"`;
}

/** Whether `text` can be written into a log line as it is (see the module comment). */
export function isSafeTerminalText(text: string): boolean {
  return (
    !UNSAFE_CHARACTER.test(text) &&
    !WORKFLOW_COMMAND_START.test(text) &&
    !text.includes(LEGACY_WORKFLOW_COMMAND)
  );
}

/**
 * A field inside a line of terminal or CI-log text: as it is when that is safe, else quoted (see
 * `quoteText`). Use it for every untrusted value a text report or an error message writes.
 */
export function terminalText(value: unknown): string {
  const text = textOf(value);
  return isSafeTerminalText(text) ? text : quoteText(text);
}

/**
 * A whole message of one or more lines, built by code that may have put untrusted text in it
 * unescaped: its line breaks are kept (they are the message's own), everything else unsafe is made
 * visible. Every other unsafe character becomes its `\uXXXX` escape, a line the runner would read as
 * a workflow command gets its first `:` as `\u003a`, and `##[` becomes `##\u005b`. A backstop for
 * messages as a whole (user-input errors): fields are escaped with `terminalText` where written.
 */
export function terminalLines(message: string): string {
  return message
    .replace(/\r\n/g, "\n")
    .split("\n")
    .map((line) =>
      line
        .replace(UNSAFE_CHARACTERS, escapeCharacter)
        .replaceAll(LEGACY_WORKFLOW_COMMAND, "##\\u005b")
        .replace(/^(\s*):(?=:)/, "$1\\u003a"),
    )
    .join("\n");
}
