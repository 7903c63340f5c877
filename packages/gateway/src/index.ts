/**
 * The TokenWarden gateway: enforces tokens and `tw_` keys in front of any HTTP API as a Fastify
 * plugin, a Node `(req, res, next)` middleware, or the `tokenwarden gateway` reverse proxy; feeds
 * detection one access event per request; and applies revocations from every process sharing the
 * store within ~100 ms.
 *
 * @packageDocumentation
 */
import './errors.js';

export * from './access-sink.js';
export * from './append-log-jti-replay-store.js';
export * from './authorization-memo.js';
export * from './block-list.js';
export * from './broadcast-signal.js';
export * from './client-info.js';
export * from './control-order-poll.js';
export * from './credential-source.js';
export * from './credential-verifier.js';
export * from './dpop-nonce.js';
export * from './dpop-verifier.js';
export * from './extract-credential.js';
export * from './fastify-plugin.js';
export * from './forward-headers.js';
export * from './gateway-config.js';
export * from './gateway-guard.js';
export * from './guard-events.js';
export * from './ip-set.js';
export * from './jti-replay-store.js';
export * from './jwks-cache.js';
export * from './jwt-verifier.js';
export * from './location-policy.js';
export * from './migrations.js';
export * from './node-middleware.js';
export * from './path-normalise.js';
export * from './probing-throttle.js';
export * from './rate-limiter.js';
export * from './request-smuggling.js';
export * from './respond.js';
export * from './reverse-proxy.js';
export * from './revocation-set.js';
export * from './revocation-sync.js';
export * from './route-matcher.js';
export * from './start-gateway.js';
export * from './store-jti-replay-store.js';
export * from './verified-credential.js';
export * from './www-authenticate.js';
