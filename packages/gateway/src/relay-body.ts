import type { ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';

/** How a relay ended: the body bytes passed on, and whether the client's response finished. */
export interface RelayOutcome {
  bytes: number;
  /** The cause when the relay was cut short (both sides are destroyed by then). */
  error?: Error;
}

/**
 * Streams an upstream response body into the client's response, with backpressure (the upstream is
 * paused while the client's socket is full), and resolves once the client's response has finished.
 * When either side fails first (the upstream body errors, the client goes away, the response
 * errors) both are destroyed, so the upstream connection is freed and the client sees a cut
 * response rather than a short one passed off as whole; the outcome then carries the error. It
 * never rejects.
 *
 * Not `stream.pipeline`: on Node 20 every pipeline makes an AbortController and aborts it when done,
 * which builds a DOMException with a stack trace: ~25 µs of CPU per proxied request on the bench
 * host, more than the whole guard costs for a cached credential.
 *
 * @example
 * ```ts
 * const response = await pool.request({ method: 'GET', path: '/x' });
 * res.writeHead(response.statusCode, headers);
 * const { bytes, error } = await relayBody(response.body, res);
 * ```
 */
export function relayBody(body: Readable, res: ServerResponse): Promise<RelayOutcome> {
  return new Promise<RelayOutcome>((resolve) => {
    let bytes = 0;
    let settled = false;
    const onDrain = (): void => {
      body.resume();
    };
    const onData = (chunk: Buffer): void => {
      bytes += chunk.length;
      if (!res.write(chunk)) {
        body.pause();
        res.once('drain', onDrain);
      }
    };
    const onEnd = (): void => {
      res.end();
    };
    const settle = (err?: Error): void => {
      if (settled) return;
      settled = true;
      body.off('data', onData);
      body.off('end', onEnd);
      res.off('drain', onDrain);
      if (err !== undefined) {
        body.destroy();
        res.destroy();
      }
      resolve(err === undefined ? { bytes } : { bytes, error: err });
    };
    body.on('data', onData);
    body.once('end', onEnd);
    body.once('error', settle);
    res.once('error', settle);
    res.once('finish', () => settle());
    // After 'finish' (the usual case) the relay has settled: build no Error (a stack trace) for it.
    res.once('close', () => {
      if (!settled) settle(new Error('the client closed the connection before the response ended'));
    });
  });
}
