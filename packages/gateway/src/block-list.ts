import type { ControlOrder } from '@tokenwarden/core';
import { IpSet } from './ip-set.js';

/**
 * Blocks ordered by detection and response over the `control` topic: a credential, an IP (or CIDR)
 * or an ASN. Enforced from the next request; blocks with `expires_at` lift themselves.
 *
 * @example
 * ```ts
 * const blocks = new BlockList();
 * blocks.apply({ id: 'o1', time, action: 'block', target: { kind: 'ip', value: '1.2.3.4' }, reason: 'probe', actor: 'detection' });
 * blocks.isIpBlocked('1.2.3.4'); // true
 * ```
 */
export class BlockList {
  private readonly credentials = new Map<string, number>();
  private readonly ips = new Map<string, number>();
  private readonly asns = new Map<number, number>();
  private ipRanges: IpSet = new IpSet();

  /** Applies one control order; returns false for a malformed target (ignored). */
  apply(order: ControlOrder): boolean {
    const until = order.expires_at ? Date.parse(order.expires_at) : Number.POSITIVE_INFINITY;
    const t = order.target;
    if (t.kind === 'credential') return this.update(this.credentials, t.id, order.action, until);
    if (t.kind === 'asn') return this.update(this.asns, t.value, order.action, until);
    if (t.kind === 'ip') {
      try {
        IpSet.from([t.value]);
      } catch {
        return false;
      }
      const ok = this.update(this.ips, t.value, order.action, until);
      this.rebuildRanges();
      return ok;
    }
    return false;
  }

  isCredentialBlocked(id: string): boolean {
    return this.live(this.credentials, id);
  }

  isIpBlocked(ip: string): boolean {
    if (this.ips.size === 0) return false;
    if (this.live(this.ips, ip)) return true;
    if (!this.ipRanges.has(ip)) return false;
    // A range matched: make sure the matching entry has not expired.
    const now = Date.now();
    for (const [entry, until] of this.ips) if (until > now && IpSet.from([entry]).has(ip)) return true;
    return false;
  }

  isAsnBlocked(asn: number | undefined): boolean {
    return asn !== undefined && this.live(this.asns, asn);
  }

  private update<K>(map: Map<K, number>, key: K, action: 'block' | 'unblock', until: number): boolean {
    if (action === 'unblock') map.delete(key);
    else map.set(key, Number.isNaN(until) ? Number.POSITIVE_INFINITY : until);
    return true;
  }

  private live<K>(map: Map<K, number>, key: K): boolean {
    const until = map.get(key);
    if (until === undefined) return false;
    if (until > Date.now()) return true;
    map.delete(key);
    return false;
  }

  private rebuildRanges(): void {
    this.ipRanges = IpSet.from([...this.ips.keys()]);
  }
}
