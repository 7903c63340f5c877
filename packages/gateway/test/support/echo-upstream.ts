import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A tiny upstream that echoes what it received (method, url, headers, body length) as JSON. It answers 404 under
 * `/missing`, and a request may ask for its answer's status and Cache-Control in its query (`status=`, `cc=`).
 */
export async function startEchoUpstream(): Promise<{
  url: string;
  server: Server;
  seen: { url: string; headers: IncomingHttpHeaders }[];
  close: () => Promise<void>;
}> {
  const seen: { url: string; headers: IncomingHttpHeaders }[] = [];
  const server = createServer((req, res) => {
    let bytes = 0;
    req.on('data', (c: Buffer) => {
      bytes += c.length;
    });
    req.on('end', () => {
      seen.push({ url: req.url ?? '', headers: req.headers });
      const asked = new URL(req.url ?? '/', 'http://upstream').searchParams;
      const status = req.url?.startsWith('/missing') ? 404 : Number(asked.get('status') ?? 200);
      const body = JSON.stringify({ method: req.method, url: req.url, headers: req.headers, bytes });
      const cacheControl = asked.get('cc');
      res.writeHead(status, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
        connection: 'keep-alive, x-secret-hop',
        'x-secret-hop': 'leak',
        'keep-alive': 'timeout=5',
        ...(cacheControl === null ? {} : { 'cache-control': cacheControl }),
      });
      res.end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    seen,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** Sends raw bytes and returns the raw response text (first chunk until close or 2 s). */
export function rawRequest(port: number, payload: string): Promise<string> {
  return import('node:net').then(
    ({ connect }) =>
      new Promise<string>((resolve) => {
        const sock = connect(port, '127.0.0.1');
        let out = '';
        const done = () => {
          sock.destroy();
          resolve(out);
        };
        sock.on('data', (d) => {
          out += d.toString('latin1');
          if (/\r\n\r\n/.test(out)) setTimeout(done, 30);
        });
        sock.on('error', done);
        sock.on('close', done);
        setTimeout(done, 2_000);
        sock.write(payload);
      }),
  );
}

/**
 * Sends `head`, then `reply` once what the server sent matches `when` (a 100 Continue, a 101
 * Switching Protocols); returns everything read until the server closes or `ms` pass.
 */
export function rawConversation(port: number, head: string, when: RegExp, reply: string, ms = 3_000): Promise<string> {
  return import('node:net').then(
    ({ connect }) =>
      new Promise<string>((resolve) => {
        const sock = connect(port, '127.0.0.1');
        let out = '';
        let sent = false;
        sock.on('data', (d) => {
          out += d.toString('latin1');
          if (!sent && when.test(out)) {
            sent = true;
            sock.write(reply);
          }
        });
        const done = () => {
          sock.destroy();
          resolve(out);
        };
        sock.on('error', done);
        sock.on('close', done);
        setTimeout(done, ms);
        sock.write(head);
      }),
  );
}
