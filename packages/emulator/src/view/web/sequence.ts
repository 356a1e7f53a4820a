// The MQTT exchange as a sequence lane: one row each for operator, broker and
// node, an arrow per packet (time runs left to right, so arrows are vertical),
// labelled with the packet when there is room. Keepalives are thin; refusals
// (a CONNACK with a return code, a refused TLS handshake) are dashed with a cross.
import { FONT, cross, fitText, forEachVisible, type Box, type DrawContext } from './draw.ts';
import { PARTIES, type Party } from './mqtt-parties.ts';

const NAME_WIDTH = 64;

export function drawSequence(c: DrawContext, box: Box): void {
  const { ctx, axis, model, pal } = c;
  const rowH = box.h / PARTIES.length;
  const rowY = (p: Party): number => box.y + rowH * (PARTIES.indexOf(p) + 0.5);
  ctx.font = FONT;
  ctx.textBaseline = 'middle';
  for (const p of PARTIES) {
    ctx.strokeStyle = pal.grid;
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(0, rowY(p));
    ctx.lineTo(axis.width, rowY(p));
    ctx.stroke();
  }
  forEachVisible(model.mqttT, axis, 2, (i, x) => {
    const m = model.mqtt[i]!;
    const y0 = rowY(m.from);
    const y1 = rowY(m.to);
    const colour = m.refused ? pal.refused : m.to === 'broker' ? pal.toBroker : pal.fromBroker;
    ctx.strokeStyle = colour;
    ctx.fillStyle = colour;
    ctx.lineWidth = m.keepalive ? 1 : 2;
    ctx.setLineDash(m.refused ? [3, 2] : []);
    ctx.beginPath();
    ctx.moveTo(x, y0);
    ctx.lineTo(x, y1);
    ctx.stroke();
    ctx.setLineDash([]);
    const dir = y1 > y0 ? 1 : -1;
    ctx.beginPath();
    ctx.moveTo(x, y1);
    ctx.lineTo(x - 3.5, y1 - dir * 6);
    ctx.lineTo(x + 3.5, y1 - dir * 6);
    ctx.fill();
    if (m.refused) cross(ctx, x, y1, 4);
    if (m.keepalive && !m.refused) return;
    const next = model.mqttT[i + 1];
    const limit = next === undefined ? axis.width : Math.max(axis.x(next) - 4, x + NAME_WIDTH);
    ctx.fillStyle = m.refused ? pal.refused : pal.fg;
    fitText(ctx, m.label, x + 5, (y0 + y1) / 2, Math.min(limit, axis.width));
  });
  // The parties' names last, on the background, so no arrow hides who is who.
  for (const p of PARTIES) {
    const w = ctx.measureText(p).width + 6;
    ctx.fillStyle = pal.bg;
    ctx.globalAlpha = 0.85;
    ctx.fillRect(1, rowY(p) - 13, w, 12);
    ctx.globalAlpha = 1;
    ctx.fillStyle = pal.dim;
    ctx.fillText(p, 4, rowY(p) - 7);
  }
}
