// The position in the page's URL, so a link names what is on screen:
// #file=<trace or scenario>&t=<cursor ns>&span=<visible display ns>[&idle=linear]
export interface Position {
  file?: string;
  t?: number;
  span?: number;
  linear?: boolean;
}

export function readPosition(hash = location.hash): Position {
  const q = new URLSearchParams(hash.replace(/^#/, ''));
  const num = (k: string): number | undefined => {
    const v = q.get(k);
    return v !== null && /^\d+(\.\d+)?$/.test(v) ? Number(v) : undefined;
  };
  const pos: Position = {};
  const file = q.get('file');
  if (file !== null) pos.file = file;
  const t = num('t');
  if (t !== undefined) pos.t = t;
  const span = num('span');
  if (span !== undefined) pos.span = span;
  if (q.get('idle') === 'linear') pos.linear = true;
  return pos;
}

export function writePosition(p: Required<Omit<Position, 'linear'>> & { linear: boolean }): void {
  const q = new URLSearchParams({ file: p.file, t: String(Math.round(p.t)), span: String(Math.round(p.span)) });
  if (p.linear) q.set('idle', 'linear');
  history.replaceState(null, '', `#${q}`);
}
