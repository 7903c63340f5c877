import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { GatewayGuard, GuardDecision } from './gateway-guard.js';
import type { RequestAuthContext } from './node-middleware.js';
import { delay, guardRequestOf } from './respond.js';

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
}

const decisions = new WeakMap<FastifyRequest, GuardDecision>();

/**
 * The Fastify plugin: an `onRequest` hook that enforces the guard on every route of the instance,
 * and an `onResponse` hook that emits the access event. Admitted requests carry
 * `request.tokenwarden` (credential, request id).
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
  app.decorateRequest('tokenwarden', null);
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const decision = await guard.check(guardRequestOf(request.raw));
    decisions.set(request, decision);
    await delay(decision.delayMs);
    if (!decision.allow) {
      reply
        .code(decision.refusal.status)
        .headers({ ...decision.refusal.headers, 'cache-control': 'no-store' })
        .send(decision.refusal.body);
      return reply;
    }
    if (rejectNonCanonical && decision.forwardTarget !== (request.raw.url ?? '/')) {
      reply.code(400).send({ error: 'invalid_request', error_description: 'the request path is not in canonical form' });
      return reply;
    }
    request.tokenwarden = { requestId: decision.requestId, credential: decision.credential, route: decision.route?.index };
    return undefined;
  });
  app.addHook('onResponse', async (request: FastifyRequest, reply: FastifyReply) => {
    const decision = decisions.get(request);
    if (decision) guard.finish(decision, reply.statusCode);
  });
}

// Like fastify-plugin: the hooks apply to the whole instance, not just an encapsulated child.
(tokenWardenFastify as unknown as Record<symbol, unknown>)[Symbol.for('skip-override')] = true;
(tokenWardenFastify as unknown as Record<symbol, unknown>)[Symbol.for('fastify.display-name')] = 'tokenwarden';
