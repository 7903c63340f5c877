import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { TokenWardenError } from '@tokenwarden/core';
import { requestContext } from '../events.js';
import type { IntakeConfig } from './config.js';
import { createExposureHandler, type ExposureDeps, type ExposureLabel } from './exposure.js';
import { parseReport } from './report.js';
import { verifyReportSignature } from './signature.js';

/**
 * One element of the response: GitHub's partner feedback format, hashed form only.
 *
 * @example
 * ```ts
 * const verdict: IntakeVerdict = { token_hash: sha256Hex(token), token_type: 'tokenwarden_api_key', label: 'true_positive' };
 * ```
 */
export interface IntakeVerdict {
  /** SHA-256 hex of the reported token: the raw token is never sent back. */
  token_hash: string;
  token_type: string;
  label: ExposureLabel;
}

/**
 * What the intake needs from the token service (the same as the exposure handler).
 *
 * @example
 * ```ts
 * intake.mount(server, { admin, view, events, issuer, provider: () => provider });
 * ```
 */
export type IntakeDeps = ExposureDeps;

/**
 * An HTTP handler for the intake endpoint.
 *
 * @example
 * ```ts
 * const handle: IntakeRequestHandler = createIntakeHandler(config, deps);
 * ```
 */
export type IntakeRequestHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

// Past the cap the rest of a body is read and dropped (so the client gets its 413), up to this many
// times the cap; beyond that the connection is cut.
const DRAIN_FACTOR = 4;

/**
 * Builds the handler of `POST <config.path>`: reads the raw body under the size cap, verifies its
 * signature before parsing it, validates the report, then handles each token and answers `200`
 * with one {@link IntakeVerdict} per reported item, in order. Errors answer
 * `{"error": "TW_…", "message", "hint"}` with 401, 400, 405, 413 or 500; a failure never crashes
 * the server, and no log line or response contains a reported token.
 *
 * @example
 * ```ts
 * const handle = createIntakeHandler(config, { admin, view, events, issuer });
 * http.createServer((req, res) => void handle(req, res));
 * ```
 */
export function createIntakeHandler(config: IntakeConfig, deps: IntakeDeps): IntakeRequestHandler {
  const exposures = createExposureHandler(deps, config.notify);
  return async (req, res) => {
    try {
      if (req.method !== 'POST') {
        res.setHeader('allow', 'POST');
        req.resume();
        return sendError(res, 405, new TokenWardenError('TW_USAGE', `method ${req.method} is not allowed`, { hint: 'POST the report' }));
      }
      const body = await readCappedBody(req, config.maxBodyBytes);
      if (body === 'too_large') {
        return sendError(
          res,
          413,
          new TokenWardenError('TW_INTAKE_TOO_LARGE', `the body is larger than ${config.maxBodyBytes} bytes`, { hint: 'split the report' }),
          true,
        );
      }
      const sender = verifyReportSignature(req.headers, body, config);
      const items = parseReport(body, config.maxItems);
      const verdicts: IntakeVerdict[] = [];
      let revoked = 0;
      for (const item of items) {
        const verdict = await exposures.handle(item, sender);
        if (verdict.fresh && verdict.report?.action === 'revoked') revoked++;
        verdicts.push({ token_hash: verdict.token_hash, token_type: item.type, label: verdict.label });
      }
      const positives = verdicts.filter((v) => v.label === 'true_positive').length;
      process.stderr.write(
        `token-service: intake report (${sender.scheme}): ${items.length} token(s), ${positives} ours, ${revoked} revoked\n`,
      );
      sendJson(res, 200, verdicts);
    } catch (e) {
      if (e instanceof TokenWardenError && e.code === 'TW_INTAKE_UNAUTHORIZED') {
        process.stderr.write(`token-service: intake rejected a report: ${e.message}\n`);
        return sendError(res, 401, e);
      }
      if (e instanceof TokenWardenError && e.code === 'TW_INTAKE_MALFORMED') return sendError(res, 400, e);
      process.stderr.write(`token-service: intake failed: ${redactTokens(e instanceof Error ? e.message : String(e))}\n`);
      sendError(
        res,
        500,
        new TokenWardenError('TW_INTERNAL', 'the report could not be processed', {
          hint: 'retry later: reports are idempotent, a token is never revoked twice',
        }),
      );
    }
  };
}

/**
 * Routes `POST <path>` of an already-listening server to the intake and everything else to the
 * server's existing request listeners. This keeps the OAuth server's own router untouched; the
 * intake runs inside a request context, so its events carry the sender's IP and user agent.
 *
 * @example
 * ```ts
 * const server = await startHttpServer(...);
 * mountIntake(server, config.path, createIntakeHandler(config, deps));
 * ```
 */
export function mountIntake(server: Server, path: string, handler: IntakeRequestHandler): void {
  const existing = server.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const requestPath = (req.url ?? '/').split('?')[0];
    if (requestPath !== path) {
      for (const listener of existing) listener.call(server, req, res);
      return;
    }
    const context = {
      ip: req.socket.remoteAddress ?? 'unknown',
      userAgent: typeof req.headers['user-agent'] === 'string' ? req.headers['user-agent'] : undefined,
      method: req.method,
      path: requestPath,
    };
    requestContext.run(context, () => {
      handler(req, res).catch(() => {
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
    });
  });
}

/** Reads the whole body, or answers `too_large` once it passes `cap` bytes. */
async function readCappedBody(req: IncomingMessage, cap: number): Promise<Buffer | 'too_large'> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > cap * DRAIN_FACTOR) return 'too_large';
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > cap) {
        over = true;
        chunks.length = 0;
        if (size > cap * DRAIN_FACTOR) {
          req.pause();
          resolve('too_large');
        }
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(over ? 'too_large' : Buffer.concat(chunks, size)));
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, payload: unknown, close = false): void {
  if (res.headersSent) return;
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    ...(close ? { connection: 'close' } : {}),
  });
  res.end(JSON.stringify(payload));
}

function sendError(res: ServerResponse, status: number, e: TokenWardenError, close = false): void {
  sendJson(res, status, { error: e.code, message: e.message, ...(e.hint ? { hint: e.hint } : {}) }, close);
}

function redactTokens(message: string): string {
  return message.replace(/tw_[ksrc]_[0-9A-Za-z]{8,}/g, 'tw_…').replace(/[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]+/g, '<jwt>');
}
