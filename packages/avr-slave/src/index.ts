export { ATmega168, type ATmega168Options, type ATmega168Stats, type ResetSource } from './atmega168.ts';
export * from './atmega168-config.ts';
export { BENCH_BUSY_HEX, BUNDLED_ELF, BUNDLED_HEX } from './bundled.ts';
export {
  CALIBRATION_BYTE,
  EEPROM_PAGE_BYTES,
  FLASH_PAGE_WORDS,
  NODE_FUSES,
  SIGNATURE,
  SerialProgrammer,
  T_WD_EEPROM_MS,
  T_WD_ERASE_MS,
  T_WD_FLASH_MS,
  T_WD_FUSE_MS,
  instructionName,
  type FuseBytes,
  type IspInstruction,
  type IspStats,
} from './isp.ts';
export { HexError, parseIntelHex, type ParseIntelHexOptions } from './intel-hex.ts';
export { RelayBoard, RELAY_COUNT, energisedZones, type RelayChange } from './relay-board.ts';
export type { IdleStats } from './run-loop.ts';
export { SPISlave, reverseBits, type ClockByteOptions, type SPIByte, type SPIMode, type SPIStats } from './spi-slave.ts';
export { Watchdog, atmega168WatchdogConfig, type WatchdogConfig } from './watchdog.ts';
export { AVRIOPort, AVRTimer, AVRUSART, AVREEPROM, CPU, PinState } from 'avr8js';
export { ElfError, parseElf, functionAt, lineAt, symbolAddress, AVR_DATA_ORIGIN, AVR_EEPROM_ORIGIN, type AvrElf, type ElfSymbol, type ParseElfOptions } from './elf.ts';
export type { LineRow } from './dwarf-line.ts';
export { DataWatch, debugActive, type AvrDebugHook, type StopReason, type WatchKind } from './debug-hook.ts';
export { startupDelay, type StartupDelay } from './startup-delay.ts';
