import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { ListenError, TokenWardenError } from '@tokenwarden/core';
import { Pool } from 'undici';
import { type AdmissionChecks, type AdmittedDecision, admitOrRefuse } from './admit-or-refuse.js';
import { withoutQueryCredentials } from './extract-credential.js';
import { downstreamHeaders, privateCacheControl, upstreamHeaders } from './forward-headers.js';
import type { GatewayGuard } from './gateway-guard.js';
import { IpSet } from './ip-set.js';
import { relayBody } from './relay-body.js';
import { MAX_HEADER_FIELDS } from './request-head-checks.js';
import { sendRefusal } from './respond.js';
import { relayUpgrade, type UpgradeContext } from './upgrade-relay.js';
import { type Refusal, refuse } from './www-authenticate.js';

/** Options of {@link startReverseProxy}. */
export interface ReverseProxyOptions {
  guard: GatewayGuard;
  /** Upstream base URL (`http://127.0.0.1:3000`); its path, if any, is not prefixed. */
  upstream: string;
  host?: string;
  port?: number;
  /** Forward Authorization / DPoP / X-API-Key upstream. Default false. */
  forwardCredentials?: boolean;
  /** Peers whose X-Forwarded-For chain is kept when forwarding. */
  trustedProxies?: readonly string[];
  /** Largest request head accepted; larger gets 431. Default 16 KiB. */
  maxHeaderSize?: number;
  /** How long the upstream may take to answer with its head before the client gets a 504. Default 30 s. */
  upstreamTimeoutMs?: number;
  /** How long a client may take to send its request head before a 408 (slow-headers clients). Default 20 s. */
  headersTimeoutMs?: number;
  /** Connections kept to the upstream. Default 64. */
  connections?: number;
  /** Terminate TLS: the PEM certificate (chain) and private key. Without it, plain HTTP. */
  tls?: { cert: Buffer | string; key: Buffer | string };
}

/** A running reverse proxy. */
export interface ReverseProxy {
  readonly server: Server;
  /** `http://host:port` it listens on. */
  readonly url: string;
  /** Stops accepting, waits for in-flight requests (up to `graceMs`), flushes events, closes the pool. */
  close(graceMs?: number): Promise<void>;
}

/**
 * Starts the standalone reverse proxy: every request goes through the guard, admitted ones are
 * forwarded to the upstream over an undici pool with hop-by-hop headers and credentials stripped.
 * Oversized heads get 431 and malformed ones 400 (never a crash), ambiguous framing (request
 * smuggling) is refused, TRACE is 405 and CONNECT 501, a WebSocket upgrade is checked like any
 * request and then tunnelled (other upgrades 501), `Expect: 100-continue` is answered only
 * once the request is admitted, and an upstream failure is a 502 (504 when it does not answer in time).
 *
 * @example
 * ```ts
 * const proxy = await startReverseProxy({ guard, upstream: 'http://127.0.0.1:3000', port: 8081 });
 * console.log(proxy.url);
 * await proxy.close();
 * ```
 */
