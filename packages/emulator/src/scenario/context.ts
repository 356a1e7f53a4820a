// What a scenario step may see and do in the world. The world (packages/emulator/src/world)
// implements it; steps never reach past it, so each step can be tested against a fake.

export interface ScenarioContext {
  nowNs(): bigint; // world virtual time
  runFor(ns: bigint): Promise<void>; // advance virtual time by ns
  runUntil(pred: () => boolean, timeoutNs: bigint): Promise<boolean>; // advance until pred() (checked after every world event) or timeout; true if pred held
  serialLines(): readonly { tNs: bigint; text: string }[]; // every ESP serial line so far
  nodeEvents(): readonly { tNs: bigint; what: string; detail?: Record<string, unknown> }[]; // trace `node` events so far (esp-boot, esp-mqtt-connect-failed, wifi, broker...)
  mqttSeen(): readonly { tNs: bigint; topic: string; payload: Buffer; from: string }[]; // PUBLISHes the broker accepted (from = client id)
  forgetHistory(): void; // no later step looks back: serialLines(), nodeEvents() and mqttSeen() may drop what they hold
  publish(topic: string, payload: Buffer, opts: { qos: 0 | 1 | 2; retain: boolean }): Promise<void>; // as the operator client
  relaysOn(): number[]; // energised zones now
  pin(chip: 'avr' | 'esp', name: string): 0 | 1 | undefined; // 'PD2', 'PB2', 'GPIO16'...; undefined = no such pin
  lastSpi(): { mosi: number[]; miso: number[]; tNs: bigint } | null;
  setUtc(utcMs: number): void; // world/NTP UTC (what the NTP server answers from now on)
  advanceUtc(ns: bigint): void;
  wifi(up: boolean): void;
  ntp(answer: boolean): void; // whether the NTP server answers requests from now on
  broker(action: 'stop' | 'start' | 'restart'): Promise<void>;
  avrReset(): Promise<void>; // pulse the AVR's RESET
  espReset(): Promise<void>; // the ESP8266 loses power and boots again (its flash file system stays)
  otaSigningKeyPem(): string; // the operator's OTA signing key (PEM)
  step(e: { index: number; step: string; status: 'start' | 'pass' | 'fail'; message?: string; scenario: string }): void; // trace hook: the step events carry the scenario's name
}
