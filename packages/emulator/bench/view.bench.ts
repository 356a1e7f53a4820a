// The browser view in Debian's Chromium: how long a virtual day's trace takes
// from navigation to its first complete drawing, and how long one redraw takes
// with over 100,000 events in the run.
import { join } from 'node:path';
import { loadScenario } from '../src/scenario/loader.ts';
import { runScenario } from '../src/scenario/runner.ts';
import { World } from '../src/world/world.ts';
import { worldConfigFor } from '../src/world/resolve.ts';
import { FIXTURES } from '../src/world/defaults.ts';
import { TraceRecorder } from '../src/trace/recorder.ts';
import type { TraceEvent } from '../src/trace/events.ts';
import { staticFeed } from '../src/view/feed.ts';
import { startViewServer } from '../src/view/server.ts';
import { writeViewBundle } from '../src/view/build-assets.ts';
import { haveChromium, launchChromium } from '../test/view/chromium.ts';
import type { Page } from 'playwright-core';

const LOADS = 5;
const DRAWS = 30;
const DAY_NS = 86_400_000_000_000n;

function report(name: string, value: number, unit: string, goal: string): void {
  console.log(JSON.stringify({ name, value: Math.round(value * 100) / 100, unit, goal }));
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function irrigationDay(): Promise<TraceEvent[]> {
  const scenario = await loadScenario(join(FIXTURES, 'scenarios', 'irrigation-day.yaml'));
  const world = await World.create(worldConfigFor(scenario.node));
  const trace = new TraceRecorder();
  world.onTrace((e) => trace.record(e));
  world.powerOn();
  const result = await runScenario(scenario, world);
  await world.close();
  if (result.status !== 'pass') throw new Error(`irrigation-day failed: ${result.failure?.message}`);
  return [...trace.events];
}

/** The same day again and again, a day apart: a long run with as many events as wanted. */
function days(day: readonly TraceEvent[], n: number): TraceEvent[] {
  const shift = <T extends { t: bigint; end?: bigint }>(x: T, by: bigint): T => ({ ...x, t: x.t + by, ...(x.end !== undefined ? { end: x.end + by } : {}) });
  const out: TraceEvent[] = [];
  for (let d = 0n; d < BigInt(n); d++) {
    for (const e of day) out.push(e.kind === 'spi' ? { ...shift(e, d * DAY_NS), bytes: e.bytes.map((b) => shift(b, d * DAY_NS)) } : shift(e, d * DAY_NS));
  }
  return out;
}

async function loadMs(page: Page, url: string): Promise<number> {
  await page.goto(url);
  await page.waitForSelector('body[data-ready="1"]', { timeout: 60_000 });
  return page.evaluate(() => performance.getEntriesByName('esphil-ready')[0]!.startTime);
}

async function drawMs(page: Page): Promise<number> {
  await page.evaluate(() => performance.clearMeasures('esphil-draw'));
  const keys = ['+', '-', 'ArrowRight', 'ArrowLeft', 'c', 'c', '0', 'm'];
  for (let i = 0; i < DRAWS; i++) {
    await page.keyboard.press(keys[i % keys.length]!);
    await page.waitForFunction((n) => performance.getEntriesByName('esphil-draw').length > n, i);
  }
  return median(await page.evaluate(() => performance.getEntriesByName('esphil-draw').map((m) => m.duration)));
}

if (!haveChromium()) {
  console.error('view bench: no Chromium (install Debian package chromium); skipped');
  process.exit(0);
}
await writeViewBundle();
const day = await irrigationDay();
const long = days(day, Math.ceil(100_000 / day.length) + 1);
const dayServer = await startViewServer(staticFeed('irrigation-day.jsonl', day), { port: 0 });
const longServer = await startViewServer(staticFeed('irrigation-days.jsonl', long), { port: 0 });
const browser = await launchChromium();
try {
  await loadMs(browser.page, dayServer.url); // a fresh profile's first page also compiles the bundle
  const loads: number[] = [];
  for (let i = 0; i < LOADS; i++) loads.push(await loadMs(browser.page, `${dayServer.url}?load=${i}`));
  report('view.load_ms', median(loads), 'ms', '<= 1000');
  await loadMs(browser.page, longServer.url);
  report('view.draw_ms', await drawMs(browser.page), 'ms', `<= 16 (${long.length} events)`);
} finally {
  await browser.close();
  await dayServer.close();
  await longServer.close();
}
