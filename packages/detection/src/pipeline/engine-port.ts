import type { Alert } from '@tokenwarden/core';
import type { EnrichedEvent } from '../enriched-event.js';

/**
 * What the pipeline needs from a detection engine: alerts per event in event-time order, and
 * the alerts still pending at the end of the input. The engine of `../engine` satisfies it.
 *
 * @example
 * ```ts
 * const engine: AlertEngine = createDetectionEngine();
 * for (const alert of engine.process(event)) emit(alert);
 * ```
 */
export interface AlertEngine {
  process(event: EnrichedEvent): Alert[];
  flush(): Alert[];
}
