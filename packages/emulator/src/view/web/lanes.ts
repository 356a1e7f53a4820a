// The lanes, top to bottom, with what each draws and how a screen reader
// announces it (the label column is DOM; the drawing is one canvas).
import type { Box, DrawContext } from './draw.ts';
import { drawSteps, drawTextMarks } from './marks.ts';
import { ZONES, type RunModel } from './model.ts';
import { drawSequence } from './sequence.ts';
import { drawData, drawSck } from './spi-bus.ts';
import { drawBars, drawLevels } from './waveform.ts';
import type { Levels } from './levels.ts';

export interface Lane {
  id: string;
  label: string;
  height: number;
  draw(c: DrawContext, box: Box): void;
  summary(m: RunModel): string;
}

const plural = (n: number, what: string): string => `${n} ${what}${n === 1 ? '' : 's'}`;
const changes = (l: Levels): string => plural(l.t.length, 'change');

export function buildLanes(): Lane[] {
  const lanes: Lane[] = [
    { id: 'steps', label: 'steps', height: 26, draw: drawSteps, summary: (m) => `${plural(m.steps.length, 'scenario step')}, ${m.failT.length} failed` },
    { id: 'mqtt', label: 'MQTT', height: 78, draw: drawSequence, summary: (m) => `${plural(m.mqtt.length, 'packet')} between operator, broker and node, ${m.mqtt.filter((x) => x.refused).length} refused` },
    { id: 'sck', label: 'SCK', height: 24, draw: drawSck, summary: (m) => `${plural(m.bytes.length * 16, 'edge')} in ${plural(m.windows.length, 'SPI window')}` },
    { id: 'mosi', label: 'MOSI', height: 32, draw: (c, b) => drawData(c, b, 'mosi'), summary: (m) => `${plural(m.bytes.length, 'byte')} from the ESP8266` },
    { id: 'miso', label: 'MISO', height: 32, draw: (c, b) => drawData(c, b, 'miso'), summary: (m) => `${plural(m.bytes.length, 'byte')} from the ATmega168` },
    { id: 'ss', label: 'SS', height: 22, draw: (c, b) => drawLevels(c, c.model.ss, b, c.pal.ss), summary: (m) => `GPIO16, ${changes(m.ss)}` },
    { id: 'reset', label: 'RESET', height: 22, draw: (c, b) => drawLevels(c, c.model.reset, b, c.pal.reset), summary: (m) => `ATmega168 RESET, ${changes(m.reset)}` },
  ];
  for (let n = 0; n < ZONES; n++) {
    lanes.push({ id: `pd${n}`, label: `PD${n}`, height: 15, draw: (c, b) => drawBars(c, c.model.pd[n]!, b, c.pal.pd), summary: (m) => `PORTD bit ${n}, bar when high, ${changes(m.pd[n]!)}` });
  }
  for (let z = 0; z < ZONES; z++) {
    lanes.push({ id: `relay${z}`, label: `relay ${z}`, height: 15, draw: (c, b) => drawBars(c, c.model.relay[z]!, b, c.pal.relay), summary: (m) => `zone ${z}, bar when energised, ${plural(m.relay[z]!.t.filter((_, i) => m.relay[z]!.v[i]).length, 'switch-on')}` });
  }
  lanes.push(
    { id: 'serial', label: 'serial', height: 26, draw: (c, b) => drawTextMarks(c, b, c.model.serial, c.model.serialT, c.pal.dim), summary: (m) => plural(m.serial.length, 'line') },
    { id: 'node', label: 'node', height: 26, draw: (c, b) => drawTextMarks(c, b, c.model.node, c.model.nodeT, c.pal.node), summary: (m) => plural(m.node.length, 'node event') },
  );
  return lanes;
}
