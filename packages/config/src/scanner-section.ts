import { z } from 'zod';

/**
 * The `scanner` section of `tokenwarden.yaml`: custom leak-scanner rules. Only its shape is
 * checked here (a list of rule objects); `tokenwarden scan` validates each rule itself, with
 * errors that name the rule, before scanning anything.
 *
 * @example
 * ```ts
 * ScannerSection.parse({ rules: [{ id: 'acme-key', regex: 'acme_[a-z0-9]{32}' }] });
 * ```
 */
export const ScannerSection = z
  .object({
    rules: z.array(z.record(z.string(), z.unknown())).default([]),
  })
  .strict();

export type ScannerSection = z.infer<typeof ScannerSection>;
