import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Alert } from '@tokenwarden/core';
import { gunzipSync } from 'fflate';
import { createDetectionEngine, type DetectionEngine } from '../../src/engine/index.js';
import type { EnrichedEvent } from '../../src/enriched-event.js';
import { type KeySlot, ReorderBuffer } from '../../src/pipeline/reorder-buffer.js';
import { DAY, ev, HOUR, T0, workdays } from './helpers/events.js';

// The reorder buffer hands each released event its key's slot, and the engine keeps the credential's profile there
// instead of looking the credential up again. A slot outlives what it links to (an evicted profile, a store replaced
// by a restore): the engine must then judge exactly as if there were no slot.

/** Three credentials' habits, interleaved, then the third one used from a VPS abroad. */
function stream(): EnrichedEvent[] {
  const events = [
    ...workdays({ cred: 'AKIA1', principal: 'ann', days: 10, perDay: 6, places: ['londonHome'], client: 'chromeMac' }),
    ...workdays({ cred: 'AKIA2', principal: 'bob', days: 10, perDay: 6, places: ['paris'], client: 'firefoxLinux' }),
    ...workdays({ cred: 'AKIA3', principal: 'cat', days: 10, perDay: 6, places: ['newYork'], client: 'awsCli' }),
  ].sort((a, b) => a.ts - b.ts);
  for (let i = 0; i < 6; i++)
    events.push(
      ev({
        at: T0 + 10 * DAY + 2 * HOUR + i * 60_000,
        cred: 'AKIA3',
        principal: 'cat',
        place: 'singaporeVps',
        client: 'pythonRequests',
        op: 'iam:CreateAccessKey',
      }),
    );
  return events;
}

/** Alerts without their random ids. */
function comparable(alerts: Alert[]): unknown[] {
  return alerts.map(({ id: _id, ...rest }) => rest);
}

/** Every event, with a snapshot restored into the same engine a third of the way through; alerts and final snapshot. */
function judge(engine: DetectionEngine, events: EnrichedEvent[]): { alerts: unknown[]; snapshot: Uint8Array } {
  const alerts: Alert[] = [];
  events.forEach((e, i) => {
    if (i === Math.floor(events.length / 3)) engine.restore(engine.snapshot());
    alerts.push(...engine.process(e));
  });
  // The state inside the snapshot: its gzip header carries the wall-clock second it was written.
  return { alerts: comparable(alerts), snapshot: gunzipSync(engine.snapshot()) };
}

describe('key slots shared by the reorder buffer and the engine', () => {
  it('the reorder buffer hands every released event the one slot of its key, with the key’s last released time', () => {
    const buf = new ReorderBuffer<{ ts: number; k: string; key_slot?: KeySlot }>({ toleranceMs: 5, key: (e) => e.k });
    const out = [...buf.push({ ts: 10, k: 'a' }), ...buf.push({ ts: 11, k: 'b' }), ...buf.push({ ts: 30, k: 'a' }), ...buf.drain()];
    const [a1, b1, a2] = out;
    assert.ok(a1?.key_slot !== undefined && a1.key_slot === a2?.key_slot);
    assert.notEqual(b1?.key_slot, a1.key_slot);
    assert.equal(a2.key_slot.ts, 30);
  });

  it('an engine fed slots, across evictions, a restore and slots another engine filled, raises the same alerts and keeps the same state as one without', () => {
    const cfg = { profiles: { maxCredentials: 2, idleTtlHours: 24 * 45, sweepEveryEvents: 1 << 16 } };
    // One stream (the helper numbers events and addresses as it builds them), judged without and with slots.
    const events = stream();
    const plain = judge(createDetectionEngine(cfg), events);
    const slots = new Map<string, KeySlot>();
    const withSlots = events.map((e) => {
      let slot = slots.get(e.credential_key);
      if (slot === undefined) {
        slot = { ts: e.ts, owner: undefined, link: undefined };
        slots.set(e.credential_key, slot);
      }
      return { ...e, key_slot: slot };
    });
    const engine = createDetectionEngine(cfg);
    const slotted = judge(engine, withSlots);
    assert.ok(plain.alerts.length > 0);
    assert.ok(engine.stats().evictions > 0);
    assert.deepEqual(slotted.alerts, plain.alerts);
    assert.deepEqual(slotted.snapshot, plain.snapshot);
    // The same events (their slots linking to the first engine's profiles) judged by another engine.
    const again = judge(createDetectionEngine(cfg), withSlots);
    assert.deepEqual(again.alerts, plain.alerts);
    assert.deepEqual(again.snapshot, plain.snapshot);
  });
});
