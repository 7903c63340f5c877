import { z } from 'zod';

/**
 * The `detection` section of `tokenwarden.yaml`: detector thresholds by section
 * (`probing.distinctThreshold`, `risk.highScore`, ...). Only its shape is checked here (sections of
 * settings); the detection engine checks every section, key and value itself, with errors that
 * name the key, before it processes an event.
 *
 * @example
 * ```ts
 * DetectionSection.parse({ probing: { distinctThreshold: 40 } });
 * ```
 */
export const DetectionSection = z.record(z.string(), z.record(z.string(), z.unknown()));

export type DetectionSection = z.infer<typeof DetectionSection>;
