// aedes runs every read of a client's stream through mqtt-packet's general parser
// (a bl buffer list, four parser states, a debug call at each step). On a quiet
// session each read is one PINGREQ per keepalive. A parser that stands between
// packets and is handed exactly one PINGREQ emits it here as the parser itself
// would (decode.ts builds the identical packet) and stays between packets; any
// other read, or a parser holding part of a packet or an error, parses as before.
import type { Client } from 'aedes';
import type { Packet } from 'mqtt-packet';
import { PINGREQ_HEADER, keepalivePacket } from './decode.ts';

/** The parts of mqtt-packet's Parser (parser.js) this relies on. */
interface ParserState {
  parse(buf: Buffer): number;
  emit(event: 'packet', packet: Packet): boolean;
  error: Error | null;
  /** Bytes received and not yet consumed. */
  _list: { length: number };
  /** Index into _parseHeader, _parseLength, _parsePayload, _newPacket: 0 between packets. */
  _stateCounter: number;
  /** Read position within a payload; _newPacket sets it to 0. */
  _pos: number;
}

function betweenPackets(p: ParserState): boolean {
  return !p.error && p._list.length === 0 && p._stateCounter === 0;
}

/** Makes the aedes client's parser hand over a lone PINGREQ without parsing it. */
export function parseLonePingreqDirectly(client: Client): void {
  const parser = (client as unknown as { _parser: ParserState })._parser;
  const parse = parser.parse;
  parser.parse = function (this: ParserState, buf: Buffer): number {
    // keepalivePacket() checks the length and the zero remaining length; a PINGRESP stays the parser's.
    const packet = buf[0] === PINGREQ_HEADER && betweenPackets(this) ? keepalivePacket(buf) : undefined;
    if (!packet) return parse.call(this, buf);
    this._pos = 0;
    this.emit('packet', packet);
    return 0; // parse() returns the bytes left over
  };
}
