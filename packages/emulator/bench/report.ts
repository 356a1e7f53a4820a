// The benchmarks' output: one JSON object per line, {"name","value","unit","goal"}.
export function report(name: string, value: number, unit: string, goal: string): void {
  console.log(JSON.stringify({ name, value: Math.round(value * 100) / 100, unit, goal }));
}

export const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
