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

  // The nonces of the last two slots asked for: every proof checks the current (and maybe the
  // previous) slot, which would otherwise cost one or two HMACs per request.
  private memo: { slot: number; nonce: string }[] = [];

  private forSlot(slot: number): string {
    for (const m of this.memo) if (m.slot === slot) return m.nonce;
    const s = slot.toString(36);
    const nonce = `${s}.${createHmac('sha256', this.secret).update(s).digest('base64url').slice(0, 22)}`;
    this.memo = [{ slot, nonce }, ...this.memo.slice(0, 1)];
    return nonce;
  }
}
