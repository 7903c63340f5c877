import { createHmac } from 'node:crypto';
import { safeEqual } from '@tokenwarden/core';

/**
 * Stateless DPoP nonces (RFC 9449 §8–9): `<window>.<hmac>` where the window is the current time
 * slot. Every gateway sharing the secret (from `--data`) accepts the others' nonces, and a nonce
 * stays valid for the current and previous slot.
 *
 * @example
 * ```ts
 * const nonces = new DpopNonces(secret, 60_000);
 * nonces.isValid(nonces.current()); // true
 * ```
 */
export class DpopNonces {
  constructor(
    private readonly secret: string,
    private readonly slotMs = 60_000,
  ) {}

  /** The nonce to hand out now. */
  current(now = Date.now()): string {
    return this.forSlot(Math.floor(now / this.slotMs));
  }

  /** True for a nonce of the current or previous slot. */
  isValid(nonce: unknown, now = Date.now()): boolean {
    if (typeof nonce !== 'string' || nonce.length > 100) return false;
    const slot = Math.floor(now / this.slotMs);
    return safeEqual(nonce, this.forSlot(slot)) || safeEqual(nonce, this.forSlot(slot - 1));
  }

  private forSlot(slot: number): string {
    const s = slot.toString(36);
    return `${s}.${createHmac('sha256', this.secret).update(s).digest('base64url').slice(0, 22)}`;
  }
}
