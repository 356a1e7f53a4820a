// esphil serve gives a flood's memory back: once the data stops it runs one full
// garbage collection, gives glibc's free pages back to the system, and says so
// ({"event":"gc",...,"trimmedBytes":N}).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { describe, expect, it } from 'vitest';
import { PKI } from '../../src/world/defaults.ts';
import { IDLE_GC_INTAKE_BYTES } from '../../src/cli/idle-gc.ts';
import { loadMallocTrim } from '../../src/native/malloc-trim.ts';
import { startServe } from './serve-process.ts';

const FLOOD = 80; // 1 MB PUBLISHes: just over the 64 MiB that makes a collection worth it
const trim = loadMallocTrim();

describe('esphil serve after a flood', () => {
  // The built command loads the addon from the CLI bundle, the sources from src/native: both find dist/native.
  it.each([false, true])('collects garbage once the clients go quiet (built command: %s)', async (built) => {
    const serve = startServe(['--port', '0', '--speed', '10'], { built });
    const { events, waitFor } = serve;
    try {
      const port = (await waitFor((e) => e.event === 'ready', 30_000)).port as number;
      await waitFor((e) => e.event === 'node' && e.what === 'broker-client-connected' && e.clientId === 'sec_mqtt_client_00_03', 60_000);
      expect(events.some((e) => e.event === 'gc')).toBe(false);
      const client = await mqtt.connectAsync({
        protocol: 'mqtts', host: '127.0.0.1', port, clientId: 'flood', reconnectPeriod: 0,
        ca: readFileSync(join(PKI, 'ca.crt')), cert: readFileSync(join(PKI, 'operator.crt')), key: readFileSync(join(PKI, 'operator.key')), servername: 'broker.local',
      });
      const mb = Buffer.alloc(1 << 20, 0x61);
      for (let i = 0; i < FLOOD; i++) await client.publishAsync('irrigation/zone/log', mb, { qos: 0 });
      await client.publishAsync('irrigation/zone/log', 'end', { qos: 1 }); // all of the flood is in the broker
      await client.endAsync();
      const gc = await waitFor((e) => e.event === 'gc', 30_000);
      expect(gc.intakeBytes).toBeGreaterThan(IDLE_GC_INTAKE_BYTES);
      expect(gc.t).toMatch(/^\d+$/);
      // Then glibc's free pages go back to the system (the malloc_trim addon, required under CI).
      if (trim.ok || process.env.CI === 'true') expect(gc.trimmedBytes).toBeGreaterThan((FLOOD / 4) * 2 ** 20);
      else expect(gc.trimUnavailable).toBe(trim.reason);
      // Quiet with nothing new: no second collection.
      await new Promise((r) => setTimeout(r, 2000));
      expect(events.filter((e) => e.event === 'gc')).toHaveLength(1);
    } finally {
      await serve.stop();
    }
  }, 180_000);
});
