import mqtt, { type Packet } from 'mqtt-packet';

/** Decodes one whole frame; `protocolVersion` follows the client's CONNECT (v5 adds properties). */
export function decodeFrame(frame: Buffer, protocolVersion: number): Packet {
  const parser = mqtt.parser({ protocolVersion });
  let packet: Packet | undefined;
  let error: Error | undefined;
  parser.on('packet', (p: Packet) => (packet = p));
  parser.on('error', (e: Error) => (error = e));
  parser.parse(frame);
  if (error) throw error;
  if (!packet) throw new Error('incomplete packet');
  return packet;
}
