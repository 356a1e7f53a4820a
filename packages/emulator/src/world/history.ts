// What the world remembers for scenario steps to look back at (serial lines,
// PUBLISHes seen at the broker). Only what can still be asked for is kept:
// nothing where no scenario runs (serve, replay), and from the current step
// on when no later step looks back to boot (the runner says so).

export class History<T> {
  private items: T[] = [];
  private keeping = true;

  push(x: T): void {
    if (this.keeping) this.items.push(x);
  }

  /** Everything kept, oldest first. */
  get all(): readonly T[] {
    return this.items;
  }

  /** Nothing recorded so far can be asked for any more. */
  forget(): void {
    if (this.items.length) this.items = [];
  }

  /** Whether to record at all; off forgets what was kept. */
  keep(on: boolean): void {
    this.keeping = on;
    if (!on) this.forget();
  }
}
