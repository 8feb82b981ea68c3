export { classifyResourceType, type ResourceClass } from "./classify";
export { type EngineEvent, EventLogError, parseEventLog } from "./events";
export {
  COMMENT_MARKER_PREFIX,
  commentMarker,
  DEFAULT_MAX_LENGTH,
  GITHUB_COMMENT_LIMIT,
  planResultToSummary,
  type RenderOptions,
  type RenderPlanOptions,
  renderPlanMarkdown,
  renderSummaryMarkdown,
} from "./markdown";
export {
  type ChangeKind,
  type PlanSummary,
  type ResourceChange,
  type SummaryViolation,
  stripColorMarkup,
  summarizeEvents,
} from "./summarize";
