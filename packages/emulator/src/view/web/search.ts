// Binary search over ascending times (virtual ns as numbers).

function search(times: ArrayLike<number>, before: (x: number) => boolean): number {
  let lo = 0;
  let hi = times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (before(times[mid]!)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first time >= t (times.length if none). */
export const lowerIndex = (times: ArrayLike<number>, t: number): number => search(times, (x) => x < t);

/** Index of the first time > t (times.length if none). */
export const upperIndex = (times: ArrayLike<number>, t: number): number => search(times, (x) => x <= t);
