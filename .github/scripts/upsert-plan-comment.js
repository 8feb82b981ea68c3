// Creates or edits the one pull-request comment per stack that carries the plan summary.
// Used from actions/github-script (`require` resolves from the workspace): the comment is found by the
// hidden marker line that `npm run plan:summary` and `npm run plan -- --markdown` write first.
const MARKER_PREFIX = "<!-- platform-plan-summary:stack=";
const COMMENT_LIMIT = 65536;
const STACK_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/**
 * @param {{ github: any, context: any, core: any }} tools the objects actions/github-script provides
 * @param {{ issueNumber: number, stack: string, body: string }} comment
 */
module.exports = async function upsertPlanComment({ github, context, core }, { issueNumber, stack, body }) {
  if (!STACK_NAME.test(stack)) throw new Error(`refusing to comment for stack name ${JSON.stringify(stack)}`);
  const marker = `${MARKER_PREFIX}${stack} -->`;
  // The body may come from an untrusted fork build: drop any marker it carries and put our own first,
  // so it cannot take over another stack's comment.
  const text = body
    .split("\n")
    .filter((line) => !line.startsWith(MARKER_PREFIX))
    .join("\n");
  let full = `${marker}\n${text}`;
  if (full.length > COMMENT_LIMIT) {
    full = `${marker}\nThe plan summary for \`${stack}\` is too long for a comment; see the workflow run log.`;
  }

  const { owner, repo } = context.repo;
  const comments = await github.paginate(github.rest.issues.listComments, {
    owner,
    repo,
    issue_number: issueNumber,
    per_page: 100,
  });
  const existing = comments.find(
    (comment) => comment.user?.login === "github-actions[bot]" && comment.body?.startsWith(marker),
  );
  if (existing) {
    await github.rest.issues.updateComment({ owner, repo, comment_id: existing.id, body: full });
    core.info(`updated comment ${existing.id} for stack ${stack}`);
  } else {
    const created = await github.rest.issues.createComment({
      owner,
      repo,
      issue_number: issueNumber,
      body: full,
    });
    core.info(`created comment ${created.data.id} for stack ${stack}`);
  }
};
