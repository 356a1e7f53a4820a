// Rewrites little-endian captures in big-endian byte order, as a capture made
// on a big-endian host (SPARC, PowerPC, MIPS) looks; editcap always writes the
// host's order, so these are made here. Packet bytes are left alone; pcapng
// options are dropped except if_tsresol, and only SHB/IDB/EPB blocks are kept.

export function pcapToBigEndian(le: Buffer): Buffer {
  const out = Buffer.from(le);
  const swap32 = (o: number) => out.writeUInt32BE(le.readUInt32LE(o), o);
  const swap16 = (o: number) => out.writeUInt16BE(le.readUInt16LE(o), o);
  swap32(0);
  swap16(4);
  swap16(6);
  for (const o of [8, 12, 16, 20]) swap32(o);
  for (let off = 24; off < le.length; ) {
    const cap = le.readUInt32LE(off + 8);
    for (const o of [0, 4, 8, 12]) swap32(off + o);
    off += 16 + cap;
  }
  return out;
}

function be32(v: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(v >>> 0);
  return b;
}
function be16(v: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(v);
  return b;
}
function block(type: number, body: Buffer): Buffer {
  return Buffer.concat([be32(type), be32(body.length + 12), body, be32(body.length + 12)]);
}

export function pcapngToBigEndian(le: Buffer): Buffer {
  const out: Buffer[] = [];
  for (let off = 0; off < le.length; ) {
    const type = le.readUInt32LE(off);
    const len = le.readUInt32LE(off + 4);
    const b = off + 8;
    if (type === 0x0a0d0d0a) {
      out.push(block(type, Buffer.concat([be32(0x1a2b3c4d), be16(1), be16(0), Buffer.alloc(8, 0xff)])));
    } else if (type === 1) {
      const opts: Buffer[] = [];
      for (let o = b + 8; o + 4 <= off + len - 4; ) {
        const code = le.readUInt16LE(o);
        const olen = le.readUInt16LE(o + 2);
        if (code === 0) break;
        if (code === 9) opts.push(be16(9), be16(1), Buffer.from([le[o + 4]!, 0, 0, 0]));
        o += 4 + olen + ((4 - (olen % 4)) % 4);
      }
      if (opts.length) opts.push(be16(0), be16(0));
      out.push(block(type, Buffer.concat([be16(le.readUInt16LE(b)), be16(0), be32(le.readUInt32LE(b + 4)), ...opts])));
    } else if (type === 6) {
      const cap = le.readUInt32LE(b + 12);
      const padded = cap + ((4 - (cap % 4)) % 4);
      const fields = [0, 4, 8, 12, 16].map((o) => be32(le.readUInt32LE(b + o)));
      out.push(block(type, Buffer.concat([...fields, le.subarray(b + 20, b + 20 + padded)])));
    }
    off += len;
  }
  return Buffer.concat(out);
}
