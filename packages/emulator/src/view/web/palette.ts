// Colours come from style.css (custom properties per theme), so the canvas and
// the page switch between light and dark together. The hues are the
// Okabe-Ito set, distinguishable with the common colour-vision deficiencies;
// pass/fail and refusals also differ in shape (check, cross, dashed), not only in colour.
export interface Palette {
  bg: string;
  fg: string;
  dim: string;
  grid: string;
  idle: string;
  sck: string;
  mosi: string;
  miso: string;
  ss: string;
  reset: string;
  pd: string;
  relay: string;
  toBroker: string;
  fromBroker: string;
  refused: string;
  pass: string;
  fail: string;
  node: string;
  cursor: string;
}

const KEYS: (keyof Palette)[] = ['bg', 'fg', 'dim', 'grid', 'idle', 'sck', 'mosi', 'miso', 'ss', 'reset', 'pd', 'relay', 'toBroker', 'fromBroker', 'refused', 'pass', 'fail', 'node', 'cursor'];

const cssName = (k: string): string => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

export function readPalette(el: Element = document.documentElement): Palette {
  const style = getComputedStyle(el);
  const p = {} as Palette;
  for (const k of KEYS) p[k] = style.getPropertyValue(cssName(k)).trim() || '#888';
  return p;
}

export type Theme = 'light' | 'dark';

export function initialTheme(): Theme {
  const saved = localStorage.getItem('esphil-view-theme');
  if (saved === 'light' || saved === 'dark') return saved;
  return matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

export function applyTheme(theme: Theme): void {
  document.documentElement.dataset['theme'] = theme;
  localStorage.setItem('esphil-view-theme', theme);
}
