// Virtual time as printed in JSON lines: seconds since the world started,
// to the microsecond.
export function secondsOf(tNs: bigint): number {
  return Number(tNs / 1000n) / 1e6;
}
