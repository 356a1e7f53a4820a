// A real programmer as a second client: Debian's avrdude talks STK500 v1 (-c arduino) over TCP
// to `esphil serve --isp-port`, where the emulated ESP8266 programs the emulated ATmega168
// through the same serial programming path as the MQTT update.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseIntelHex } from '@esphil/avr-slave';
import { BUNDLED_POLL_HEX, PKI } from '../../src/world/defaults.ts';
import { needTools } from '../capture/tools.ts';
import { startServe, type ServeProcess } from './serve-process.ts';

const tools = needTools('avrdude', 'mosquitto_pub');

function avrdude(port: number, ...ops: string[]): { out: string; status: number | null } {
  const r = spawnSync('avrdude', ['-c', 'arduino', '-P', `net:127.0.0.1:${port}`, '-p', 'm168', ...ops.flatMap((o) => ['-U', o])], { encoding: 'utf8', timeout: 120_000 });
  return { out: r.stdout + r.stderr, status: r.status };
}

async function zoneOn(serve: ServeProcess, brokerPort: number, zone: number): Promise<number[]> {
  const pub = spawnSync('mosquitto_pub', [
    '--cafile', join(PKI, 'ca.crt'), '--cert', join(PKI, 'operator.crt'), '--key', join(PKI, 'operator.key'),
    '-h', '127.0.0.1', '-p', String(brokerPort), '-t', 'irrigation/zone/on', '-m', `${zone} 600`,
  ], { encoding: 'utf8', timeout: 20_000 });
  expect(pub.status, pub.stderr).toBe(0);
  const e = await serve.waitFor((e) => e.event === 'relays' && (e.on as number[]).includes(zone), 20_000);
  return e.on as number[];
}

describe.skipIf(tools.skip)('avrdude through esphil serve --isp-port', () => {
  it('reads the signature and fuses, writes and verifies flash and reads it back byte for byte, round-trips EEPROM; relays work before and after', async () => {
    tools.assert();
    const serve = startServe(['--port', '0', '--isp-port', '0', '--speed', '4']);
    try {
      const ready = await serve.waitFor((e) => e.event === 'ready', 30_000);
      const isp = ready.ispPort as number;
      expect(isp).toBeGreaterThan(0);
      await serve.waitFor((e) => e.event === 'node' && e.what === 'broker-client-connected', 30_000);
      await new Promise((r) => setTimeout(r, 500));
      expect(await zoneOn(serve, ready.port as number, 3)).toEqual([3]);

      const fuses = avrdude(isp, 'lfuse:r:-:h', 'hfuse:r:-:h', 'efuse:r:-:h');
      expect(fuses.status, fuses.out).toBe(0);
      expect(fuses.out).toContain('device signature = 0x1e9406');
      expect(fuses.out).toMatch(/0xe2\s[\s\S]*0xdf\s[\s\S]*0xf9\s/);

      const write = avrdude(isp, `flash:w:${BUNDLED_POLL_HEX}:i`);
      expect(write.status, write.out).toBe(0);
      expect(write.out).toMatch(/(\d+) bytes of flash verified/);

      const tmp = mkdtempSync(join(tmpdir(), 'esphil-avrdude-'));
      const back = join(tmp, 'back.hex');
      const read = avrdude(isp, `flash:r:${back}:i`);
      expect(read.status, read.out).toBe(0);
      const want = parseIntelHex(readFileSync(BUNDLED_POLL_HEX, 'utf8'), BUNDLED_POLL_HEX);
      const got = parseIntelHex(readFileSync(back, 'utf8'), back);
      // avrdude leaves trailing 0xFF out of the file it writes: the rest of the flash is erased.
      expect(Buffer.from(got.subarray(0, want.length)).equals(Buffer.from(want))).toBe(true);
      expect(got.subarray(want.length).every((b) => b === 0xff)).toBe(true);

      // EEPROM, byte by byte with Write EEPROM Memory and its tWD_EEPROM wait.
      const ee = join(tmp, 'ee.hex');
      writeFileSync(ee, ':040000001122334452\n:00000001FF\n');
      const eeBack = join(tmp, 'ee-back.hex');
      const eeprom = avrdude(isp, `eeprom:w:${ee}:i`, `eeprom:r:${eeBack}:i`);
      expect(eeprom.status, eeprom.out).toBe(0);
      expect([...parseIntelHex(readFileSync(eeBack, 'utf8'), eeBack, { flashBytes: 512 }).subarray(0, 5)]).toEqual([0x11, 0x22, 0x33, 0x44, 0xff]);

      // The new firmware runs and the ESP gave it back the zones it had: relay 3, then 5 on request.
      const restored = await serve.waitFor((e) => e.event === 'relays' && (e.on as number[]).includes(3) && serve.events.indexOf(e) > serve.events.findIndex((x) => x.what === 'isp'), 20_000);
      expect(restored.on).toEqual([3]);
      expect(await zoneOn(serve, ready.port as number, 5)).toEqual([5]);
    } finally {
      await serve.stop();
    }
  }, 180_000);
});
