// Things a user should hear about once per process, not once per world (a
// `run` of twenty scenarios on one conf says it once): printed on stderr.
const said = new Set<string>();

export function noticeOnce(text: string): void {
  if (said.has(text)) return;
  said.add(text);
  console.error(text);
}
