// A digital signal as the list of moments it changes level; the level before
// the first change is `initial`.
import { upperIndex } from './search.ts';

export class Levels {
  readonly t: number[] = [];
  readonly v: (0 | 1)[] = [];
  constructor(readonly initial: 0 | 1) {}

  /** Records a level at `t` (times must not go backwards); repeats of the current level are dropped. */
  set(t: number, v: 0 | 1): void {
    if (this.at(Infinity) === v) return;
    const last = this.t.length - 1;
    if (last >= 0 && this.t[last] === t) {
      this.v[last] = v;
      return;
    }
    this.t.push(t);
    this.v.push(v);
  }

  /** Level at `t` (after any change at exactly `t`). */
  at(t: number): 0 | 1 {
    const i = t === Infinity ? this.t.length : upperIndex(this.t, t);
    return i === 0 ? this.initial : this.v[i - 1]!;
  }
}
