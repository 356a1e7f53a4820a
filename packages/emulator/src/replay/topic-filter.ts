// MQTT topic filters (MQTT 3.1.1 section 4.7) for --topic: validated here with
// replay's own messages, matched exactly as the broker matches them.
export { topicMatches } from '@esphil/broker';

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
