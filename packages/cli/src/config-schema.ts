import { BaseConfig, DetectionSection, ResponseConfig, ScannerSection, TokenSection } from '@tokenwarden/config';

/**
 * The whole `tokenwarden.yaml`: the shared sections (`data`, `store`, `bus`, `log`) and every
 * feature section, strict at every level. Every command loads this one schema, so a single file
 * serves every command, and a misspelt key anywhere is an error that names it.
 *
 * @example
 * ```ts
 * const cfg = loadConfig(TokenWardenConfig, { file: 'tokenwarden.yaml', env: process.env });
 * cfg.response.auto.max_actions_per_minute; // 20 unless configured
 * ```
 */
export const TokenWardenConfig = BaseConfig.extend({
  response: ResponseConfig.default(ResponseConfig.parse({})),
  scanner: ScannerSection.optional(),
  detection: DetectionSection.optional(),
  token: TokenSection.optional(),
}).strict();

export type TokenWardenConfig = ReturnType<typeof TokenWardenConfig.parse>;
