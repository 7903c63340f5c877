import type { Incident, IncidentStatus } from '@tokenwarden/core';
import { parseIpBlockValue, TokenWardenError, unblockableIpReason } from '@tokenwarden/core';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { JWK } from 'jose';
import { containIncident } from '../containment/contain-incident.js';
import type { ActionKind, ActionOutcome, PlannedAction, Responder } from '../containment/responder.js';
import type { ForensicReport } from '../forensics/forensic-report.js';
import { renderHtml } from '../forensics/render-html.js';
import { renderMarkdown } from '../forensics/render-markdown.js';
import type { IncidentManager } from '../incidents/incident-manager.js';
import type { ResponseStores } from '../ports.js';
import { MAX_REASON_LENGTH, reasonProblem } from '../safety/reason.js';
import { type ApiAuthenticator, type ApiCaller, bearerChallenge, bearerFrom, hasScope, READ_SCOPE, RESPOND_SCOPE } from './api-auth.js';
import { ApiFieldError, errorResponse } from './api-errors.js';

/** What the response API acts through. */
export interface ResponseApiDeps {
  stores: Pick<ResponseStores, 'incidents'>;
  incidents: IncidentManager;
  responder: Responder;
  authenticate: ApiAuthenticator;
  /** Builds the forensic report of a credential (from the stored events). */
  report: (credential: string, o: { allTime: boolean }) => Promise<ForensicReport>;
  /** Told about incident changes and containment outcomes made through the API (a `SignalDispatcher` fits). */
  notify?: {
    incident(incident: Incident, change: string): void;
    action(incident: Incident, outcome: ActionOutcome): void;
  };
  /** Public keys receivers verify our Security Event Tokens with, served at `/v1/ssf/jwks`. */
  ssfJwks?: readonly JWK[];
}

declare module 'fastify' {
  interface FastifyRequest {
    caller: ApiCaller | null;
  }
}

const STATUSES: readonly IncidentStatus[] = ['open', 'contained', 'resolved', 'false_positive'];
const ID = /^[A-Za-z0-9._:@-]{1,200}$/;

type Body = Record<string, unknown>;

function bodyOf(req: FastifyRequest): Body {
  const b = req.body;
  // No body at all is an empty one; a JSON `null` is a body that is not an object, like `[]`.
  if (b === undefined) return {};
  if (b === null || typeof b !== 'object' || Array.isArray(b)) throw new ApiFieldError('body', 'a JSON object');
  return b as Body;
}

function reasonOf(body: Body, fallback?: string): string {
  const r = body.reason;
  if (r === undefined && fallback !== undefined) return fallback;
  if (typeof r !== 'string' || reasonProblem(r) !== undefined)
    throw new ApiFieldError(
      'reason',
      `a non-empty string of at most ${MAX_REASON_LENGTH} characters, without control or text-direction characters`,
      r,
    );
  return r.trim();
}

function dryRunOf(body: Body): boolean {
  const d = body.dry_run;
  if (d === undefined) return false;
  if (typeof d !== 'boolean') throw new ApiFieldError('dry_run', 'true or false', d);
  return d;
}

function idParam(req: FastifyRequest, name: string): string {
  const v = (req.params as Record<string, string>)[name] ?? '';
  if (!ID.test(v)) throw new ApiFieldError(name, 'an id of letters, digits and ._:@- (at most 200)', v);
  return v;
}

/** The audited actor of an API call: the credential's subject, and the credential used. */
function actorOf(req: FastifyRequest): string {
  const c = req.caller as ApiCaller;
  return `${c.subject} (api, ${c.credentialId})`;
}

