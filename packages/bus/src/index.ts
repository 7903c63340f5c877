/**
 * The event bus (in-process for the embedded default, NATS JetStream for production) and the
 * broadcast primitive (in-memory, NATS or Redis pub/sub) for fan-out to every instance.
 *
 * @packageDocumentation
 */
export * from './broadcast/index.js';
export * from './create-bus.js';
export * from './delivery-policy.js';
export * from './errors.js';
export * from './in-process/in-process-bus.js';
export * from './jetstream/jetstream-bus.js';
export * from './jetstream/streams.js';
export * from './nats-connect.js';
export * from './types.js';
