import { type IncomingMessage, STATUS_CODES } from 'node:http';
import { connect as connectTcp, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import { type AdmissionChecks, admitOrRefuse } from './admit-or-refuse.js';
import { withoutQueryCredentials } from './extract-credential.js';
import { upstreamHeaders } from './forward-headers.js';
import type { IpSet } from './ip-set.js';
import { type Refusal, refuse } from './www-authenticate.js';

/** What {@link relayUpgrade} needs from the reverse proxy. */
export interface UpgradeContext extends AdmissionChecks {
  upstream: URL;
  trusted: IpSet;
  forwardCredentials: boolean;
  /** How long the upstream may take to answer the upgrade (504 after). */
  timeoutMs: number;
  /** Open tunnels, destroyed when the proxy closes. */
  tunnels: Set<Socket>;
}

/**
 * Handles an `Upgrade` request: the same head checks and guard decision as any request (so an
 * upgrade cannot skip authentication, and a refusal carries its challenges), then, for
 * `Upgrade: websocket` only, a tunnel to the upstream carrying the checked path and the filtered
 * headers (credentials stripped, identity set). Other protocols (`h2c`, which would let a client
 * speak HTTP/2 past the route rules) get 501. One access event per upgrade, with the upstream's
 * status (101 when the tunnel opened).
 *
 * @example
 * ```ts
 * server.on('upgrade', (req, socket, head) => void relayUpgrade(req, socket, head, context));
 * ```
 */
export async function relayUpgrade(req: IncomingMessage, socket: Socket, head: Buffer, ctx: UpgradeContext): Promise<void> {
  socket.on('error', () => socket.destroy());
  const admitted = admitOrRefuse(req, socket, ctx, writeRefusal);
  const decision = admitted instanceof Promise ? await admitted : admitted;
  if (decision === undefined) return;
  if (String(req.headers.upgrade).toLowerCase() !== 'websocket' || req.method !== 'GET') {
    writeRefusal(socket, refuse(501, 'not_implemented', 'upgrade protocol'));
    ctx.guard.finish(decision, 501);
    return;
  }
  const headers = upstreamHeaders(req.headers, decision.client, decision.credential, {
    forwardCredentials: ctx.forwardCredentials,
    requestId: decision.requestId,
    trustedForwarding: ctx.trusted.has(decision.client.peer),
  });
  headers.connection = 'Upgrade';
  headers.upgrade = 'websocket';
  const target =
    decision.tokenInQuery && !ctx.forwardCredentials ? withoutQueryCredentials(decision.forwardTarget) : decision.forwardTarget;
  let requestHead = `GET ${target} HTTP/1.1\r\n`;
  for (const [name, value] of Object.entries(headers)) {
    for (const v of Array.isArray(value) ? value : [value]) {
      // Node never parses CR or LF into a request field, but identity values come from the store.
      if (!/[\r\n\0]/.test(v)) requestHead += `${name}: ${v}\r\n`;
    }
  }
  requestHead += '\r\n';

  const port = Number(ctx.upstream.port) || (ctx.upstream.protocol === 'https:' ? 443 : 80);
  const host = ctx.upstream.hostname.replace(/^\[|\]$/g, '');
  const up =
    ctx.upstream.protocol === 'https:' ? connectTls({ host, port, servername: host, ALPNProtocols: ['http/1.1'] }) : connectTcp(port, host);
  ctx.tunnels.add(socket);
  ctx.tunnels.add(up);
  let status = 0;
  const settle = (s: number) => {
    if (status !== 0) return;
    status = s;
    ctx.guard.finish(decision, s);
  };
  const fail = (s: 502 | 504) => {
    if (status === 0)
      writeRefusal(socket, s === 504 ? refuse(504, 'gateway_timeout', 'upstream timeout') : refuse(502, 'bad_gateway', 'upstream'));
    else socket.destroy();
    settle(s);
    up.destroy();
  };
  const timer = setTimeout(() => fail(504), ctx.timeoutMs);
  up.on('error', () => fail(502));
  up.on('close', () => {
    clearTimeout(timer);
    ctx.tunnels.delete(up);
    // Closed before answering: the client still gets its 502.
    if (status === 0) fail(502);
    else socket.destroy();
  });
  socket.on('close', () => {
    ctx.tunnels.delete(socket);
    up.destroy();
  });
  // Bytes the client sent after its upgrade request wait for the upstream's 101: an upstream that
  // answers the upgrade as a plain request would read them as further requests, past the guard.
  up.write(requestHead);
  // Relay the upstream's answer as it comes; its status line names the access event's status.
  let seen = Buffer.alloc(0);
  const onHead = (chunk: Buffer) => {
    seen = Buffer.concat([seen, chunk]);
    if (seen.indexOf('\r\n') === -1 && seen.length < 64) return;
    up.off('data', onHead);
    clearTimeout(timer);
    const code = Number(/^HTTP\/1\.[01] (\d{3})/.exec(seen.toString('latin1', 0, 16))?.[1] ?? 502);
    settle(code);
    socket.write(seen);
    up.pipe(socket);
    if (code === 101) {
      if (head.length > 0) up.write(head);
      socket.pipe(up);
      // The tunnel outlives the check that opened it: a revocation, block or expiry closes it.
      const release = ctx.guard.holdOpen(decision, () => {
        socket.destroy();
        up.destroy();
      });
      socket.once('close', release);
      return;
    }
    // Not switched: one plain exchange, and the connection ends with it. Relaying what the client
    // sends next would let it talk to the upstream unchecked (WebSocket smuggling), so nothing is
    // read from it; the upstream is told no request follows and closes once it has answered.
    up.end();
  };
  up.on('data', onHead);
}

// A refusal written on a raw socket (no ServerResponse exists for an upgrade), then closed: early
// or not, the connection ends with it, so admitOrRefuse's other arguments do not matter here.
function writeRefusal(socket: Socket, refusal: Refusal): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = JSON.stringify(refusal.body);
  let text = `HTTP/1.1 ${refusal.status} ${STATUS_CODES[refusal.status] ?? 'Error'}\r\n`;
  for (const [name, value] of Object.entries(refusal.headers))
    for (const v of Array.isArray(value) ? value : [value]) text += `${name}: ${v}\r\n`;
  text += `content-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\ncache-control: no-store\r\nconnection: close\r\n\r\n${body}`;
  socket.end(text);
}
