// What a TLS 1.2 handshake costs the ESP8266's CPU, in clock cycles: the ESP has no crypto
// hardware and no 32x32=>64 multiplier (ESP8266 core docs, "BearSSL WiFi Classes": "Even at
// 160 MHz, certain key exchanges can take multiple seconds"), so the time scales with the
// clock (`cpu-mhz`: 80 or 160).
import { createPrivateKey } from 'node:crypto';

/** The Arduino IDE's default CPU frequency for the ESP8266 (Tools > CPU Frequency). */
export const DEFAULT_CPU_MHZ = 80;
export const CPU_MHZ_CHOICES = [80, 160] as const;
export type CpuMhz = (typeof CPU_MHZ_CHOICES)[number];

/**
 * Key exchange and server chain check: about 0.5 s per connect at 80 MHz
 * (esp8266/Arduino#4738: BearSSL "Conn ave: 514" ms, without a client certificate).
 * Done in pieces between network waits, which yield, so the watchdog is fed.
 */
export const HANDSHAKE_BASE_CYCLES = 40_000_000;
/**
 * The client's RSA-2048 CertificateVerify signature, one computation that never yields:
 * 1.4 s at 80 MHz (estimate for BearSSL's 15-bit-word RSA on the LX106: two 1024-bit
 * modular exponentiations of ~1300 Montgomery products each). It grows with the cube of
 * the modulus length, so a 3072-bit key takes 4.7 s at 80 MHz: past the soft watchdog.
 */
export const RSA2048_SIGN_CYCLES = 112_000_000;

/** Modulus length of an RSA private key in PEM; null for anything else (or unreadable). */
export function rsaModulusBits(keyPem: string): number | null {
  try {
    const k = createPrivateKey(keyPem);
    return k.asymmetricKeyType === 'rsa' ? (k.asymmetricKeyDetails?.modulusLength ?? null) : null;
  } catch {
    return null;
  }
}

export function cyclesToMs(cycles: number, cpuMhz: number): number {
  return Math.round(cycles / (cpuMhz * 1000));
}

/** Milliseconds of the non-yielding client signature for a key of `bits` bits. */
export function rsaSignMs(bits: number, cpuMhz: number): number {
  return cyclesToMs(RSA2048_SIGN_CYCLES * (bits / 2048) ** 3, cpuMhz);
}
