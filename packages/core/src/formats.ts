// A light entry point: token formats, hashing and errors without the typebox schemas of the
// domain model, which cost ~0.5 s of CPU to import. The leak scanner's worker threads import
// this, so each worker starts in a fraction of the time.
export * from './crypto.js';
export * from './errors.js';
export * from './format/base62.js';
export * from './format/crc32.js';
export * from './format/tw-token.js';