/**
 * The response API: incidents (list, show, contain, resolve, false positive, reopen), single
 * actions (revoke, suspend, reinstate or rotate a credential, sign a subject out, block an IP or
 * ASN) and forensic reports, over
 * HTTP. Callers authenticate with TokenWarden's own credentials (a `tw_` API key or an access
 * token) carrying `tokenwarden.read` (reads) or `tokenwarden.respond` (actions and reads); the
 * caller becomes the audited actor. Errors are JSON `{ error: { code, message, field?, hint? } }`:
 * 400 names the bad field, 401/403 carry a `WWW-Authenticate` challenge, 404 names what is missing.
 * Every action takes `dry_run`.
 *
 * @example
 * ```ts
 * const app = createResponseApi({ stores: repos, incidents, responder, authenticate, report });
 * await app.listen({ host: '127.0.0.1', port: 8090 });
 * ```
 */
export function createResponseApi(deps: ResponseApiDeps): FastifyInstance {
  const app = Fastify({
    logger: false,
    bodyLimit: 64 * 1024,
    // Past the ids' own limit (200), so an overlong id gets the documented 400 naming its field.
    routerOptions: { maxParamLength: 1024 },
    // The router's own refusals (a malformed or far too long path) in the API's error shape.
    frameworkErrors: (_e, _req, reply) => {
      const { status, body } = errorResponse(new ApiFieldError('path', 'a well-formed path with ids of at most 200 characters'));
      return (reply as FastifyReply).code(status).send(body);
    },
  });
  app.decorateRequest('caller', null);

  app.setErrorHandler((e, _req, reply) => {
    const { status, body } = errorResponse(e);
    return reply.code(status).send(body);
  });
  app.setNotFoundHandler((req, reply) =>
    reply.code(404).send({ error: { code: 'TW_NOT_FOUND', message: `no route ${req.method} ${req.url.split('?')[0]}` } }),
  );

  const requires = (scope: string) => async (req: FastifyRequest, reply: FastifyReply) => {
    const token = bearerFrom(req.headers.authorization);
    if (token === undefined) {
      reply.header('www-authenticate', bearerChallenge(undefined, scope));
      throw new TokenWardenError('TW_UNAUTHORIZED', 'a bearer credential is required', {
        hint: 'send Authorization: Bearer <tw_ API key or access token>',
      });
    }
    const caller = token === null ? undefined : await deps.authenticate(token);
    if (!caller) {
      reply.header('www-authenticate', bearerChallenge(token === null ? 'invalid_request' : 'invalid_token', scope));
      throw new TokenWardenError('TW_UNAUTHORIZED', 'the credential is malformed, unknown, revoked or expired');
    }
    if (!hasScope(caller, scope)) {
      reply.header('www-authenticate', bearerChallenge('insufficient_scope', scope));
      throw new TokenWardenError('TW_FORBIDDEN', `this endpoint needs the ${scope} scope`, { hint: `issue a key with --scopes ${scope}` });
    }
    req.caller = caller;
  };
  const read = { preHandler: requires(READ_SCOPE) };
  const respond = { preHandler: requires(RESPOND_SCOPE) };

  app.get('/v1/incidents', read, async (req) => {
    const q = req.query as Record<string, string | undefined>;
    if (q.status !== undefined && !STATUSES.includes(q.status as IncidentStatus))
      throw new ApiFieldError('status', STATUSES.join(' | '), q.status);
    const limit = q.limit === undefined ? 50 : Number(q.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new ApiFieldError('limit', 'a whole number from 1 to 1000', q.limit);
    const list = await deps.stores.incidents.list({ ...(q.status ? { status: q.status as IncidentStatus } : {}), limit });
    return { incidents: list };
  });

  app.get('/v1/incidents/:id', read, async (req) => deps.incidents.require(idParam(req, 'id')));

  app.post('/v1/incidents/:id/contain', respond, async (req) => {
    const id = idParam(req, 'id');
    const body = bodyOf(req);
    const result = await containIncident(deps.incidents, deps.responder, id, {
      actor: actorOf(req),
      reason: reasonOf(body, 'contained through the API'),
      dryRun: dryRunOf(body),
    });
    if (!result.dry_run) {
      for (const o of result.outcomes) if (o.status !== 'already_done' && o.status !== 'skipped') deps.notify?.action(result.incident, o);
      deps.notify?.incident(result.incident, 'contained by hand');
    }
    return result;
  });

  for (const [path, status] of [
    ['resolve', 'resolved'],
    ['false-positive', 'false_positive'],
    ['reopen', 'open'],
  ] as const) {
    app.post(`/v1/incidents/:id/${path}`, respond, async (req) => {
      const id = idParam(req, 'id');
      const body = bodyOf(req);
      const before = await deps.incidents.require(id);
      const after = await deps.incidents.setStatus(id, status, actorOf(req), reasonOf(body));
      if (before.status !== after.status) deps.notify?.incident(after, `${before.status} → ${after.status}`);
      return after;
    });
  }

  const single = (kind: ActionKind, target: string, req: FastifyRequest, why: string, entity?: PlannedAction['entity']) => {
    const body = bodyOf(req);
    const reason = reasonOf(body, why);
    return deps.responder.act(
      { kind, target, why: reason, ...(entity ? { entity } : {}) },
      { actor: actorOf(req), reason, dryRun: dryRunOf(body) },
    );
  };
  app.post('/v1/credentials/:id/revoke', respond, async (req) => single('revoke', idParam(req, 'id'), req, 'revoked through the API'));
  app.post('/v1/credentials/:id/suspend', respond, async (req) => {
    const id = idParam(req, 'id');
    // A user (usr_...) is suspended as an account; anything else as a credential.
    return single('suspend', id, req, 'suspended through the API', id.startsWith('usr_') ? 'principal' : 'credential');
  });
  app.post('/v1/credentials/:id/reinstate', respond, async (req) =>
    single('reinstate', idParam(req, 'id'), req, 'reinstated through the API'),
  );
  app.post('/v1/credentials/:id/rotate', respond, async (req) =>
    single('rotate_service_account', idParam(req, 'id'), req, 'rotated through the API'),
  );
  app.post('/v1/subjects/:subject/signout', respond, async (req) =>
    single('signout', idParam(req, 'subject'), req, 'signed out through the API'),
  );
  app.post('/v1/blocks', respond, async (req) => {
    const body = bodyOf(req);
    if (body.kind !== 'ip' && body.kind !== 'asn') throw new ApiFieldError('kind', '"ip" or "asn"', body.kind);
    const value = body.value;
    if (body.kind === 'ip') {
      if (typeof value !== 'string' || !parseIpBlockValue(value))
        throw new ApiFieldError('value', 'an IPv4 or IPv6 address, or a CIDR with a prefix length of 0-32 (IPv4) or 0-128 (IPv6)', value);
      const never = unblockableIpReason(value);
      if (never) throw new ApiFieldError('value', `an address that may be blocked (${never})`, value);
    }
    if (body.kind === 'asn' && !(Number.isInteger(value) && (value as number) > 0 && (value as number) < 2 ** 32))
      throw new ApiFieldError('value', 'an AS number (a positive integer)', value);
    return single(body.kind === 'ip' ? 'block_ip' : 'block_asn', String(value), req, `blocked through the API`);
  });

  app.get('/v1/reports/:credential', read, async (req, reply) => {
    const credential = idParam(req, 'credential');
    const q = req.query as Record<string, string | undefined>;
    const format = q.format ?? 'json';
    if (!['md', 'json', 'html'].includes(format)) throw new ApiFieldError('format', 'md | json | html', format);
    if (q.all !== undefined && q.all !== 'true' && q.all !== 'false') throw new ApiFieldError('all', 'true or false', q.all);
    const report = await deps.report(credential, { allTime: q.all === 'true' });
    if (format === 'json') return report;
    if (format === 'md') return reply.type('text/markdown; charset=utf-8').send(renderMarkdown(report));
    return reply
      .type('text/html; charset=utf-8')
      .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; img-src data:")
      .send(renderHtml(report));
  });

  if (deps.ssfJwks) {
    const keys = [...deps.ssfJwks];
    app.get('/v1/ssf/jwks', async () => ({ keys }));
  }
  return app;
}
