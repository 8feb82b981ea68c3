// Wraps the plan Markdown of a fork's pull request under the platform's own banner, as inert text.
// The fork's workflow ran the pull request's own code, so its artifact may say anything: it is shown
// inside a fenced code block (no Markdown, HTML, links, images, mentions or references are rendered
// there), fenced with more backticks than it holds, without terminal escapes, control or bidi
// characters, and cut to fit in one comment. Used by preview-comment.yml from actions/github-script.
const MAX_UNTRUSTED_CHARACTERS = 60000;
const MARKER_PREFIX = "<!-- platform-plan-summary:stack=";

// biome-ignore lint/suspicious/noControlCharactersInRegex: terminal escapes are what this removes
const ANSI = /\u001b(?:\[[0-?]*[ -/]*[@-~]|\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|[@-Z\\-_])/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this removes
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;
// Format characters (bidi, zero-width, tags that spell hidden text) and variation selectors.
const INVISIBLE = /[\p{Cf}\p{Variation_Selector}]/gu;
// Half a surrogate pair (also what a cut in the middle of an emoji leaves): shown as U+FFFD.
const LONE_SURROGATE = /\p{Cs}/gu;

/**
 * @param {string} body the artifact's plan.md, untrusted
 * @param {{ stack: string, runUrl: string, headSha: string }} source where it came from
 * @returns {string} the comment body (without the marker line, which upsert-plan-comment.js adds)
 */
module.exports = function wrapUntrustedPlan(body, { stack, runUrl, headSha }) {
  let text = String(body)
    .replace(/\r\n?/g, "\n")
    .split("\n")
    .filter((line) => !line.startsWith(MARKER_PREFIX))
    .join("\n")
    .replace(ANSI, "")
    .replace(CONTROL, "")
    .replace(INVISIBLE, "")
    .replace(LONE_SURROGATE, "\ufffd")
    // Only the platform's own marker line may hold `<!--` in the raw comment (the fence shows the text as it is).
    .replace(/<!/g, "<\u2060!")
    .trim();
  let cut = "";
  if (text.length > MAX_UNTRUSTED_CHARACTERS) {
    text = text.slice(0, MAX_UNTRUSTED_CHARACTERS).replace(LONE_SURROGATE, "\ufffd");
    cut = `\n\n_Cut at ${MAX_UNTRUSTED_CHARACTERS} characters: see the workflow run for the rest._`;
  }
  const longest = Math.max(0, ...(text.match(/`+/g) || []).map((run) => run.length));
  const fence = "`".repeat(Math.max(3, longest + 1));
  return (
    [
      `### Offline plan for stack \`${stack}\`: untrusted output from a fork`,
      "",
      "> [!CAUTION]",
      "> **Not computed by the platform.** This pull request comes from a fork, so its plan was computed",
      "> by the pull request's own code in the fork's workflow run, which may have changed the planner,",
      "> the policy pack or this text. It is shown below as plain text and proves nothing: review the",
      "> code, and rely on the platform's preview after the change is pushed to a branch of this",
      "> repository.",
      `> Run: ${runUrl} · commit \`${headSha}\``,
      "",
      "<details><summary>Fork's plan output (untrusted, plain text)</summary>",
      "",
      `${fence}text`,
      text,
      fence,
      "",
      "</details>",
    ].join("\n") + cut
  );
};
