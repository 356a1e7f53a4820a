// The SPI lanes: SCK edges and MOSI/MISO bits from each window's timing
// (trace/spi-timing.ts, the same edges the VCD export writes), and each byte
// decoded on its data lane in hex and binary. Zoomed out, a byte is a box;
// zoomed in far enough, its 16 SCK edges and 8 bits are drawn.
import { cpol, spiByteEdges, spiDataChanges } from '../../trace/spi-timing.ts';
import { FONT, forEachVisible, type Box, type DrawContext } from './draw.ts';
import type { ByteMark } from './model.ts';
import { bin, hex } from './names.ts';
import { railY } from './waveform.ts';
import { upperIndex } from './search.ts';

/** Below this many pixels per SCK half period, edges merge: draw the burst as a block. */
const MIN_EDGE_PX = 3;

const halfPeriodNs = (b: ByteMark): number => 1e9 / b.window.sckHz / 2;

function idleLevel(c: DrawContext): 0 | 1 {
  const { model, axis } = c;
  const before = model.windows[upperIndex(model.windowT, axis.timeAt(0)) - 1];
  return cpol(before?.mode ?? 0);
}

export function drawSck(c: DrawContext, box: Box): void {
  const { ctx, axis, model, pal } = c;
  const idle = idleLevel(c);
  ctx.strokeStyle = pal.sck;
  ctx.fillStyle = pal.sck;
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  ctx.moveTo(0, railY(box, idle));
  ctx.lineTo(axis.width, railY(box, idle));
  ctx.stroke();
  forEachVisible(model.byteT, axis, 1, (i) => {
    const b = model.bytes[i]!;
    const px = halfPeriodNs(b) * axis.pxPerNs(b.t);
    if (px < MIN_EDGE_PX) {
      const x0 = axis.x(b.t);
      ctx.fillRect(x0, railY(box, 1), Math.max(1.5, axis.x(b.end) - x0), railY(box, 0) - railY(box, 1));
      return;
    }
    const edges = spiByteEdges(b.window, b.index);
    const winIdle = cpol(b.window.mode);
    ctx.beginPath();
    ctx.moveTo(axis.x(b.t) - 1, railY(box, winIdle));
    let level = winIdle;
    for (const e of edges) {
      const x = axis.x(Number(e.t));
      ctx.lineTo(x, railY(box, level));
      ctx.lineTo(x, railY(box, e.sck));
      level = e.sck;
    }
    ctx.stroke();
  });
}

export function drawData(c: DrawContext, box: Box, line: 'mosi' | 'miso'): void {
  const { ctx, axis, model, pal } = c;
  const colour = line === 'mosi' ? pal.mosi : pal.miso;
  const textY = box.y + 11;
  const wave: Box = { y: box.y + 13, h: box.h - 13 };
  ctx.font = FONT;
  ctx.textBaseline = 'alphabetic';
  ctx.strokeStyle = pal.grid;
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(0, wave.y + wave.h / 2);
  ctx.lineTo(axis.width, wave.y + wave.h / 2);
  ctx.stroke();
  forEachVisible(model.byteT, axis, 2, (i, x0) => {
    const b = model.bytes[i]!;
    const value = b[line];
    const x1 = Math.max(x0 + 2, axis.x(b.end));
    const next = model.byteT[i + 1];
    const limit = Math.min(next === undefined ? Infinity : axis.x(next), axis.width + 200);
    ctx.fillStyle = colour;
    ctx.strokeStyle = colour;
    if (halfPeriodNs(b) * axis.pxPerNs(b.t) >= MIN_EDGE_PX) {
      drawBits(c, b, line, wave, colour);
    } else {
      ctx.globalAlpha = 0.35;
      ctx.fillRect(x0, wave.y + 2, x1 - x0, wave.h - 4);
      ctx.globalAlpha = 1;
    }
    // The decoded byte above its bits: hex and binary when there is room, hex alone, or nothing.
    ctx.fillStyle = b.lost ? pal.fail : pal.fg;
    const full = `${hex(value)} ${bin(value)}${b.lost ? ' lost' : ''}`;
    const room = limit - x0 - 4;
    if (ctx.measureText(full).width <= room) ctx.fillText(full, x0, textY);
    else if (ctx.measureText('FF').width <= room) ctx.fillText(hex(value).slice(2), x0, textY);
  });
}

function drawBits(c: DrawContext, b: ByteMark, line: 'mosi' | 'miso', wave: Box, colour: string): void {
  const { ctx, axis } = c;
  const changes = spiDataChanges(b.window, b.index);
  ctx.strokeStyle = colour;
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  let level: 0 | 1 | undefined;
  for (const ch of changes) {
    const x = axis.x(Number(ch.t));
    if (level === undefined) ctx.moveTo(x, railY(wave, ch[line]));
    else {
      ctx.lineTo(x, railY(wave, level));
      ctx.lineTo(x, railY(wave, ch[line]));
    }
    level = ch[line];
  }
  if (level !== undefined) ctx.lineTo(axis.x(b.end), railY(wave, level));
  ctx.stroke();
}
