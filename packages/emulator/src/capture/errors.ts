// Errors and warnings of capture reading. Every message names the file, the
// unit (record, block, line, stream packet) and the byte offset where known,
// so a user can find the spot in Wireshark or a hex dump.

export interface CaptureLocation {
  file: string;
  /** 'record N' (pcap), 'block N' (pcapng), 'line N' (JSONL), 'frame N' (packet number as Wireshark counts). */
  where?: string;
  /** Byte offset in the file. */
  offset?: number;
}

export function formatLocation(loc: CaptureLocation): string {
  let s = loc.file;
  if (loc.where !== undefined) s += `: ${loc.where}`;
  if (loc.offset !== undefined) s += `${loc.where === undefined ? ':' : ''} at byte ${loc.offset}`;
  return s;
}

export class CaptureError extends Error {
  readonly location: CaptureLocation;
  readonly detail: string;
  constructor(location: CaptureLocation, detail: string) {
    super(`${formatLocation(location)}: ${detail}`);
    this.name = 'CaptureError';
    this.location = location;
    this.detail = detail;
  }
}

/** Something was wrong but the rest of the capture is still usable. */
export interface CaptureWarning {
  location: CaptureLocation;
  message: string; // full text, location included
  /** Bytes a client sent to the broker are missing or unreadable: a command may be among them. */
  lostToBroker?: true;
}

export function warning(location: CaptureLocation, detail: string, lostToBroker = false): CaptureWarning {
  return { location, message: `${formatLocation(location)}: ${detail}`, ...(lostToBroker ? { lostToBroker } : {}) };
}
