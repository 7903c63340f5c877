import { z } from 'zod';

/**
 * One custom rule under `scanner.rules`. Only its keys are checked here (an unknown or misspelt
 * key is refused, like everywhere else in the file); `tokenwarden scan` validates the values
 * itself, with errors that name the rule, before scanning anything. The keys are those of the
 * scanner's `CustomRuleSpec`.
 *
 * @example
 * ```ts
 * ScannerRuleSection.parse({ id: 'acme-key', regex: 'acme_[a-z0-9]{32}', entropy: 3.5 });
 * ```
 */
export const ScannerRuleSection = z
  .object({
    id: z.unknown().optional(),
    description: z.unknown().optional(),
    keywords: z.unknown().optional(),
    regex: z.unknown().optional(),
    flags: z.unknown().optional(),
    secretGroup: z.unknown().optional(),
    entropy: z.unknown().optional(),
    severity: z.unknown().optional(),
  })
  .strict();

export type ScannerRuleSection = z.infer<typeof ScannerRuleSection>;

/**
 * The `scanner` section of `tokenwarden.yaml`: custom leak-scanner rules. Strict at every level
 * (the section, and the keys of each rule); the rule values are checked by `tokenwarden scan`.
 *
 * @example
 * ```ts
 * ScannerSection.parse({ rules: [{ id: 'acme-key', regex: 'acme_[a-z0-9]{32}' }] });
 * ```
 */
export const ScannerSection = z
  .object({
    rules: z.array(ScannerRuleSection).default([]),
  })
  .strict();

export type ScannerSection = z.infer<typeof ScannerSection>;
