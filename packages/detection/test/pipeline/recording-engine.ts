import type { Alert } from '@tokenwarden/core';
import type { EnrichedEvent } from '../../src/enriched-event.js';
import type { AlertEngine } from '../../src/pipeline/engine-port.js';

/**
 * A minimal engine for pipeline tests: records every event it is given and raises one alert
 * per event whose lifecycle signal is set, plus one alert at flush naming the event count.
 */
export function createRecordingEngine(): AlertEngine & { events: EnrichedEvent[] } {
  const events: EnrichedEvent[] = [];
  const alert = (e: EnrichedEvent, rule: string): Alert => ({
    id: `alert-${e.id}`,
    time: e.time,
    credential: e.credential_key,
    principal: e.principal,
    rule,
    severity: 'high',
    score: 80,
    stage: 'none',
    summary: `${rule} on ${e.credential_key}`,
    evidence: { lifecycle: e.lifecycle },
    event_ids: [e.id],
  });
  return {
    events,
    process(e) {
      events.push(e);
      return e.lifecycle ? [alert(e, 'token_lifecycle')] : [];
    },
    flush() {
      const last = events[events.length - 1];
      return last ? [alert(last, 'end_of_input')] : [];
    },
  };
}
