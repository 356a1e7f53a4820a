// Runs `esphil view` / `esphil serve --view` as a user does and reads the
// page through Chromium: lane labels, the side panel, and the pixels of a
// screenshot under each lane.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Page } from 'playwright-core';
import { MAIN } from '../cli/cli.ts';
import { REPO_ROOT } from '../../src/world/defaults.ts';

export interface Running {
  proc: ChildProcess;
  /** stdout and stderr lines as they came. */
  lines: string[];
  /** Resolves with the first output line matching `re` (lines already seen count). */
  waitLine(re: RegExp, ms: number): Promise<string>;
  /** Stops it with SIGTERM (Ctrl-C's sibling); resolves with the exit code. */
  stop(): Promise<number | null>;
}

export function startEsphil(args: string[], env: Record<string, string> = {}): Running {
  const proc = spawn(process.execPath, ['--import', 'tsx', MAIN, ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  const lines: string[] = [];
  const readers = [createInterface({ input: proc.stdout! }), createInterface({ input: proc.stderr! })];
  for (const rl of readers) rl.on('line', (l) => lines.push(l));
  const closed = new Promise<number | null>((r) => proc.once('close', (code) => r(code)));
  return {
    proc,
    lines,
    waitLine: (re, ms) =>
      new Promise((resolve, reject) => {
        const seen = lines.find((l) => re.test(l));
        if (seen) return resolve(seen);
        const timer = setTimeout(() => reject(new Error(`esphil ${args.join(' ')}: no line matching ${re} in ${ms} ms\n${lines.slice(-8).join('\n')}`)), ms);
        const on = (l: string) => {
          if (!re.test(l)) return;
          clearTimeout(timer);
          for (const rl of readers) rl.off('line', on);
          resolve(l);
        };
        for (const rl of readers) rl.on('line', on);
      }),
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      return closed;
    },
  };
}

export const urlIn = (line: string): string => /http:\/\/127\.0\.0\.1:\d+\//.exec(line)![0];

export interface LaneInk {
  label: string;
  aria: string;
  /** Pixels under the lane drawn by the lane itself (not background, idle marks, grid lines or the cursor). */
  ink: number;
  /** Pixels of grid lines (a bar lane's baseline). */
  grid: number;
  /** Pixels of the given colour under the lane. */
  colour: number;
}

/**
 * Takes a screenshot and counts, for each lane's band of the canvas, the pixels
 * that are not background and those of `colour` (hex, within a small tolerance).
 */
export async function screenshotLanes(page: Page, path: string, colour: string): Promise<LaneInk[]> {
  const png = await saveScreenshot(page, path);
  const lanes = await page.$$eval('#lanes [role=listitem]', (els) => els.map((e) => ({ label: e.textContent ?? '', aria: e.getAttribute('aria-label') ?? '', box: e.getBoundingClientRect().toJSON() as DOMRect })));
  const plot = await page.$eval('#plot', (e) => e.getBoundingClientRect().toJSON() as DOMRect);
  const theme = await page.evaluate(() => {
    const css = getComputedStyle(document.documentElement);
    return ['--bg', '--idle', '--grid', '--cursor'].map((v) => css.getPropertyValue(v).trim());
  });
  const counts = await page.evaluate(
    async ({ data, bands, plot, colour, theme }) => {
      const bitmap = await createImageBitmap(await (await fetch(`data:image/png;base64,${data}`)).blob());
      const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
      const ctx = canvas.getContext('2d')!;
      ctx.drawImage(bitmap, 0, 0);
      const rgb = (hex: string) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
      const want = rgb(colour);
      const [bg, idle, grid, cursor] = theme.map(rgb) as [number[], number[], number[], number[]];
      const near = (px: Uint8ClampedArray, i: number, c: number[], tol: number) => Math.abs(px[i]! - c[0]!) <= tol && Math.abs(px[i + 1]! - c[1]!) <= tol && Math.abs(px[i + 2]! - c[2]!) <= tol;
      return bands.map(({ y, height }) => {
        // Inside the band, leaving out its separator lines.
        const top = Math.round(y) + 2;
        const h = Math.max(1, Math.round(height) - 4);
        const img = ctx.getImageData(Math.round(plot.x), top, Math.round(plot.width), h).data;
        let ink = 0;
        let lines = 0;
        let match = 0;
        for (let i = 0; i < img.length; i += 4) {
          if (near(img, i, grid, 6)) lines++;
          else if (!near(img, i, bg, 6) && !near(img, i, idle, 6) && !near(img, i, cursor, 6)) ink++;
          if (near(img, i, want, 24)) match++;
        }
        return { ink, lines, match };
      });
    },
    { data: png.toString('base64'), bands: lanes.map((l) => ({ y: l.box.y, height: l.box.height })), plot, colour, theme },
  );
  return lanes.map((l, i) => ({ label: l.label, aria: l.aria, ink: counts[i]!.ink, grid: counts[i]!.lines, colour: counts[i]!.match }));
}

/** Share of pixels that differ between two PNGs (1 when their sizes differ), decoded by the page. */
async function pngDifference(page: Page, a: Buffer, b: Buffer): Promise<number> {
  return page.evaluate(
    async ([a, b]) => {
      const decode = async (data: string) => {
        const bitmap = await createImageBitmap(await (await fetch(`data:image/png;base64,${data}`)).blob());
        const ctx = new OffscreenCanvas(bitmap.width, bitmap.height).getContext('2d')!;
        ctx.drawImage(bitmap, 0, 0);
        return ctx.getImageData(0, 0, bitmap.width, bitmap.height);
      };
      const [x, y] = await Promise.all([decode(a), decode(b)]);
      if (x.width !== y.width || x.height !== y.height) return 1;
      let differ = 0;
      for (let i = 0; i < x.data.length; i += 4) if (x.data[i] !== y.data[i] || x.data[i + 1] !== y.data[i + 1] || x.data[i + 2] !== y.data[i + 2]) differ++;
      return differ / (x.width * x.height);
    },
    [a.toString('base64'), b.toString('base64')],
  );
}

/** Screen changes smaller than this (a moving time label, the live cursor) leave the saved screenshot alone. */
const SCREENSHOT_CHANGE = 0.02;

/**
 * Takes a full-page screenshot and saves it at `path` (the docs' pictures) when
 * the view looks different from the saved one, so test runs do not rewrite
 * the pictures for a cursor that moved a few pixels.
 */
export async function saveScreenshot(page: Page, path: string): Promise<Buffer> {
  const png = await page.screenshot({ fullPage: true });
  if (!existsSync(path) || (await pngDifference(page, png, readFileSync(path))) > SCREENSHOT_CHANGE) writeFileSync(path, png);
  return png;
}

/** The side panel as text, one "key value" per line. */
export const panelText = (page: Page): Promise<string> => page.$eval('#panel', (e) => (e as HTMLElement).innerText);
