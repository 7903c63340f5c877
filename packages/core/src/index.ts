/**
 * The TokenWarden domain core: the model every part shares (credentials, principals, access and
 * lifecycle events, alerts, incidents, audit entries), the error hierarchy, the `tw_` token
 * format, and small crypto helpers. It imports nothing else of ours.
 *
 * @packageDocumentation
 */
export * from './crypto.js';
export * from './errors.js';
export * from './format/base62.js';
export * from './format/crc32.js';
export * from './format/tw-token.js';
export * from './ids.js';
export * from './limits/failure-windows.js';
export * from './model/index.js';
export * from './net/address-scope.js';
export * from './net/block-target.js';
export * from './net/ip-parse.js';
export * from './net/network-of.js';
export * from './seeded-random.js';
export * from './topics.js';
export * from './validate.js';
