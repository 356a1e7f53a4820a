// Next/previous over the things an engineer looks for, and the keys and
// toolbar buttons that move the cursor and the view.
import type { RunModel } from './model.ts';
import { lowerIndex, upperIndex } from './search.ts';

export type TargetKind = 'byte' | 'mqtt' | 'relay' | 'fail';

export const TARGETS: Record<TargetKind, { name: string; key: string; times(m: RunModel): readonly number[] }> = {
  byte: { name: 'SPI byte', key: 'b', times: (m) => m.byteT },
  mqtt: { name: 'MQTT message', key: 'm', times: (m) => m.messageT },
  relay: { name: 'relay change', key: 'r', times: (m) => m.relayChangeT },
  fail: { name: 'failed step', key: 'f', times: (m) => m.failT },
};

/** The first target after `t` (dir 1) or the last before it (dir -1). */
export function step(times: readonly number[], t: number, dir: 1 | -1): number | undefined {
  return dir > 0 ? times[upperIndex(times, t)] : times[lowerIndex(times, t) - 1];
}

export interface Actions {
  go(kind: TargetKind, dir: 1 | -1): void;
  zoom(factor: number): void;
  pan(fraction: number): void;
  fit(): void;
  zoomToEdges(): void;
  home(): void;
  end(): void;
  toggleCompression(): void;
  toggleTheme(): void;
}

/** Keys: b/B SPI byte, m/M MQTT, r/R relay, f/F failed step (shift = previous); arrows pan; + - zoom; 0 fit; z SCK edges; c compression; t theme. */
export function bindKeys(target: HTMLElement | Document, a: Actions): void {
  target.addEventListener('keydown', (ev) => {
    const e = ev as KeyboardEvent;
    if (e.ctrlKey || e.metaKey || e.altKey || (e.target as HTMLElement | null)?.tagName === 'INPUT') return;
    const lower = e.key.toLowerCase();
    const kind = (Object.keys(TARGETS) as TargetKind[]).find((k) => TARGETS[k].key === lower);
    const handled = (() => {
      if (kind) return a.go(kind, e.shiftKey ? -1 : 1), true;
      switch (e.key) {
        case 'ArrowRight':
          return a.pan(0.2), true;
        case 'ArrowLeft':
          return a.pan(-0.2), true;
        case '+':
        case '=':
        case 'ArrowUp':
          return a.zoom(0.5), true;
        case '-':
        case 'ArrowDown':
          return a.zoom(2), true;
        case '0':
          return a.fit(), true;
        case 'Home':
          return a.home(), true;
        case 'End':
          return a.end(), true;
      }
      switch (lower) {
        case 'z':
          return a.zoomToEdges(), true;
        case 'c':
          return a.toggleCompression(), true;
        case 't':
          return a.toggleTheme(), true;
      }
      return false;
    })();
    if (handled) e.preventDefault();
  });
}
