import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { GuardRequest } from './gateway-guard.js';
import type { Refusal } from './www-authenticate.js';

/**
 * Reads the guard's view of a Node request.
 *
 * @example
 * ```ts
 * const decision = await guard.check(guardRequestOf(req));
 * ```
 */
export function guardRequestOf(req: IncomingMessage): GuardRequest {
  return {
    method: req.method ?? 'GET',
    target: req.url ?? '/',
    headers: req.headers,
    peer: req.socket.remoteAddress,
    encrypted: Boolean((req.socket as TLSSocket).encrypted),
  };
}

/**
 * Writes a refusal as JSON with its challenges, and marks the response uncacheable.
 *
 * @example
 * ```ts
 * if (!decision.allow) return sendRefusal(res, decision.refusal);
 * ```
 */
export function sendRefusal(res: ServerResponse, refusal: Refusal): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify(refusal.body);
  res.writeHead(refusal.status, {
    ...refusal.headers,
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
  });
  res.end(body);
}

/**
 * Resolves after `ms` milliseconds (0 resolves at once without a timer).
 *
 * @example
 * ```ts
 * await delay(decision.delayMs);
 * ```
 */
export function delay(ms: number): Promise<void> {
  return ms <= 0 ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, ms));
}
