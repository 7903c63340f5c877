export * from './channel.js';
export * from './create-broadcast.js';
export * from './memory-broadcast.js';
export * from './nats-broadcast.js';
export * from './redis-broadcast.js';
export * from './types.js';
