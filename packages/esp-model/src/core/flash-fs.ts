// LittleFS on the ESP8266's SPI flash: a few named files that outlive ESP.restart()
// and power loss (the RAM of a boot does not).
export class FlashFs {
  private readonly files = new Map<string, Uint8Array>();

  read(name: string): Uint8Array | null {
    return this.files.get(name) ?? null;
  }

  write(name: string, data: Uint8Array): void {
    this.files.set(name, Uint8Array.from(data));
  }

  /** Writes `data` at `offset` of a file, growing it (the OTA staging area takes chunks in order). */
  writeAt(name: string, offset: number, data: Uint8Array): void {
    const old = this.files.get(name) ?? new Uint8Array(0);
    const next = new Uint8Array(Math.max(old.length, offset + data.length));
    next.set(old);
    next.set(data, offset);
    this.files.set(name, next);
  }

  remove(name: string): void {
    this.files.delete(name);
  }
}
