// serve --view in Debian's Chromium: a mosquitto_pub of "2 120" to the served
// broker shows up on the live page as an MQTT arrow, an SPI byte and a relay bar.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { needTools } from '../capture/tools.ts';
import { PKI, REPO_ROOT } from '../../src/world/defaults.ts';
import { launchChromium, type Browser } from './chromium.ts';
import { writeViewBundle } from '../../src/view/build-assets.ts';
import { panelText, screenshotLanes, startEsphil, type Running } from './harness.ts';

const tools = needTools('chromium', 'mosquitto_pub');
const RELAY_COLOUR = '#009e73';
const ariaOf = (lane: string) => `#lanes [data-lane="${lane}"]`;

describe.skipIf(tools.skip)('esphil serve --view', () => {
  let browser: Browser | undefined;
  let serve: Running | undefined;
  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
  });

  it('shows the MQTT arrow, the SPI byte and the relay bar of a mosquitto_pub', async () => {
    tools.assert();
    await writeViewBundle(); // the page as the sources are now, not as last installed
    serve = startEsphil(['serve', '--port', '0', '--json', '--speed', '5', '--view', '--view-port', '0']);
    const ready = JSON.parse(await serve.waitLine(/"event":"ready"/, 60_000)) as { port: number };
    const { url } = JSON.parse(await serve.waitLine(/"event":"view"/, 10_000)) as { url: string };
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    browser = await launchChromium();
    const { page } = browser;
    await page.goto(url);
    await page.waitForSelector('body[data-ready="1"]');
    // The node subscribes after Wi-Fi, NTP and TLS: a few virtual seconds; the page sees it happen.
    await serve.waitLine(/"what":"broker-client-connected".*"clientId":"sec_mqtt_client_00_03"/, 60_000);
    await expect.poll(() => page.getAttribute(ariaOf('mqtt'), 'aria-label'), { timeout: 20_000 }).toMatch(/MQTT lane: ([3-9]|\d\d+) packets/);
    expect(await page.getAttribute(ariaOf('relay2'), 'aria-label')).toMatch(/0 switch-ons/);

    const pub = spawnSync('mosquitto_pub', ['--cafile', join(PKI, 'ca.crt'), '--cert', join(PKI, 'operator.crt'), '--key', join(PKI, 'operator.key'), '-h', '127.0.0.1', '-p', String(ready.port), '-t', 'irrigation/zone/on', '-m', '2 120'], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 20_000 });
    expect(pub.stderr).toBe('');
    expect(pub.status).toBe(0);
    const sent = Date.now();
    await page.waitForFunction(() => /1 switch-on$/.test(document.querySelector('#lanes [data-lane="relay2"]')!.getAttribute('aria-label')!), undefined, { timeout: 20_000 });
    const shownMs = Date.now() - sent;
    console.log(`serve --view: relay 2 on the page ${shownMs} ms after mosquitto_pub returned`);
    expect(await page.getAttribute(ariaOf('sck'), 'aria-label')).toMatch(/in [1-9]\d* SPI windows?$/);
    // The operator's PUBLISH and the broker's PUBLISH to the node are arrows with their payload.
    let presses = 0;
    while (!(await panelText(page)).includes('PUBLISH irrigation/zone/on "2 120"') && presses++ < 30) await page.keyboard.press('m');
    expect(presses).toBeLessThan(30);
    await page.keyboard.press('b');
    await expect.poll(() => panelText(page)).toMatch(/MOSI\s+0xFB 0b11111011/);
    await page.keyboard.press('0');
    await page.waitForTimeout(300);
    const lanes = await screenshotLanes(page, join(REPO_ROOT, 'docs', 'view-live.png'), RELAY_COLOUR);
    expect(lanes.find((l) => l.label === 'relay 2')!.colour).toBeGreaterThan(20);
    expect(lanes.find((l) => l.label === 'relay 3')!.colour).toBe(0);
  }, 180_000);
});
