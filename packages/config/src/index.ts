/**
 * Configuration (file, then environment, then flags, validated once with errors that name the
 * key, the value and what is allowed), the data directory, and the redacting logger.
 *
 * @packageDocumentation
 */
export * from './base-schema.js';
export * from './data-dir.js';
export * from './detection-section.js';
export * from './json-duplicate-keys.js';
export * from './load-config.js';
export * from './logger.js';
export * from './other-problems.js';
export * from './response-schema.js';
export * from './response-secrets.js';
export * from './scanner-section.js';
export * from './token-section.js';
