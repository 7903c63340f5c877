import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a {@link startReceiver} got. */
export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * A real local HTTP receiver for webhook and SSF push tests: records every request and answers
 * with `respond(path, attempt)` (default 202), optionally after a delay.
 */
export async function startReceiver(
  respond: (path: string, attempt: number) => { status: number; body?: string; delayMs?: number } = () => ({ status: 202 }),
): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const attempts = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => {
      body += c.toString();
    });
    req.on('end', () => {
      const path = req.url ?? '';
      received.push({ path, headers: req.headers, body });
      const n = (attempts.get(path) ?? 0) + 1;
      attempts.set(path, n);
      const r = respond(path, n);
      setTimeout(() => {
        if (!res.destroyed) res.writeHead(r.status, { 'content-type': 'application/json' }).end(r.body ?? '');
      }, r.delayMs ?? 0);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
