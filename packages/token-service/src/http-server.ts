import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ListenError, TokenWardenError } from '@tokenwarden/core';
import type { Database } from '@tokenwarden/store';
import type { Provider } from 'oidc-provider';
import { LoginThrottle } from './accounts/login-throttle.js';
import { type EventSink, requestContext } from './events.js';
import { handleInteraction } from './oauth/interactions.js';
import { INTROSPECTION_PATH } from './oauth/introspection-endpoint.js';

/**
 * Parses `host:port` (IPv6 in brackets) for `listen`.
 *
 * @example
 * ```ts
 * parseHostPort('127.0.0.1:8080'); // { host: '127.0.0.1', port: 8080 }
 * ```
 */
export function parseHostPort(value: string): { host: string; port: number } {
  const m = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(value);
  const port = m ? Number(m[2]) : Number.NaN;
  if (!m || port > 65535) {
    throw new TokenWardenError('TW_USAGE', `invalid listen address "${value}"`, { hint: 'use host:port, e.g. 127.0.0.1:8080' });
  }
  return { host: (m[1] as string).replace(/^\[|\]$/g, ''), port };
}

/**
 * Starts the HTTP face of the token service: oidc-provider's endpoints, RFC 8414 metadata at
 * `/.well-known/oauth-authorization-server` (the same document as OIDC discovery), and the login
 * interaction, and RFC 7662 introspection in front of the provider when `introspection` is given
 * (see `createIntrospectionEndpoint`). Every request runs inside a request context so lifecycle events carry the
 * client's IP and user agent.
 *
 * @example
 * ```ts
 * const server = await startHttpServer(() => provider, database, events, '127.0.0.1:8080');
 * ```
 */
export async function startHttpServer(
  provider: () => Provider,
  database: Database,
  events: EventSink,
  hostPort: string,
  introspection?: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
): Promise<Server> {
  const { host, port } = parseHostPort(hostPort);
  // Koa composes its middleware on every callback() call: keep one handler per provider instance.
  const handlers = new WeakMap<Provider, ReturnType<Provider['callback']>>();
  const loginThrottle = new LoginThrottle();
  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const context = {
      ip: req.socket.remoteAddress ?? 'unknown',
      userAgent: typeof req.headers['user-agent'] === 'string' ? req.headers['user-agent'] : undefined,
      method: req.method,
      path: (req.url ?? '/').split('?')[0],
    };
    requestContext.run(context, () => {
      const current = provider();
      const path = context.path ?? '/';
      if (path === '/.well-known/oauth-authorization-server') req.url = '/.well-known/openid-configuration';
      if (introspection && req.method === 'POST' && path === INTROSPECTION_PATH) {
        introspection(req, res).catch((e: unknown) => {
          process.stderr.write(`token-service: introspection failed: ${e instanceof Error ? e.message : String(e)}\n`);
          if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
          res.end('internal error');
        });
        return;
      }
      if (path.startsWith('/interaction/')) {
        handleInteraction(current, database, events, loginThrottle, req, res).catch((e: unknown) => {
          process.stderr.write(`token-service: interaction failed: ${e instanceof Error ? e.message : String(e)}\n`);
          if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
          res.end('internal error');
        });
        return;
      }
      let callback = handlers.get(current);
      if (!callback) {
        callback = current.callback();
        handlers.set(current, callback);
      }
      void callback(req, res);
    });
  };
  const server = createServer({ keepAliveTimeout: 65_000 }, handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => reject(new ListenError(hostPort, e)));
    server.listen(port, host, () => resolve());
  });
  return server;
}

/** The port a server actually listens on (for `:0` in tests). */
export function boundPort(server: Server): number {
  return (server.address() as AddressInfo).port;
}
