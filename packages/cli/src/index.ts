/**
 * The `tokenwarden` command line: thin commands that parse input, call a package and format output.
 *
 * @packageDocumentation
 */
export * from './command-kit.js';
export * from './exit-codes.js';
export * from './output.js';
export * from './program.js';
export * from './progress.js';
