import { loadConfig } from '@tokenwarden/config';
import type { CommonOptions } from './command-kit.js';
import { TokenWardenConfig } from './config-schema.js';

// Apart from command-kit.ts because loading the config schemas costs start-up time that commands
// without a config file (a `scan` in a pre-commit hook) should not pay.

/**
 * Loads the whole configuration ({@link TokenWardenConfig}: shared sections and every feature
 * section) from the config file, `TOKENWARDEN_*` environment and flags. Every command loads the
 * same schema, so one `tokenwarden.yaml` serves them all.
 *
 * @example
 * ```ts
 * const cfg = configFrom({ config: 'tokenwarden.yaml' });
 * cfg.response.webhooks.length;
 * ```
 */
export function configFrom(opts: CommonOptions): TokenWardenConfig {
  return loadConfig(TokenWardenConfig, { file: opts.config, env: process.env, flags: { data: opts.data } });
}

/**
 * The same as {@link configFrom}; kept for commands that only read the shared sections.
 *
 * @example
 * ```ts
 * const { store, data } = baseConfigFrom(opts);
 * ```
 */
export function baseConfigFrom(opts: CommonOptions): TokenWardenConfig {
  return configFrom(opts);
}
