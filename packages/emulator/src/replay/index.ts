export { diffTimelines, type DiffOptions, type TimelineDiff, type TimelineDifference } from './diff.ts';
export { NODE_CLIENT_ID, NODE_TOPICS, planReplay, type ReplayCommand, type ReplayPlan, type ReplayPlanOptions } from './plan.ts';
export { runReplay, zoneTimersDeadlineNs, ZONE_ON_TOPIC, type ReplayResult, type ReplayRunOptions, type ReplayWorld } from './run.ts';
export {
  formatTimelineJson, formatTimelineText, formatSinceSubscribed, parseTimeline, TimelineError, toTimeline,
  type ParseTimelineOptions, type RelayChange, type RelayEventNs,
} from './timeline.ts';
export { topicMatches, validateTopicFilter } from './topic-filter.ts';
