/**
 * Untrusted text (resource names, policy messages, event-log fields) made inert for a GitHub
 * comment: it renders as the text it is and never as markup, a link, an image, a mention, an issue
 * reference or a terminal escape.
 *
 * How GitHub treats comment text: GFM parses Markdown and HTML; then filters link @mentions,
 * `#123` / `owner/repo#123` / `GH-123` references and commit SHAs in text nodes, skipping text inside
 * `code`, `pre` and `a` (the IGNORE_PARENTS of its html-pipeline filters); GFM's autolink extension
 * (`https://x`, `www.x`, `a@b.c`) does not apply inside code spans either. So:
 * - identifiers (URNs, names, properties) go into code spans, fenced with more backticks than they
 *   hold, so nothing inside can close the span early and everything inside is literal;
 * - prose (messages, errors) is escaped (HTML entities, backslash before Markdown punctuation), and
 *   the patterns the post-Markdown filters look for are broken with an invisible WORD JOINER
 *   (U+2060), because escaping does not stop a filter that reads the rendered text.
 * Both strip ANSI escapes and control characters, remove bidirectional overrides (a name can
 * otherwise display reversed, "Trojan Source"), collapse whitespace to one line, and truncate.
 */

/** ANSI CSI / OSC / other ESC sequences, as terminals and CI logs carry them. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: terminal escapes are what this removes
const ANSI = /\u001b(?:\[[0-?]*[ -/]*[@-~]|\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|[@-Z\\-_])/g;
/** C0 and C1 controls (tab and newlines become spaces first). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this removes
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;
/**
 * Invisible characters: every format character (bidirectional embeddings, overrides, isolates and
 * marks; zero-width characters; BOM; soft hyphen; Unicode tags, which spell hidden ASCII) and the
 * variation selectors (invisible, and able to carry hidden data after any character).
 */
const INVISIBLE = /[\p{Cf}\p{Variation_Selector}]/gu;

/** Half of a surrogate pair on its own (a cut emoji, or a JSON "\ud800"): no character, shown as U+FFFD. */
const LONE_SURROGATE = /\p{Cs}/gu;

const WORD_JOINER = "\u2060";

/** Removes terminal escapes, controls and bidi/zero-width characters; keeps lines and Markdown. */
export function stripUnsafeCharacters(text: string): string {
  return text
    .replace(LONE_SURROGATE, "\ufffd")
    .replace(ANSI, "")
    .replace(/\r\n?/g, "\n")
    .replace(/[^\S\n]/g, (c) => (c === "\t" ? " " : c))
    .replace(CONTROL, "")
    .replace(INVISIBLE, "");
}

/** The text without escapes, controls or bidi/zero-width characters, on one line, at most `max` characters. */
export function sanitize(text: unknown, max: number): string {
  const value = typeof text === "string" ? text : text === undefined || text === null ? "" : String(text);
  const clean = value
    .replace(LONE_SURROGATE, "\ufffd")
    .replace(ANSI, "")
    .replace(/[\t\n\r\u0085\u2028\u2029]+/g, " ")
    .replace(CONTROL, "")
    .replace(INVISIBLE, "")
    .replace(/\s+/g, " ")
    .trim();
  return truncate(clean, max);
}

/** Cuts at `max` code points (never inside a surrogate pair), marking the cut with "…". */
export function truncate(text: string, max: number): string {
  const points = Array.from(text);
  return points.length <= max ? text : `${points.slice(0, Math.max(0, max - 1)).join("")}…`;
}

/**
 * A code span holding `text` literally. The fence is one backtick longer than the longest run of
 * backticks inside; a space pads content that starts or ends with a backtick (CommonMark strips one
 * space on each side). `inTable` escapes `|`, which GFM reads as a column break even inside code
 * spans and turns back into `|` in the cell.
 */
export function codeSpan(text: unknown, options: { max?: number; inTable?: boolean } = {}): string {
  let content = sanitize(text, options.max ?? 400);
  if (content === "") return "—";
  const longest = Math.max(0, ...(content.match(/`+/g) ?? []).map((run) => run.length));
  const fence = "`".repeat(longest + 1);
  if (content.startsWith("`") || content.endsWith("`") || (content.startsWith(" ") && content.endsWith(" ")))
    content = ` ${content} `;
  if (options.inTable) content = content.replace(/\|/g, "\\|");
  // A code span shows `<!--` literally, but the raw body would then hold a second `<!-- ` marker
  // (the workflow finds its comment by the marker): a WORD JOINER keeps it out of the raw text.
  // Likewise `##[`, which the Actions runner reads as a workflow command anywhere in a line of a
  // log, should the comment be printed to one (`npm run plan:summary` without --out).
  content = content.replace(/<!/g, `<${WORD_JOINER}!`).replace(/##\[/g, `##${WORD_JOINER}[`);
  return `${fence}${content}${fence}`;
}

/**
 * Markdown punctuation that can open or close an inline construct (emphasis, code, links, images,
 * strikethrough, table cells) or math (`$`, which GitHub renders as LaTeX). List markers (`-`,
 * `+`, `1.`, `1)`) only matter at the start of a line: every line the renderer writes starts with
 * its own `|` or `- `, and `inertText` escapes them at the start of the text too (a nested list or
 * a thematic break inside a `- ` item).
 */
const MARKDOWN_PUNCTUATION = /[\\`*_{}[\]()#!|~$]/g;

/**
 * Prose as plain text: HTML escaped, Markdown punctuation backslash-escaped, and GitHub's
 * auto-links broken with a WORD JOINER (mentions, issue and commit references, URLs, www., emails).
 */
export function inertText(text: unknown, options: { max?: number } = {}): string {
  const clean = sanitize(text, options.max ?? 400);
  const broken = clean
    // @user, @org/team, a@b.c
    .replace(/@/g, `@${WORD_JOINER}`)
    // #123, owner/repo#123
    .replace(/#/g, `#${WORD_JOINER}`)
    // GH-123
    .replace(/\b(GH)-(?=\d)/gi, `$1${WORD_JOINER}-`)
    // scheme://, mailto:, www.
    .replace(/:\/\//g, `:${WORD_JOINER}//`)
    .replace(/\b(mailto|xmpp):/gi, `$1${WORD_JOINER}:`)
    .replace(/\bwww\./gi, (match) => `${match.slice(0, 3)}${WORD_JOINER}.`)
    // commit SHAs (7-40 hex digits) are linked when they exist in the repository
    .replace(/\b([0-9a-f]{6})(?=[0-9a-f]{1,34}\b)/gi, `$1${WORD_JOINER}`);
  return broken
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(MARKDOWN_PUNCTUATION, (char) => `\\${char}`)
    .replace(/^[-+]/, (char) => `\\${char}`)
    .replace(/^(\d{1,9})([.)])(?= |$)/, "$1\\$2");
}

/**
 * A URL for a Markdown link destination or an autolink (`[text](url)`, `<url>`): every character
 * that could end the destination or start markup (parentheses, brackets, angle brackets, quotes,
 * backticks, backslashes, pipes, white space, controls, anything non-ASCII) is percent-encoded, so
 * the link points where it says and nothing after it renders. Already-encoded `%XX` stay as they are.
 */
export function linkDestination(url: string): string {
  return Array.from(stripUnsafeCharacters(url).replace(/\s+/g, ""))
    .map((character) =>
      /^[A-Za-z0-9\-._~:/?#@!$&*+,;=%]$/.test(character)
        ? character
        : Array.from(
            new TextEncoder().encode(character),
            (byte) => `%${byte.toString(16).toUpperCase().padStart(2, "0")}`,
          ).join(""),
    )
    .join("");
}
