import assert from 'node:assert/strict';
import { it } from 'node:test';
import { forEachDialect } from '@tokenwarden/store/testing';
import { createDetectionEngine, createEnricher, detectionMigrations, EngineStateStore, fromAccessEvent } from '../../src/index.js';

function learnedEngine() {
  const engine = createDetectionEngine();
  const enrich = createEnricher();
  const start = Date.parse('2026-11-02T09:00:00.000Z');
  for (let i = 0; i < 40; i++) {
    const event = fromAccessEvent({
      id: `evt_${i}`,
      time: new Date(start + i * 3_600_000).toISOString(),
      credential_id: 'key_alice',
      credential_kind: 'api_key',
      principal: 'alice',
      source_ip: '91.64.12.34',
      user_agent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
      method: 'GET',
      path: '/api/projects',
      outcome: 'success',
      status: 200,
      source_system: 'gateway',
    });
    assert.ok(event);
    engine.process(enrich(event));
  }
  return engine;
}

forEachDialect(
  'engine state store',
  (t) => {
    it('returns undefined for a state never saved', async () => {
      assert.equal(await new EngineStateStore(t().database).load('engine:nobody'), undefined);
    });

    it('round-trips an engine snapshot: the restored engine knows the baseline', async () => {
      const states = new EngineStateStore(t().database);
      const engine = learnedEngine();
      // One snapshot, compared byte for byte: two snapshots differ in their gzip header's time.
      const snapshot = engine.snapshot();
      const saved = await states.save('engine:detection', snapshot);
      assert.equal(saved.version, 1);
      const loaded = await states.load('engine:detection');
      assert.ok(loaded);
      assert.deepEqual(loaded.data, snapshot);
      assert.ok(!Number.isNaN(Date.parse(loaded.saved_at)));
      const restored = createDetectionEngine();
      restored.restore(loaded.data);
      assert.equal(restored.stats().credentials, 1);
      assert.equal(restored.stats().events, 40);
    });

    it('replaces the blob on save and bumps its version, per name', async () => {
      const states = new EngineStateStore(t().database);
      await states.save('tail:a', new Uint8Array([1, 2, 3]));
      const second = await states.save('tail:a', new Uint8Array([4, 5]));
      await states.save('tail:b', new Uint8Array([9]));
      assert.equal(second.version, 2);
      const a = await states.load('tail:a');
      assert.deepEqual([...(a?.data ?? [])], [4, 5]);
      assert.equal(a?.version, 2);
      assert.equal((await states.load('tail:b'))?.version, 1);
    });

    it('keeps arbitrary bytes intact (zeros, high bytes, empty)', async () => {
      const states = new EngineStateStore(t().database);
      const bytes = new Uint8Array(4096).map((_, i) => (i * 131) % 256);
      await states.save('blob:bytes', bytes);
      assert.deepEqual((await states.load('blob:bytes'))?.data, bytes);
      await states.save('blob:empty', new Uint8Array());
      assert.equal((await states.load('blob:empty'))?.data.length, 0);
    });

    it('rejects a malformed state name with TW_USAGE', async () => {
      const states = new EngineStateStore(t().database);
      await assert.rejects(states.save("x'; drop table", new Uint8Array()), { code: 'TW_USAGE' });
      await assert.rejects(states.load(''), { code: 'TW_USAGE' });
    });
  },
  { migrations: detectionMigrations },
);
