// The three Fastify apps the plugin is measured with: the same route without the plugin, with it,
// and with two empty hooks of the plugin's shape (what Fastify itself charges for onRequest and
// onResponse, to tell that from what the guard costs).
import { type GatewayGuard, tokenWardenFastify } from '@tokenwarden/gateway';
import Fastify, { type FastifyInstance } from 'fastify';

/** The plain app, the app with the plugin, and the app with two empty hooks; all ready. */
export interface FastifyBenchApps {
  plain: FastifyInstance;
  plugin: FastifyInstance;
  hooks: FastifyInstance;
}

/**
 * Builds the three apps around one guard, each serving `GET /bench` with the same small body.
 *
 * @example
 * ```ts
 * const { plain, plugin } = await buildFastifyBenchApps(guard);
 * await plugin.inject({ method: 'GET', url: '/bench', headers });
 * ```
 */
export async function buildFastifyBenchApps(guard: GatewayGuard): Promise<FastifyBenchApps> {
  const body = { ok: true, items: [1, 2, 3] };
  const plain = Fastify();
  plain.get('/bench', async () => body);
  const plugin = Fastify();
  await plugin.register(tokenWardenFastify, { guard });
  plugin.get('/bench', async () => body);
  const hooks = Fastify();
  hooks.addHook('onRequest', (_req, _reply, done) => done());
  hooks.addHook('onResponse', (_req, _reply, done) => done());
  hooks.get('/bench', async () => body);
  await Promise.all([plain.ready(), plugin.ready(), hooks.ready()]);
  return { plain, plugin, hooks };
}
