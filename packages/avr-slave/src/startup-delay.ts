// The reset delay of the ATmega168 (datasheet 8.2.2 and 10.2): after power-on, a RESET
// rising edge or a watchdog reset, the chip runs no instruction until the start-up time
// its CKSEL/SUT fuses select has passed. For the internal calibrated RC oscillator
// (CKSEL = 0010) Table 8-10 gives 6 CK from power-down plus an extra reset delay of
// 14 CK (SUT = 00), 14 CK + 4.1 ms (SUT = 01) or 14 CK + 65 ms (SUT = 10).
// The node's low fuse 0xE2 is CKSEL = 0010, SUT = 10: 6 CK + 14 CK + 65 ms.

const LFUSE_CKSEL_MASK = 0x0f; // CKSEL3:0
const LFUSE_SUT_SHIFT = 4; // SUT1:0
const CKSEL_INTERNAL_RC = 0b0010;
/** Start-up time from power-down/power-save (Table 8-10, first column). */
const STARTUP_CK = 6;
/** Additional delay from reset, in clock cycles (Table 8-10, second column). */
const RESET_DELAY_CK = 14;
/** The time-out part of the additional delay for SUT = 00, 01, 10 (11 is reserved). */
const RESET_DELAY_MS = [0, 4.1, 65];

export interface StartupDelay {
  cycles: number;
  text: string;
}

/** Cycles from the end of a reset until the first instruction, for this low fuse and clock. */
export function startupDelay(lowFuse: number, frequencyHz: number): StartupDelay {
  const cksel = lowFuse & LFUSE_CKSEL_MASK;
  const sut = (lowFuse >> LFUSE_SUT_SHIFT) & 0b11;
  if (cksel !== CKSEL_INTERNAL_RC || sut >= RESET_DELAY_MS.length) {
    // Other clock sources have their own tables; the node never uses them. Take the longest RC delay.
    return startupDelay((lowFuse & ~0x3f) | (0b10 << LFUSE_SUT_SHIFT) | CKSEL_INTERNAL_RC, frequencyHz);
  }
  const ms = RESET_DELAY_MS[sut]!;
  return {
    cycles: STARTUP_CK + RESET_DELAY_CK + Math.round((ms / 1000) * frequencyHz),
    text: ms ? `${STARTUP_CK} CK + ${RESET_DELAY_CK} CK + ${ms} ms` : `${STARTUP_CK} CK + ${RESET_DELAY_CK} CK`,
  };
}
