// esphil view in Debian's Chromium: a recorded irrigation day (every lane drawn,
// checked through the lanes' accessible labels and the pixels of a screenshot)
// and the zone-on-off scenario (next SPI byte, the side panel, the URL).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { esphil } from '../cli/cli.ts';
import { needTools } from '../capture/tools.ts';
import { REPO_ROOT } from '../../src/world/defaults.ts';
import { launchChromium, type Browser } from './chromium.ts';
import { writeViewBundle } from '../../src/view/build-assets.ts';
import { panelText, saveScreenshot, screenshotLanes, startEsphil, urlIn, type Running } from './harness.ts';

const tools = needTools('chromium');
const DOCS = join(REPO_ROOT, 'docs');
const RELAY_COLOUR = '#009e73';
const LANES = ['steps', 'MQTT', 'SCK', 'MOSI', 'MISO', 'SS', 'RESET', ...[0, 1, 2, 3, 4, 5, 6, 7].map((n) => `PD${n}`), ...[0, 1, 2, 3, 4, 5, 6, 7].map((z) => `relay ${z}`), 'serial', 'node'];

describe.skipIf(tools.skip)('esphil view', () => {
  let browser: Browser;
  const servers: Running[] = [];

  beforeAll(async () => {
    tools.assert();
    await writeViewBundle(); // the page as the sources are now, not as last installed
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    for (const s of servers) await s.stop();
  });

  async function view(args: string[]): Promise<string> {
    const s = startEsphil(['view', ...args, '--port', '0']);
    servers.push(s);
    return urlIn(await s.waitLine(/^esphil view: .* at http:/, 60_000));
  }

  it('draws every lane of a recorded irrigation day', async () => {
    // Under the repository's (ignored) tmp/, so the page names it the same way in every run and its picture stays put.
    mkdirSync(join(REPO_ROOT, 'tmp'), { recursive: true });
    const trace = 'tmp/irrigation-day.jsonl';
    const run = await esphil(['run', 'fixtures/scenarios/irrigation-day.yaml', '--trace', trace]);
    expect(run.code, run.stderr).toBe(0);
    const { page } = browser;
    await page.goto(await view([trace]));
    await page.waitForSelector('body[data-ready="1"]');
    const lanes = await screenshotLanes(page, join(DOCS, 'view-day.png'), RELAY_COLOUR);
    expect(lanes.map((l) => l.label)).toEqual(LANES);
    const width = await page.$eval('#plot', (e) => e.clientWidth);
    for (const l of lanes) {
      expect(l.aria, l.label).toMatch(new RegExp(`^${l.label} lane: `));
      // Something drawn across the lane: a signal, bars, marks, or at least a bar lane's baseline.
      expect(l.ink + l.grid, `${l.label}: ${JSON.stringify(l)}`).toBeGreaterThan(width / 2);
    }
    const byLabel = new Map(lanes.map((l) => [l.label, l]));
    for (const label of ['steps', 'MQTT', 'SCK', 'MOSI', 'MISO', 'SS', 'serial', 'node']) expect(byLabel.get(label)!.ink, label).toBeGreaterThan(200);
    expect(byLabel.get('MQTT')!.aria).toMatch(/MQTT lane: \d{4,} packets between operator, broker and node, 0 refused/);
    expect(byLabel.get('SCK')!.aria).toMatch(/SCK lane: \d+ edges in \d+ SPI windows/);
    expect(byLabel.get('steps')!.aria).toMatch(/, 0 failed$/);
    // The day waters zones 0, 3, 5, 1 and 7: their relay lanes have bars, the others none.
    for (const z of [0, 1, 3, 5, 7]) {
      expect(byLabel.get(`relay ${z}`)!.colour, `relay ${z}`).toBeGreaterThan(50);
      expect(byLabel.get(`relay ${z}`)!.aria).toMatch(/bar when energised, [1-9]\d* switch-on/);
    }
    for (const z of [2, 4, 6]) {
      expect(byLabel.get(`relay ${z}`)!.colour, `relay ${z}`).toBe(0);
      expect(byLabel.get(`relay ${z}`)!.aria).toMatch(/0 switch-ons/);
    }
    // Idle stretches are compressed and say how long they are.
    expect(await page.$eval('#plot', (e) => (e as HTMLCanvasElement).width)).toBeGreaterThan(0);
    await page.keyboard.press('t');
    await page.waitForFunction(() => document.documentElement.dataset['theme'] === 'dark');
    const dark = await screenshotLanes(page, join(DOCS, 'view-day-dark.png'), RELAY_COLOUR);
    expect(dark.find((l) => l.label === 'relay 0')!.colour).toBeGreaterThan(200);
    await page.keyboard.press('t');
  });

  it('steps to the first zone command with "next SPI byte" and shows 0xFB and PORTD at the cursor', async () => {
    const url = await view(['fixtures/scenarios/zone-on-off.yaml']);
    const { page } = browser;
    await page.goto(url);
    await page.waitForSelector('body[data-ready="1"]');
    await page.getByRole('button', { name: 'next SPI byte' }).click();
    // The page redraws the panel in its next animation frame, not inside the click.
    await expect.poll(() => panelText(page)).toMatch(/SPI byte at T\+\d+:\d\d:\d\d\.\d{9}/);
    const first = await panelText(page);
    // Nothing before the first byte.
    await page.keyboard.press('Shift+B');
    await expect.poll(() => page.textContent('#status')).toBe('no previous SPI byte');
    expect(await panelText(page)).toBe(first);
    // setup() sends no SPI byte (docs/architecture.md): the first byte on the bus is the first zone command.
    const panel = first;
    expect(panel).toMatch(/MOSI\s+0xFB 0b11111011/);
    expect(panel).toMatch(/zones on\s+2/);
    expect(panel).toMatch(/PORTD after\s+0xFB 0b11111011/);
    expect(panel).toMatch(/SPDR\s+0xFB/);
    expect(panel).toMatch(/state\(\)\s+0 MQTT_CONNECTED/);
    // Zoom down to the byte's SCK edges; the URL names file, time and zoom.
    await page.keyboard.press('z');
    await saveScreenshot(page, join(DOCS, 'view-spi-byte.png'));
    await page.waitForFunction(() => /span=6000/.test(location.hash));
    const link = page.url();
    expect(link).toMatch(/#file=fixtures%2Fscenarios%2Fzone-on-off\.yaml&t=\d+&span=6000$/);
    const again = await browser.context.newPage();
    await again.goto(link);
    await again.waitForSelector('body[data-ready="1"]');
    expect(await panelText(again)).toBe(panel);
    await again.close();
  });

  it('run --view streams the scenario to the page and keeps it up until Ctrl-C, exiting with the run\'s code', async () => {
    const run = startEsphil(['run', 'fixtures/scenarios/zone-on-off.yaml', '--view', '--view-port', '0']);
    servers.push(run);
    const url = urlIn(await run.waitLine(/^esphil run: view at http:/, 60_000));
    const { page } = browser;
    await page.goto(url);
    await page.waitForSelector('body[data-ready="1"]');
    await run.waitLine(/finished; the view stays at/, 60_000);
    await page.waitForFunction(() => /1 switch-on$/.test(document.querySelector('#lanes [data-lane="relay2"]')!.getAttribute('aria-label')!), undefined, { timeout: 20_000 });
    await expect.poll(() => page.getAttribute('#lanes [data-lane="steps"]', 'aria-label')).toMatch(/steps lane: \d+ scenario steps, 0 failed/);
    expect(await run.stop()).toBe(0);
  });
});
