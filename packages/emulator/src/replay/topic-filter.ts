// MQTT topic filters (MQTT 3.1.1 section 4.7): '+' matches one level, '#' the
// rest (including the parent level), topics starting with '$' are not matched
// by a leading wildcard.

export function validateTopicFilter(filter: string): void {
  if (filter === '') throw new Error('topic filter is empty');
  const levels = filter.split('/');
  levels.forEach((l, i) => {
    if (l.includes('#') && (l !== '#' || i !== levels.length - 1)) {
      throw new Error(`topic filter "${filter}": '#' must be a whole level and the last one`);
    }
    if (l.includes('+') && l !== '+') throw new Error(`topic filter "${filter}": '+' must be a whole level`);
  });
}

export function topicMatches(filter: string, topic: string): boolean {
  const f = filter.split('/');
  const t = topic.split('/');
  if (topic.startsWith('$') && (f[0] === '+' || f[0] === '#')) return false;
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return true;
    if (i >= t.length) return false;
    if (f[i] !== '+' && f[i] !== t[i]) return false;
  }
  return f.length === t.length;
}
