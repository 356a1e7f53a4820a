// esphil serve driven by Debian's mosquitto_pub with the operator certificate.
import { spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAIN } from './cli.ts';
import { PKI, REPO_ROOT } from '../../src/world/defaults.ts';
import { needTools } from '../capture/tools.ts';

const tools = needTools('mosquitto_pub');

describe.skipIf(tools.skip)('esphil serve', () => {
  it('energises relay 2 when mosquitto_pub sends "2 120", as JSON lines', async () => {
    tools.assert();
    const p = spawn(process.execPath, ['--import', 'tsx', MAIN, 'serve', '--port', '0', '--json', '--speed', '20'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    p.stderr.on('data', (d) => (stderr += d));
    const lines = createInterface({ input: p.stdout });
    const events: Record<string, unknown>[] = [];
    const waitFor = (pred: (e: Record<string, unknown>) => boolean, ms: number) =>
      new Promise<Record<string, unknown>>((resolve, reject) => {
        const found = events.find(pred);
        if (found) return resolve(found);
        const timer = setTimeout(() => reject(new Error(`no matching event in ${ms} ms; stderr: ${stderr}; seen: ${JSON.stringify(events.slice(-5))}`)), ms);
        const on = (l: string) => {
          const e = JSON.parse(l);
          if (pred(e)) {
            clearTimeout(timer);
            lines.off('line', on);
            resolve(e);
          }
        };
        lines.on('line', on);
      });
    lines.on('line', (l) => events.push(JSON.parse(l)));
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
      expect(typeof on.t).toBe('number');
      // Without a client certificate the broker refuses the connection.
      const anon = spawnSync('mosquitto_pub', ['--cafile', join(PKI, 'ca.crt'), '-h', '127.0.0.1', '-p', String(port), '-t', 'irrigation/zone/on', '-m', '3 10'], { encoding: 'utf8', timeout: 20_000 });
      expect(anon.status).not.toBe(0);
    } finally {
      p.kill('SIGTERM');
      await new Promise((r) => p.once('close', r));
    }
  }, 120_000);
});
