// Text patterns of scenario files: `/regex/flags` is a JavaScript regular
// expression, anything else must occur literally (substring).

export interface TextMatcher {
  test(text: string): boolean;
  /** As written in the scenario: /re/i or "text". */
  readonly shown: string;
}

const REGEX_LITERAL = /^\/(.*)\/([dgimsuvy]*)$/s;

/** Parses a pattern or throws an Error saying why the regex does not compile. */
export function textMatcher(pattern: string): TextMatcher {
  const m = REGEX_LITERAL.exec(pattern);
  if (!m) return { test: (t) => t.includes(pattern), shown: JSON.stringify(pattern) };
  let re: RegExp;
  try {
    // g and y make test() stateful across calls; matching here is always one-shot.
    re = new RegExp(m[1]!, m[2]!.replace(/[gy]/g, ''));
  } catch (e) {
    throw new Error(`bad regular expression ${pattern}: ${(e as Error).message}`);
  }
  return { test: (t) => re.test(t), shown: pattern };
}

/** MQTT 3.1.1 §4.7 topic filter matching, as the broker does it. */
export { topicMatches } from '@esphil/broker';

/**
 * topicFilterError as patterns, for the scenario JSON Schema: a topic name is
 * non-empty without wildcards; in a filter `+` is a whole level and `#` the whole last one.
 */
export const TOPIC_NAME_PATTERN = '^[^+#]+$';
export const TOPIC_FILTER_PATTERN = '^(?!$)(?:(?:\\+|[^/+#]*)/)*(?:\\+|#|[^/+#]*)$';

/** Why `filter` is not a usable topic filter (§4.7.1), or null. */
export function topicFilterError(filter: string, wildcards: boolean): string | null {
  if (filter === '') return 'empty topic';
  const levels = filter.split('/');
  for (const [i, l] of levels.entries()) {
    if (!wildcards && (l.includes('+') || l.includes('#'))) return `a topic name cannot hold wildcards (+ #): "${filter}"`;
    if (l.includes('#') && (l !== '#' || i !== levels.length - 1)) return `'#' must be a whole last level in "${filter}"`;
    if (l.includes('+') && l !== '+') return `'+' must be a whole level in "${filter}"`;
  }
  return null;
}
