// Reads a capture (pcap, pcapng or an esphil JSON-lines recording, told apart
// by their first bytes) into the MQTT packets it carries, on any TCP port.
import { readFileSync } from 'node:fs';
import { CaptureError, warning, type CaptureWarning } from './errors.ts';
import type { CaptureFrame, FramesResult } from './frames.ts';
import { decodeIp, type TcpSegment } from './ip.ts';
import { readJsonlRecording } from './jsonl.ts';
import { decodeLink, SUPPORTED_LINK_TYPES } from './link.ts';
import { mqttConnection } from './mqtt-connection.ts';
import { byTime } from './numbers.ts';
import { isPcap, readPcapFrames } from './pcap.ts';
import { isPcapng, readPcapngFrames } from './pcapng.ts';
import { reassembleTcp } from './tcp.ts';
import type { CaptureReadResult, CapturedConnection, CapturedPacket } from './types.ts';

export { MQTT_SERVER_PORTS } from './mqtt-connection.ts';

export function readCaptureFile(path: string): CaptureReadResult {
  return readCapture(readFileSync(path), path);
}

export function readCapture(buf: Buffer, file: string): CaptureReadResult {
  if (isPcap(buf) || isPcapng(buf)) {
    const format = isPcap(buf) ? 'pcap' : 'pcapng';
    const res = format === 'pcap' ? readPcapFrames(buf, file) : readPcapngFrames(buf, file);
    return readFrames(format, res, file);
  }
  const firstText = buf.subarray(0, 64).toString('utf8').trimStart();
  if (firstText.startsWith('{') || (buf.length > 0 && firstText === '')) return readJsonlRecording(buf.toString('utf8'), file);
  if (buf.length === 0) throw new CaptureError({ file, offset: 0 }, 'file is empty');
  const magic = buf.subarray(0, 4).toString('hex');
  throw new CaptureError({ file, offset: 0 }, `not a pcap, pcapng or esphil JSON-lines recording (starts with 0x${magic})`);
}


function readFrames(format: 'pcap' | 'pcapng', res: FramesResult, file: string): CaptureReadResult {
  const warnings: CaptureWarning[] = [];
  if (res.truncated) {
    const t = res.truncated;
    warnings.push(warning({ file, where: t.where, offset: t.offset }, `${t.detail}; the cut record is ignored and the rest used`));
  }
  const segments: TcpSegment[] = [];
  const unsupported = new Set<number>();
  for (const f of res.frames) {
    if (!SUPPORTED_LINK_TYPES.includes(f.linkType)) {
      const why = `link type ${f.linkType} not supported (supported: ${SUPPORTED_LINK_TYPES.join(', ')})`;
      // A pcap has one link type for the whole file; a pcapng may mix interfaces, so only that one is left out.
      if (format === 'pcap') throw new CaptureError({ file, where: 'file header', offset: 20 }, why);
      if (!unsupported.has(f.linkType)) warnings.push(warning({ file, where: `frame ${f.frame}`, offset: f.offset }, `${why}; packets of that interface are ignored`));
      unsupported.add(f.linkType);
      continue;
    }
    const seg = segmentOf(f, file, warnings);
    if (seg) segments.push(seg);
  }
  const packets: Omit<CapturedPacket, 'index'>[] = [];
  const connections: CapturedConnection[] = [];
  for (const tc of reassembleTcp(segments)) {
    const c = mqttConnection(tc, connections.length, file, warnings);
    if (!c) continue;
    connections.push(c.conn);
    packets.push(...c.packets);
  }
  packets.sort((a, b) => byTime(a, b) || frameNo(a.where) - frameNo(b.where));
  return {
    format,
    startNs: res.frames[0]?.tNs ?? 0n,
    packets: packets.map((p, index) => ({ ...p, index })),
    connections,
    warnings,
  };
}

const frameNo = (where: string) => Number(where.slice(where.indexOf(' ') + 1));

function segmentOf(f: CaptureFrame, file: string, warnings: CaptureWarning[]): TcpSegment | undefined {
  const net = decodeLink(f, file);
  if (net === 'not-ip') return undefined;
  const loc = { file, where: `frame ${f.frame}`, offset: f.offset };
  if (net === 'short') {
    warnings.push(warning(loc, `frame cut at ${f.data.length} bytes before its network header; ignored`));
    return undefined;
  }
  const seg = decodeIp(f, net, file);
  if ('skip' in seg) {
    if (seg.skip !== 'not-tcp') warnings.push(warning(loc, `${seg.detail}; ignored`));
    return undefined;
  }
  return seg;
}
