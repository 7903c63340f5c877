import { addressScope } from '@tokenwarden/core';
import { hashString } from './sketches/hash.js';

/** A network key for an address that the IP databases know nothing about. */
export interface UnregisteredNetwork {
  /** Stands in for an ASN in the profiles: 2^31 and above, where no registry assigns public ASNs. */
  key: number;
  /** For evidence: `internal network` or the address's prefix (`198.51.100.0/24`). */
  label: string;
  /** A private, shared (CGNAT), loopback or link-local address. */
  internal: boolean;
}

const PSEUDO_ASN_BIT = 0x80000000;

/** Key of every internal address: private space is one network, the organisation's own. */
export const INTERNAL_NETWORK_KEY = (hashString('network:internal') | PSEUDO_ASN_BIT) >>> 0;

const INTERNAL: UnregisteredNetwork = { key: INTERNAL_NETWORK_KEY, label: 'internal network', internal: true };

/**
 * The network an address belongs to when no ASN is known for it. Internal addresses are one network
 * (see {@link addressScope}): a cloud key that only ever called from inside its VPC and now calls from the
 * internet has left its network, whatever the databases say. A public address missing from the databases (new
 * allocations, documentation ranges in lab data) stands for its /24 or /48, the smallest prefixes routed between
 * networks, so an unknown address is still a place that can be new. Undefined for text that is not an address.
 *
 * @example
 * ```ts
 * unregisteredNetwork('10.0.1.50'); // { key: INTERNAL_NETWORK_KEY, label: 'internal network', internal: true }
 * unregisteredNetwork('198.51.100.23')?.label; // '198.51.100.0/24'
 * ```
 */
export function unregisteredNetwork(ip: string): UnregisteredNetwork | undefined {
  const scope = addressScope(ip);
  if (scope === undefined) return undefined;
  if (scope.internal) return INTERNAL;
  return { key: (hashString(`network:${scope.prefix}`) | PSEUDO_ASN_BIT) >>> 0, label: scope.prefix, internal: false };
}

/** Distinct addresses without an ASN whose network is remembered (bounded; cleared when full). */
const MAX_CACHED = 4096;

/**
 * {@link unregisteredNetwork} once per distinct address: addresses without an ASN repeat (a VPC's few private
 * addresses), and the engine asks on every event from one.
 *
 * @example
 * ```ts
 * const networks = new UnregisteredNetworks();
 * networks.of('10.0.1.50')?.label; // 'internal network'
 * ```
 */
export class UnregisteredNetworks {
  private readonly cache = new Map<string, UnregisteredNetwork | null>();

  /** The network of `ip`, or undefined for text that is not an address. */
  of(ip: string): UnregisteredNetwork | undefined {
    let net = this.cache.get(ip);
    if (net === undefined) {
      if (this.cache.size >= MAX_CACHED) this.cache.clear();
      net = unregisteredNetwork(ip) ?? null;
      this.cache.set(ip, net);
    }
    return net ?? undefined;
  }
}
