// Any avr-gcc ATmega168 hex that is an SPI slave runs unchanged: here one built
// in the test, interrupt-driven (SPI STC ISR) with a busy main loop and timer 0
// running, so the AVR never idles and the world steps it cycle by cycle.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { esphil } from '../cli/cli.ts';
import { needTools } from '../capture/tools.ts';

const avrGcc = needTools('avr-gcc');

const FIRMWARE = `
#include <avr/io.h>
#include <avr/interrupt.h>
ISR(SPI_STC_vect) {
  uint8_t b = SPDR;
  PORTD = b;
  SPDR = b; /* echo: the master reads back the last byte */
}
int main(void) {
  DDRD = 0xFF;
  PORTD = 0xFF;
  DDRB = _BV(PB4); /* MISO */
  SPCR = _BV(SPE) | _BV(SPIE);
  TCCR0B = _BV(CS01);
  sei();
  volatile unsigned long n = 0;
  for (;;) n++;
}
`;

const SCENARIO = `
name: a foreign interrupt-driven firmware
steps:
  - wait-serial: {match: /MQTT connection.*connected/, since: boot, timeout: 30s}
  - publish: {topic: irrigation/zone/on, payload: "3 2"}
  - wait-relays: {zones: [3], timeout: 1s}
  - expect-pin: {pin: avr:PD3, level: low}
  - wait-relays: {zones: none, timeout: 3s}
`;

describe.skipIf(avrGcc.skip)('another ATmega168 SPI-slave firmware', () => {
  it('drives the relays through esphil run --avr-hex', async () => {
    avrGcc.assert();
    const dir = mkdtempSync(join(tmpdir(), 'esphil-fw-'));
    writeFileSync(join(dir, 'fw.c'), FIRMWARE);
    const cc = spawnSync('avr-gcc', ['-mmcu=atmega168', '-Os', '-o', join(dir, 'fw.elf'), join(dir, 'fw.c')], { encoding: 'utf8' });
    expect(cc.status, cc.stderr).toBe(0);
    const oc = spawnSync('avr-objcopy', ['-O', 'ihex', '-R', '.eeprom', join(dir, 'fw.elf'), join(dir, 'fw.hex')], { encoding: 'utf8' });
    expect(oc.status, oc.stderr).toBe(0);
    expect(readFileSync(join(dir, 'fw.hex'), 'utf8')).toMatch(/^:/);
    writeFileSync(join(dir, 'foreign.yaml'), SCENARIO);
    const r = await esphil(['run', join(dir, 'foreign.yaml'), '--avr-hex', join(dir, 'fw.hex')]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
  }, 180_000);
});
