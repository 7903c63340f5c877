import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isErrorCode } from '@tokenwarden/core';
import { gunzipSync, gzipSync } from 'fflate';
import { createDetectionEngine, DEFAULT_DETECTION_CONFIG, SNAPSHOT_VERSION } from '../../src/engine/index.js';
import { AFTER, aliceHistory, DAY, ev, run, T0 } from './helpers/events.js';

describe('engine state', () => {
  it('snapshot and restore keep baselines: the restored engine judges like the original', () => {
    const original = createDetectionEngine();
    run(original, aliceHistory());
    const bytes = original.snapshot();
    const restored = createDetectionEngine();
    restored.restore(bytes);
    assert.deepEqual(restored.stats(), original.stats());
    const probe = () => [
      ev({
        at: AFTER,
        cred: 'AKIAALICE',
        principal: 'alice',
        place: 'londonHome',
        ip: '198.51.245.1',
        client: 'chromeMac',
        op: 's3:ListBuckets',
      }),
      ev({
        at: AFTER + 1000,
        cred: 'AKIAALICE',
        principal: 'alice',
        place: 'singaporeVps',
        client: 'pythonRequests',
        op: 'iam:CreateUser',
      }),
    ];
    const a = run(original, probe()).map((x) => [x.rule, x.severity, x.score]);
    const b = run(restored, probe()).map((x) => [x.rule, x.severity, x.score]);
    assert.deepEqual(b, a);
    assert.ok(a.length > 0);
    // A fresh engine with no baseline judges differently (the baseline really was restored).
    const fresh = run(createDetectionEngine(), probe()).map((x) => [x.rule, x.severity, x.score]);
    assert.notDeepEqual(fresh, a);
  });

  it('rejects corrupt, truncated and foreign snapshots with TW_DETECT_SNAPSHOT_INVALID', () => {
    const engine = createDetectionEngine();
    run(engine, aliceHistory(3));
    const bytes = engine.snapshot();
    for (const bad of [new Uint8Array([1, 2, 3]), bytes.subarray(0, bytes.length >> 1), new TextEncoder().encode('{"json":true}')]) {
      assert.throws(
        () => createDetectionEngine().restore(bad),
        (e: unknown) => isErrorCode(e, 'TW_DETECT_SNAPSHOT_INVALID'),
      );
    }
  });

  it('refuses a snapshot of an older layout with a message that baselines will be relearned', () => {
    const engine = createDetectionEngine();
    run(engine, aliceHistory(3));
    const raw = gunzipSync(engine.snapshot());
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    assert.equal(view.getUint32(4, true), SNAPSHOT_VERSION);
    view.setUint32(4, SNAPSHOT_VERSION - 1, true);
    assert.throws(
      () => createDetectionEngine().restore(gzipSync(raw)),
      (e: unknown) =>
        isErrorCode(e, 'TW_DETECT_SNAPSHOT_INVALID') &&
        (e as Error).message.includes(`version ${SNAPSHOT_VERSION - 1}/`) &&
        String((e as { hint?: string }).hint).includes('relearned'),
    );
  });

  it('evicts idle profiles by TTL and caps tracked credentials', () => {
    const engine = createDetectionEngine({ profiles: { maxCredentials: 100, idleTtlHours: 24, sweepEveryEvents: 50 } });
    const events = [];
    for (let i = 0; i < 300; i++)
      events.push(ev({ at: T0 + i * 1000, cred: `cred-${i}`, principal: `p-${i}`, place: 'londonHome', client: 'chromeMac' }));
    run(engine, events);
    assert.ok(engine.stats().credentials <= 100);
    run(engine, [ev({ at: T0 + 3 * DAY, cred: 'late', place: 'londonHome' })]);
    const s = engine.stats();
    assert.ok(s.credentials <= 2, `after TTL: ${s.credentials}`);
    assert.ok(s.evictions >= 299);
    assert.equal(s.events, 301);
  });

  it('rejects invalid configuration with the key named', () => {
    assert.throws(
      () => createDetectionEngine({ probing: { ...DEFAULT_DETECTION_CONFIG.probing, windowSeconds: -1 } }),
      (e: unknown) => isErrorCode(e, 'TW_DETECT_CONFIG_INVALID') && (e as Error).message.includes('probing.windowSeconds'),
    );
  });

  it('ignores events without a credential and counts them', () => {
    const engine = createDetectionEngine();
    const e = ev({ at: T0, cred: '' });
    e.credential_key = '';
    delete e.credential_id;
    assert.deepEqual(engine.process(e), []);
    assert.equal(engine.stats().events, 1);
    assert.equal(engine.stats().credentials, 0);
  });
});
