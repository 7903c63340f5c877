import { OutgoingMessage, type ServerResponse } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { GatewayGuard, GuardDecision } from './gateway-guard.js';
import type { RequestAuthContext } from './node-middleware.js';
import { guardRequestOf } from './respond.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the TokenWarden plugin on admitted requests. */
    tokenwarden: RequestAuthContext | null;
  }
}

/** Options of {@link tokenWardenFastify}. */
export interface TokenWardenFastifyOptions {
  guard: GatewayGuard;
  /**
   * Fastify routes on the raw URL, which the plugin cannot rewrite. A request whose path is not
   * already canonical (`/a/../b`, `//`, `%2e`) is therefore refused with 400 unless this is `allow`,
   * so the app's router can never see a different path than the one the guard checked.
   */
  nonCanonical?: 'reject' | 'allow';
  /**
   * End an admitted request's response when its credential is revoked, blocked or expires, or its
   * address is blocked, while the app is still sending it (server-sent events, a long download), as
   * the Node middleware and the reverse proxy do. Default false here: it measured 8-12 µs of CPU
   * more per request in `bench/gateway/plugin-http-micro.ts` (against ~2 µs for the whole plugin, +1.7 to +2.1 µs in the same harness on 2026-12-01),
   * for reasons not yet found. Turn it on for an app that streams long responses.
   */
  cutOffOpenResponses?: boolean;
}

// The decision rides on the raw response from onRequest to its 'prefinish'.
const DECISION = Symbol('tokenwarden.decision');
type ResponseWithDecision = ServerResponse & { [DECISION]?: GuardDecision | null };
type Done = (err?: Error) => void;

/**
 * The Fastify plugin: an `onRequest` hook that enforces the guard on every route of the instance;
 * the access event is emitted when the response has ended. Admitted requests carry
 * `request.tokenwarden` (credential, request id). With `cutOffOpenResponses`, a response still
 * streaming when its credential is revoked, blocked or expires is ended.
 *
 * @example
 * ```ts
 * const app = Fastify();
 * await app.register(tokenWardenFastify, { guard });
 * app.get('/items', (req) => ({ owner: req.tokenwarden?.credential?.subject }));
 * ```
 */
export async function tokenWardenFastify(app: FastifyInstance, options: TokenWardenFastifyOptions): Promise<void> {
  const { guard } = options;
  const rejectNonCanonical = (options.nonCanonical ?? 'reject') === 'reject';
  const watchOpen = options.cutOffOpenResponses ?? false;
  app.decorateRequest('tokenwarden', null);

  const enforce = (request: FastifyRequest, reply: FastifyReply, decision: GuardDecision, done: Done): void => {
    if (!decision.allow) {
      reply
        .code(decision.refusal.status)
        .headers({ ...decision.refusal.headers, 'cache-control': 'no-store' })
        .send(decision.refusal.body);
      return;
    }
    if (rejectNonCanonical && decision.forwardTarget !== (request.raw.url ?? '/')) {
      reply.code(400).send({ error: 'invalid_request', error_description: 'the request path is not in canonical form' });
      return;
    }
    if (watchOpen) {
      const res = reply.raw;
      res.once(
        'close',
        guard.holdOpen(decision, () => res.destroy()),
      );
    }
    request.tokenwarden = { requestId: decision.requestId, credential: decision.credential, route: decision.route?.index };
    done();
  };
  // The outcome is taken when the raw response has ended and handed all its data to the socket
  // ('prefinish', which Node's OutgoingMessage emits just before the socket write that ends in
  // 'finish'; the status is final by then), by one listener shared by every request, rather than by
  // an onResponse hook: in Fastify a hook costs about as much as the guard's whole decision. Not
  // 'finish': Node's server already listens to every response's 'finish', so a second listener
  // turns it into a listener array (allocated on adding, copied on every emit). On one-at-a-time
  // keep-alive requests a bare listener measured ~1-1.7 µs cheaper on 'prefinish', the plugin ~0.5 µs
  // per request. A response destroyed before it ends emits neither, as before. An HTTP/2 response
  // (Fastify's http2 option) is no OutgoingMessage and emits no 'prefinish': its outcome is taken
  // at 'finish'.
  function onFinish(this: ResponseWithDecision): void {
    const decision = this[DECISION];
    if (decision) {
      this[DECISION] = null;
      guard.finish(decision, this.statusCode);
    }
  }
  const apply = (request: FastifyRequest, reply: FastifyReply, decision: GuardDecision, done: Done): void => {
    const res = reply.raw as ResponseWithDecision;
    res[DECISION] = decision;
    res.on(res instanceof OutgoingMessage ? 'prefinish' : 'finish', onFinish);
    if (decision.delayMs > 0) setTimeout(() => enforce(request, reply, decision, done), decision.delayMs);
    else enforce(request, reply, decision, done);
  };

  // A callback-style hook, and the guard's synchronous answer when it has one: the common request
  // (a cached credential) then costs no promise and no extra turn of the event loop.
  app.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: Done) => {
    let outcome: GuardDecision | Promise<GuardDecision>;
    try {
      outcome = guard.decide(guardRequestOf(request.raw));
    } catch (e) {
      done(e as Error);
      return;
    }
    if (outcome instanceof Promise) outcome.then((decision) => apply(request, reply, decision, done), done);
    else apply(request, reply, outcome, done);
  });
}

// Like fastify-plugin: the hooks apply to the whole instance, not just an encapsulated child.
(tokenWardenFastify as unknown as Record<symbol, unknown>)[Symbol.for('skip-override')] = true;
(tokenWardenFastify as unknown as Record<symbol, unknown>)[Symbol.for('fastify.display-name')] = 'tokenwarden';
