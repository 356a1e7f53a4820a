// The ESP8266 software watchdog: the sketch must return from loop() or yield (delay(),
// yield(), a blocking wait on the network) often enough, or the SDK resets the chip
// ("Soft WDT reset", ESP8266 Arduino core FAQ "My ESP crashes"; about 3.2 s).
import { RestartSignal, type Cpu } from './cpu.ts';

/** Longest stretch of CPU work without a yield before the soft watchdog resets the chip. */
export const SOFT_WDT_TIMEOUT_MS = 3200;
export const SOFT_WDT_RESET = 'Soft WDT reset';

/**
 * CPU work that does not yield (a BearSSL RSA signature): loop() stalls for `ms` of virtual
 * time; past the watchdog's limit the chip resets instead. Background SDK timers still run.
 */
export async function busy(cpu: Cpu, ms: number): Promise<void> {
  if (ms > SOFT_WDT_TIMEOUT_MS) {
    await cpu.delay(SOFT_WDT_TIMEOUT_MS);
    throw new RestartSignal(SOFT_WDT_RESET);
  }
  await cpu.delay(ms);
}
