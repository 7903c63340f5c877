import type { AccessEvent } from '@tokenwarden/core';
import { type DetectionEngine, type Enricher, fromAccessEvent } from '@tokenwarden/detection';

/**
 * Teaches the engine a false-positive verdict: the access events behind the wrong alerts are
 * learned as normal (so, for example, the new place joins the baseline). Returns how many events
 * were learned.
 *
 * @example
 * ```ts
 * await learnFalsePositive(engine, enrich, repos.accessEvents, { credentials: ['key_1'], event_ids: ['evt_9'] });
 * ```
 */
export async function learnFalsePositive(
  engine: Pick<DetectionEngine, 'learn'>,
  enrich: Enricher,
  accessEvents: { query(filter: { credential_id?: string; limit?: number }): Promise<AccessEvent[]> },
  verdict: { credentials: readonly string[]; event_ids: readonly string[] },
): Promise<number> {
  const ids = new Set(verdict.event_ids);
  let learned = 0;
  for (const credential of new Set(verdict.credentials)) {
    for (const e of await accessEvents.query({ credential_id: credential, limit: 10_000 })) {
      const normalised = ids.has(e.id) ? fromAccessEvent(e) : undefined;
      if (!normalised) continue;
      engine.learn(enrich(normalised));
      learned++;
    }
  }
  return learned;
}
