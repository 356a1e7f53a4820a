// Sleep modes of the ATmega168 (datasheet section 9 "Power Management and
// Sleep Modes"): SMCR bits, and which interrupts can wake each mode (Table 9-1).
import type { CPU } from 'avr8js';
import { SMCR } from './atmega168-config.ts';
import { isInterruptPending } from './cpu-internals.ts';

// Register bits:
const SMCR_SE = 0x01; // Sleep Enable
const SMCR_SM = 0x0e; // Sleep Mode Select 2..0

export const SLEEP_MODE_IDLE = 0;
/**
 * "If an interrupt occurs while the MCU is in a sleep mode, the MCU wakes up, halts for
 * four cycles in addition to the start-up time, executes the interrupt routine" (9.1).
 * Idle mode keeps the clock running, so there is no start-up time.
 */
export const SLEEP_WAKEUP_CYCLES = 4;

// Interrupt vectors (word addresses, Table 11-1) that wake the deeper sleep modes.
const INT0 = 0x02, INT1 = 0x04, PCINT0 = 0x06, PCINT1 = 0x08, PCINT2 = 0x0a, WDT = 0x0c;
const TIMER2_COMPA = 0x0e, TIMER2_COMPB = 0x10, TIMER2_OVF = 0x12;
const ADC = 0x2a, EE_READY = 0x2c, TWI = 0x30, SPM_READY = 0x32;

const POWER_DOWN_WAKE = [INT0, INT1, PCINT0, PCINT1, PCINT2, WDT, TWI];
const TIMER2_WAKE = [TIMER2_COMPA, TIMER2_COMPB, TIMER2_OVF];

/** Wake-up sources per SM2..0 (Table 9-1); undefined = every interrupt (Idle). */
const WAKE_SOURCES: (ReadonlySet<number> | undefined)[] = [
  undefined, // 000 Idle
  new Set([...POWER_DOWN_WAKE, ...TIMER2_WAKE, ADC, EE_READY, SPM_READY]), // 001 ADC Noise Reduction
  new Set(POWER_DOWN_WAKE), // 010 Power-down
  new Set([...POWER_DOWN_WAKE, ...TIMER2_WAKE]), // 011 Power-save
  new Set(), // 100 reserved
  new Set(), // 101 reserved
  new Set(POWER_DOWN_WAKE), // 110 Standby
  new Set([...POWER_DOWN_WAKE, ...TIMER2_WAKE]), // 111 Extended Standby
];

/** SLEEP only sleeps with SMCR.SE set (9.11.1); returns the mode, or -1 for a no-op. */
export function sleepModeOnSLEEP(cpu: CPU): number {
  const smcr = cpu.data[SMCR];
  return smcr & SMCR_SE ? (smcr & SMCR_SM) >> 1 : -1;
}

/** Whether an interrupt that can be taken now is a wake-up source of `mode`. */
export function canWake(cpu: CPU, mode: number): boolean {
  if (!cpu.interruptsEnabled || cpu.nextInterrupt < 0) return false;
  const sources = WAKE_SOURCES[mode];
  if (!sources) return true;
  for (let v = cpu.nextInterrupt; v <= cpu.maxInterrupt; v++) if (isInterruptPending(cpu, v) && sources.has(v)) return true;
  return false;
}
