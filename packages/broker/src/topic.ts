// MQTT 3.1.1 §4.7 topic names and filters; matching as mosquitto's
// mosquitto_topic_matches_sub() and its %c/%u pattern variant (lib/util_topic.c).

/** True when `topic` (a concrete topic name) matches `filter` (may hold + and #). */
export function topicMatches(filter: string, topic: string): boolean {
  // [MQTT-4.7.2-1] filters starting with a wildcard do not match $-topics.
  if (topic.startsWith('$') && !filter.startsWith('$')) return false;
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return i === f.length - 1;
    if (i >= t.length) return false;
    if (f[i] !== '+' && f[i] !== t[i]) return false;
  }
  return f.length === t.length;
}

/**
 * True when every topic matched by `filter` is also matched by `acl`, i.e. a
 * subscription to `filter` can only ever carry topics the ACL entry covers.
 */
export function filterCoveredBy(acl: string, filter: string): boolean {
  const a = acl.split('/');
  const f = filter.split('/');
  for (let i = 0; i < a.length; i++) {
    if (a[i] === '#') return true;
    if (i >= f.length) return false;
    if (f[i] === '#') return false;
    if (a[i] === '+') continue;
    if (f[i] === '+' || f[i] !== a[i]) return false;
  }
  return a.length === f.length;
}

/** Why `filter` is not a valid subscription filter, or null (MQTT 3.1.1 §4.7.1). */
export function filterError(filter: string): string | null {
  if (filter.length === 0) return 'empty topic filter';
  const levels = filter.split('/');
  for (let i = 0; i < levels.length; i++) {
    const l = levels[i]!;
    if (l.includes('#') && (l !== '#' || i !== levels.length - 1)) return `'#' must be a whole last level in "${filter}"`;
    if (l.includes('+') && l !== '+') return `'+' must be a whole level in "${filter}"`;
  }
  return null;
}
