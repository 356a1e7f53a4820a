// ESP8266 GPIO as the Arduino core exposes it (pinMode/digitalWrite/digitalRead).
import type { Cpu } from './cpu.ts';

export const INPUT = 0x00;
export const OUTPUT = 0x01;
export const INPUT_PULLUP = 0x02;
export const LOW = 0;
export const HIGH = 1;

export type Level = 0 | 1;
export type PinModeValue = typeof INPUT | typeof OUTPUT | typeof INPUT_PULLUP;

/** GPIO0..GPIO16 (GPIO16 is the RTC pin, usable as a plain output). */
export const GPIO_COUNT = 17;
/** Board wiring of the irrigation node (docs/architecture.md). */
export const PIN_SS = 16;
export const PIN_AVR_RESET = 4;
export const PIN_REQUEST = 5;
/** Pins the board pulls up: the AVR's RESET (an input on the ESP reads it high unless something drives it). */
export const BOARD_PULL_UPS: ReadonlySet<number> = new Set([PIN_AVR_RESET]);

function checkPin(pin: number, where: string): void {
  if (!Number.isInteger(pin) || pin < 0 || pin >= GPIO_COUNT) {
    throw new RangeError(`${where}: GPIO${pin} does not exist on the ESP8266 (0..${GPIO_COUNT - 1})`);
  }
}

export class Gpio {
  private readonly modes = new Map<number, PinModeValue>();
  private readonly outputs = new Map<number, Level>();

  constructor(
    private readonly cpu: Cpu,
    /** Levels driven from outside (the AVR request line); survive an ESP reset. */
    private readonly external: Map<number, Level>,
    private readonly emit: (pin: number, level: Level, tNs: bigint) => void,
  ) {}

  pinMode(pin: number, mode: PinModeValue): void {
    checkPin(pin, 'pinMode');
    const before = this.level(pin);
    this.modes.set(pin, mode);
    // An output starts driving LOW until written (ESP8266 GPIO_OUT register reset value).
    if (mode === OUTPUT && !this.outputs.has(pin)) this.outputs.set(pin, LOW);
    const after = this.level(pin);
    // Either way round: an output taking over the wire, or an input letting the pull-up have it.
    if (after !== before) this.emit(pin, after, this.cpu.now());
  }

  digitalWrite(pin: number, value: number): void {
    checkPin(pin, 'digitalWrite');
    const level: Level = value ? HIGH : LOW;
    const before = this.level(pin);
    this.outputs.set(pin, level);
    if (this.modes.get(pin) === OUTPUT && before !== level) this.emit(pin, level, this.cpu.now());
  }

  digitalRead(pin: number): Level {
    checkPin(pin, 'digitalRead');
    return this.level(pin);
  }

  /** The level on the wire: driven output, outside driver, or a pull-up (the chip's or the board's). */
  level(pin: number): Level {
    const mode = this.modes.get(pin);
    if (mode === OUTPUT) return this.outputs.get(pin) ?? LOW;
    const ext = this.external.get(pin);
    if (ext !== undefined) return ext;
    return mode === INPUT_PULLUP || BOARD_PULL_UPS.has(pin) ? HIGH : LOW;
  }

  isOutput(pin: number): boolean {
    return this.modes.get(pin) === OUTPUT;
  }
}

export function checkGpioPin(pin: number, where: string): void {
  checkPin(pin, where);
}
