import { isIP } from 'node:net';
import { IpSet, isLoopback, unmapIPv4 } from './ip-set.js';

/** Where a request really came from and whether it travelled encrypted. */
export interface ClientInfo {
  /** The client address: the peer, or the first untrusted hop of X-Forwarded-For behind trusted proxies. */
  ip: string;
  /** The direct TCP peer. */
  peer: string;
  /** True when the request reached TLS: a TLS socket, or a trusted proxy saying X-Forwarded-Proto: https. */
  secure: boolean;
  /** True when the hop that carried the credential is loopback-only (no network exposure). */
  loopback: boolean;
  /** The protocol as seen by the client (`https` or `http`). */
  proto: 'http' | 'https';
}

/**
 * Resolves the client address and transport security. X-Forwarded-For and X-Forwarded-Proto are
 * believed only when the peer is a configured trusted proxy; the chain is walked from the right,
 * skipping trusted proxies, so a client cannot prepend a forged address.
 *
 * @example
 * ```ts
 * clientInfo({ peer: '10.0.0.2', encrypted: false, xff: '1.2.3.4, 10.0.0.3', xfp: 'https' }, IpSet.from(['10.0.0.0/8']));
 * // { ip: '1.2.3.4', secure: true, ... }
 * ```
 */
export function clientInfo(
  req: { peer: string | undefined; encrypted: boolean; xff: string | undefined; xfp: string | undefined },
  trustedProxies: IpSet,
): ClientInfo {
  const peer = unmapIPv4(req.peer ?? '');
  if (!trustedProxies.has(peer)) {
    return { ip: peer, peer, secure: req.encrypted, loopback: isLoopback(peer), proto: req.encrypted ? 'https' : 'http' };
  }
  let ip = peer;
  if (req.xff) {
    const hops = req.xff.split(',').map((h) => unmapIPv4(h.trim()));
    for (let i = hops.length - 1; i >= 0; i--) {
      const hop = hops[i] as string;
      if (isIP(hop) === 0) break;
      ip = hop;
      if (!trustedProxies.has(hop)) break;
    }
  }
  const forwardedProto = req.xfp?.split(',')[0]?.trim().toLowerCase();
  const secure = req.encrypted || forwardedProto === 'https';
  return { ip, peer, secure, loopback: isLoopback(peer) && isLoopback(ip), proto: secure ? 'https' : 'http' };
}

/**
 * The {@link ClientInfo} of requests that come straight from their peer (no trusted proxy to
 * believe): it depends only on the peer address and whether the socket is TLS, so it is built once
 * per peer and shared, frozen, by every request from that peer instead of once per request. A
 * socket hands every request the same address string, so the lookup hashes no text. Bounded
 * (cleared when full).
 *
 * @example
 * ```ts
 * const direct = new DirectClients();
 * direct.of('127.0.0.1', false); // { ip: '127.0.0.1', loopback: true, secure: false, ... }
 * ```
 */
export class DirectClients {
  private readonly plain = new Map<string, ClientInfo>();
  private readonly tls = new Map<string, ClientInfo>();
  private static readonly none = new IpSet();

  /** What {@link clientInfo} answers for `peer` without trusted proxies. */
  of(peer: string | undefined, encrypted: boolean): ClientInfo {
    const byPeer = encrypted ? this.tls : this.plain;
    const key = peer ?? '';
    let info = byPeer.get(key);
    if (info === undefined) {
      info = Object.freeze(clientInfo({ peer, encrypted, xff: undefined, xfp: undefined }, DirectClients.none));
      if (byPeer.size >= 10_000) byPeer.clear();
      byPeer.set(key, info);
    }
    return info;
  }
}