export async function startReverseProxy(options: ReverseProxyOptions): Promise<ReverseProxy> {
  const { guard } = options;
  let upstream: URL;
  try {
    upstream = new URL(options.upstream);
    if (upstream.protocol !== 'http:' && upstream.protocol !== 'https:') throw new Error('protocol');
  } catch {
    throw new TokenWardenError('TW_USAGE', `invalid --upstream ${JSON.stringify(options.upstream)}`, {
      hint: 'give an http:// or https:// URL, e.g. http://127.0.0.1:3000',
    });
  }
  const pool = new Pool(upstream.origin, { connections: options.connections ?? 64, pipelining: 1, keepAliveTimeout: 10_000 });
  const trusted = IpSet.from(options.trustedProxies ?? []);
  const forwardCredentials = options.forwardCredentials ?? false;
  const upstreamTimeoutMs = options.upstreamTimeoutMs ?? 30_000;

  const malformedCredential = (reason: string) => guard.malformedCredential(reason);
  const checks: AdmissionChecks = { guard, malformedCredential };
  const handle = async (req: IncomingMessage, res: ServerResponse, expectsContinue: boolean): Promise<void> => {
    const admitted = admitOrRefuse(req, res, checks, refuseOnResponse);
    const decision = admitted instanceof Promise ? await admitted : admitted;
    if (decision === undefined) return;
    // `Expect: 100-continue`: the client waits for this before sending the body; only now is it wanted.
    if (expectsContinue) res.writeContinue();
    await forward(req, res, decision);
  };

  const forward = async (req: IncomingMessage, res: ServerResponse, decision: AdmittedDecision): Promise<void> => {
    const method = req.method ?? 'GET';
    const hasBody =
      req.headers['transfer-encoding'] !== undefined ||
      (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0');
    let status = 502;
    let bytesOut = 0;
    try {
      const response = await pool.request({
        method: method as 'GET',
        // A query token (a route with `allow_query_token`) is a credential like a header one:
        // withheld from the upstream unless credentials are forwarded.
        path: decision.tokenInQuery && !forwardCredentials ? withoutQueryCredentials(decision.forwardTarget) : decision.forwardTarget,
        headers: upstreamHeaders(req.headers, decision.client, decision.credential, {
          forwardCredentials,
          requestId: decision.requestId,
          trustedForwarding: trusted.has(decision.client.peer),
        }),
        body: hasBody ? req : null,
        headersTimeout: upstreamTimeoutMs,
        bodyTimeout: 60_000,
      });
      status = response.statusCode;
      const headers = downstreamHeaders(response.headers as Record<string, string | string[] | undefined>);
      // RFC 6750 §2.3: a success answer to a request with its token in the URL is `private`.
      if (decision.tokenInQuery && status >= 200 && status < 300) headers['cache-control'] = privateCacheControl(headers['cache-control']);
      res.writeHead(status, headers);
      // A relay cut short has destroyed both sides already; its access event keeps the status.
      // A long stream (server-sent events, a big download) is cut off if its credential is revoked,
      // blocked or expires meanwhile.
      const release = guard.holdOpen(decision, () => {
        response.body.destroy();
        res.destroy();
      });
      try {
        bytesOut = (await relayBody(response.body, res)).bytes;
      } finally {
        release();
      }
    } catch (e) {
      const code = (e as { code?: string }).code;
      const timedOut = code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT';
      if (timedOut) status = 504;
      if (!res.headersSent)
        sendRefusal(
          res,
          timedOut ? refuse(504, 'gateway_timeout', 'upstream timeout') : refuse(502, 'bad_gateway', 'upstream unreachable'),
        );
      else res.destroy();
    } finally {
      guard.finish(decision, status, bytesOut);
    }
  };

  const serverOptions = {
    maxHeaderSize: options.maxHeaderSize ?? 16 * 1024,
    requestTimeout: 60_000,
    headersTimeout: options.headersTimeoutMs ?? 20_000,
    // Node only checks the timeouts above on this interval (30 s by default): a slow-headers client
    // would hold its socket for up to 50 s instead of 20.
    connectionsCheckingInterval: 2_000,
    keepAliveTimeout: 5_000,
    // Duplicate Content-Length with equal values would otherwise be merged before we could see it.
    joinDuplicateHeaders: false,
  };
  const onRequest = (req: IncomingMessage, res: ServerResponse, expectsContinue = false): void => {
    handle(req, res, expectsContinue).catch(() => {
      if (!res.headersSent) sendRefusal(res, refuse(500, 'server_error', 'internal error'));
      else res.destroy();
    });
  };
  let server: Server;
  try {
    server = options.tls
      ? createHttpsServer({ ...serverOptions, cert: options.tls.cert, key: options.tls.key, minVersion: 'TLSv1.2' }, onRequest)
      : createServer(serverOptions, onRequest);
  } catch (e) {
    await pool.close();
    throw new TokenWardenError('TW_CONFIG_INVALID', `the TLS certificate and key cannot be used: ${(e as Error).message}`, {
      hint: 'give tls.cert a PEM certificate (chain) and tls.key its PEM private key',
      cause: e,
    });
  }
  server.maxHeadersCount = MAX_HEADER_FIELDS;
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    if (!socket.writable) {
      socket.destroy();
      return;
    }
    const code =
      err.code === 'HPE_HEADER_OVERFLOW'
        ? '431 Request Header Fields Too Large'
        : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? '408 Request Timeout'
          : '400 Bad Request';
    socket.end(`HTTP/1.1 ${code}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
  });
  // Without this listener Node answers `100 Continue` itself, before the guard has seen the request.
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => onRequest(req, res, true));
  const tunnels = new Set<Socket>();
  const upgrades: UpgradeContext = {
    guard,
    upstream,
    trusted,
    forwardCredentials,
    malformedCredential,
    timeoutMs: upstreamTimeoutMs,
    tunnels,
  };
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    relayUpgrade(req, socket, head, upgrades).catch(() => socket.destroy());
  });
  // Not a forward proxy: a CONNECT tunnel is answered, not silently dropped.
  server.on('connect', (_req: IncomingMessage, socket: Socket) => {
    socket.end('HTTP/1.1 501 Not Implemented\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
  });
  const listenHost = options.host ?? '127.0.0.1';
  const listenPort = options.port ?? 8081;
  await new Promise<void>((resolve, reject) => {
    const refuseToStart = (e: NodeJS.ErrnoException) => {
      void pool.close();
      reject(new ListenError(`${listenHost}:${listenPort}`, e));
    };
    server.once('error', refuseToStart);
    server.listen(listenPort, listenHost, () => {
      server.off('error', refuseToStart);
      resolve();
    });
  });
  server.on('error', () => {});
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    server,
    url: `${options.tls ? 'https' : 'http'}://${host}:${addr.port}`,
    async close(graceMs = 5_000) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      // Upgraded sockets are no longer the HTTP server's to close, but still hold the listener open.
      const timer = setTimeout(() => {
        server.closeAllConnections();
        for (const tunnel of tunnels) tunnel.destroy();
      }, graceMs);
      await closed;
      clearTimeout(timer);
      await guard.close();
      await pool.close();
    },
  };
}

// A refusal on a plain request. A malformed or hostile head ends the connection: no further request
// on it. Otherwise an unauthenticated body is not read: close instead of draining it (decided before
// the head is written, or Node answers keep-alive and then reads the whole body to discard it).
function refuseOnResponse(res: ServerResponse, refusal: Refusal, early: boolean, req: IncomingMessage): void {
  if (early || !req.complete) res.shouldKeepAlive = false;
  sendRefusal(res, refusal);
}
