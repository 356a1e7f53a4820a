// The real clock and timers, whatever the world has faked: the world installs
// @sinonjs/fake-timers over Date/setInterval, and fake-timers keeps the originals.
import FakeTimers from '@sinonjs/fake-timers';

const real = FakeTimers.timers;

/** Wall-clock milliseconds since the epoch. */
export function wallMs(): number {
  return real.Date.now();
}

/** A real interval that never keeps the process alive; returns its canceller. */
export function realInterval(fn: () => void, ms: number): () => void {
  const h = real.setInterval(fn, ms) as unknown as { unref?: () => void };
  h.unref?.();
  return () => real.clearInterval(h as never);
}
