import { describe, expect, it } from 'vitest';
import { HANDSHAKE_BASE_CYCLES, cyclesToMs, rsaModulusBits, rsaSignMs } from '../src/bearssl/handshake-cost.ts';
import { SOFT_WDT_RESET, SOFT_WDT_TIMEOUT_MS, busy } from '../src/core/watchdog.ts';
import { Cpu, RestartSignal } from '../src/core/cpu.ts';
import { pki } from './helpers/pki.ts';

describe('TLS handshake cost on the ESP8266 CPU', () => {
  it('is cycles: half the time at 160 MHz; the signature grows with the cube of the key length', () => {
    expect(cyclesToMs(HANDSHAKE_BASE_CYCLES, 80)).toBe(500);
    expect(cyclesToMs(HANDSHAKE_BASE_CYCLES, 160)).toBe(250);
    expect(rsaSignMs(2048, 80)).toBe(1400);
    expect(rsaSignMs(2048, 160)).toBe(700);
    expect(rsaSignMs(3072, 80)).toBeGreaterThan(SOFT_WDT_TIMEOUT_MS);
    expect(rsaSignMs(3072, 160)).toBeLessThan(SOFT_WDT_TIMEOUT_MS);
  });

  it('reads the modulus length of the client key', () => {
    expect(rsaModulusBits(pki('node.key'))).toBe(2048);
    expect(rsaModulusBits('not a key')).toBeNull();
  });
});

describe('soft watchdog', () => {
  const cpuAt = (now: { t: bigint }) => new Cpu({ nowNs: () => now.t }, 0n, 0n, () => {});

  it('lets work shorter than its limit finish, and resets the chip after the limit otherwise', async () => {
    const now = { t: 0n };
    const cpu = cpuAt(now);
    cpu.markRunning();
    const short = busy(cpu, 1400);
    now.t = 1_400_000_000n;
    cpu.poll();
    await expect(short).resolves.toBeUndefined();
    const long = busy(cpu, 4725);
    now.t += BigInt(SOFT_WDT_TIMEOUT_MS) * 1_000_000n;
    cpu.poll();
    await expect(long).rejects.toThrow(new RestartSignal(SOFT_WDT_RESET));
  });
});
