// globals.h: DEBUG_LOG / DEBUG_LOGLN are Serial.print / Serial.println in the DEBUG build
// and compile to nothing in the release build.
import type { HardwareSerial } from '../core/serial.ts';

export class DebugLog {
  constructor(
    private readonly serial: HardwareSerial | null,
    readonly enabled: boolean,
  ) {}

  /** DEBUG_LOG(msg) */
  log(msg: string | number): void {
    if (this.enabled) this.serial?.print(msg);
  }

  /** DEBUG_LOGLN(msg) */
  logln(msg: string | number = ''): void {
    if (this.enabled) this.serial?.println(msg);
  }
}

/** A log that prints nothing (a release build, or a unit test that does not look). */
export const SILENT = new DebugLog(null, false);
