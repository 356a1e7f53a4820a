// Captures a real MQTT session on loopback: Debian's mosquitto broker, a
// mosquitto_sub standing in for the node (its client id, its three topics) and
// mosquitto_pub sending zone commands, recorded by dumpcap as pcap and pcapng
// at the same time (dumpcap -P: libpcap format; Debian 12's dumpcap 4.0 has no -F). Used by live.spec.ts; fixtures/captures/README.md shows the
// same steps as shell commands.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort, run, start, startUntil, stop } from './tools.ts';

export const COMMANDS: { payload: string; args: string[] }[] = [
  { payload: '2 120', args: [] },
  { payload: '5 30', args: ['-q', '1'] },
  { payload: '5 0', args: ['-q', '2', '-V', 'mqttv5'] },
];

export async function captureLiveSession(): Promise<{ pcap: string; pcapng: string; port: number; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'esphil-live-'));
  const port = await freePort();
  const conf = join(dir, 'mosquitto.conf');
  writeFileSync(conf, `listener ${port} 127.0.0.1\nallow_anonymous true\nlog_dest stderr\nlog_type all\n`);
  const mosquitto = start('mosquitto', ['-c', conf]);
  await mosquitto.waitFor(/Opening ipv4 listen socket on port/);
  const broker = mosquitto.proc;
  const files = { pcap: join(dir, 'live.pcap'), pcapng: join(dir, 'live.pcapng') };
  const filter = `tcp port ${port}`;
  const dumps = [
    await startUntil('dumpcap', ['-i', 'lo', '-f', filter, '-P', '-w', files.pcap], /Capturing on/),
    await startUntil('dumpcap', ['-i', 'lo', '-f', filter, '-w', files.pcapng], /Capturing on/),
  ];
  try {
    await sleep(300); // dumpcap prints before its socket is bound to the filter
    const host = ['-h', '127.0.0.1', '-p', String(port)];
    const topics = ['irrigation/zone/on', 'irrigation/zone/off', 'irrigation/zone/status'].flatMap((t) => ['-t', t]);
    // mosquitto_sub's own output is block-buffered on a pipe, so the broker's log says when it has subscribed.
    const node = start('mosquitto_sub', [...host, '-i', 'sec_mqtt_client_00_03', '-k', '15', '-C', String(COMMANDS.length), ...topics]).proc;
    await mosquitto.waitFor(/Sending SUBACK to sec_mqtt_client_00_03/);
    const nodeDone = new Promise<void>((r) => node.once('exit', () => r()));
    for (const c of COMMANDS) {
      await sleep(150);
      run('mosquitto_pub', [...host, '-i', 'operator', '-t', 'irrigation/zone/on', '-m', c.payload, ...c.args]);
    }
    await Promise.race([nodeDone, sleep(5000)]);
    await stop(node);
    await sleep(300); // let the FINs reach the capture
  } finally {
    for (const d of dumps) await stop(d, 'SIGINT');
    await stop(broker);
  }
  return { ...files, port, dir };
}
