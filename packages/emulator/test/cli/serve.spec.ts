// esphil serve driven by Debian's mosquitto_pub with the operator certificate.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PKI } from '../../src/world/defaults.ts';
import { startServe } from './serve-process.ts';
import { needTools } from '../capture/tools.ts';

const tools = needTools('mosquitto_pub');

describe.skipIf(tools.skip)('esphil serve', () => {
  it('energises relay 2 when mosquitto_pub sends "2 120", as JSON lines', async () => {
    tools.assert();
    const serve = startServe(['--port', '0', '--speed', '20']);
    const { events, waitFor } = serve;
    try {
      const ready = await waitFor((e) => e.event === 'ready', 30_000);
      expect(events[0]!.event).toBe('ready');
      const port = ready.port as number;
      expect(port).toBeGreaterThan(0);
      // The node subscribes after Wi-Fi, NTP and TLS: a few virtual seconds.
      await waitFor((e) => e.event === 'node' && e.what === 'broker-client-connected' && e.clientId === 'sec_mqtt_client_00_03', 30_000);
      await new Promise((r) => setTimeout(r, 500));
      const pub = spawnSync('mosquitto_pub', [
        '--cafile', join(PKI, 'ca.crt'), '--cert', join(PKI, 'operator.crt'), '--key', join(PKI, 'operator.key'),
        '-h', '127.0.0.1', '-p', String(port), '-t', 'irrigation/zone/on', '-m', '2 120',
      ], { encoding: 'utf8', timeout: 20_000 });
      expect(pub.stderr).toBe('');
      expect(pub.status).toBe(0);
      const on = await waitFor((e) => e.event === 'relays' && Array.isArray(e.on) && (e.on as number[]).includes(2), 20_000);
      expect(on.on).toEqual([2]);
      expect(on.t).toMatch(/^\d+$/); // ns since power-on, as a decimal string
      // Without a client certificate the broker refuses the connection.
      const anon = spawnSync('mosquitto_pub', ['--cafile', join(PKI, 'ca.crt'), '-h', '127.0.0.1', '-p', String(port), '-t', 'irrigation/zone/on', '-m', '3 10'], { encoding: 'utf8', timeout: 20_000 });
      expect(anon.status).not.toBe(0);
    } finally {
      await serve.stop();
    }
  }, 120_000);
});
