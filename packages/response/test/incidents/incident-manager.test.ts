import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Alert, Incident } from '@tokenwarden/core';
import { IncidentManager } from '@tokenwarden/response';
import { alert, memoryStores } from '../fakes.js';

describe('incident manager', () => {
  it('groups the alerts of a credential and of what it created into one incident', async () => {
    const stores = memoryStores();
    const parents: Record<string, string> = { key_child: 'key_stolen' };
    const m = new IncidentManager(stores, { parentOf: async (c) => parents[c] });
    const i1 = await m.ingest(
      alert({ id: 'a1', time: '2026-11-02T03:00:00Z', credential: 'key_stolen', severity: 'medium', score: 40, stage: 'capability_probe' }),
    );
    const i2 = await m.ingest(
      alert({ id: 'a2', time: '2026-11-02T03:05:00Z', credential: 'key_stolen', severity: 'high', score: 60, stage: 'collection' }),
    );
    const i3 = await m.ingest(
      alert({ id: 'a3', time: '2026-11-02T03:09:00Z', credential: 'key_child', severity: 'critical', score: 90, stage: 'persistence' }),
    );
    assert.equal(i1.id, i2.id);
    assert.equal(i2.id, i3.id);
    const stored = stores.incidentMap.get(i1.id)!;
    assert.deepEqual(stored.alert_ids, ['a1', 'a2', 'a3']);
    assert.deepEqual(stored.related_credential_ids, ['key_child']);
    assert.equal(stored.severity, 'critical');
    assert.equal(stored.stage, 'persistence');
    assert.equal(stored.risk_score, 90);
    assert.equal(stored.timeline.length, 3);
    assert.equal(stores.alertMap.get('a3')?.incident, i1.id);
  });

  it('pulls alerts of credentials related to an open incident into it (lineage found downwards)', async () => {
    const stores = memoryStores();
    const m = new IncidentManager(stores);
    const inc = await m.ingest(alert({ id: 'a1', time: '2026-11-02T03:00:00Z', credential: 'key_stolen' }));
    await m.relate(inc.id, ['key_made_by_attacker']);
    const again = await m.ingest(
      alert({ id: 'a2', time: '2026-11-02T04:00:00Z', credential: 'key_made_by_attacker', severity: 'critical', score: 90 }),
    );
    assert.equal(again.id, inc.id);
    assert.equal(stores.incidentMap.get(inc.id)?.severity, 'critical');
  });

  it('keeps alerts of what the attacker created in the incident after containment', async () => {
    const stores = memoryStores();
    const m = new IncidentManager(stores);
    const inc = await m.ingest(
      alert({ id: 'a1', time: '2026-11-02T03:00:00Z', credential: 'key_stolen', severity: 'critical', score: 95 }),
    );
    await m.relate(inc.id, ['key_made_by_attacker']);
    await m.setStatus(inc.id, 'contained', 'policy:auto-contain', 'reached critical');
    const later = await m.ingest(
      alert({ id: 'a2', time: '2026-11-02T03:10:00Z', credential: 'key_made_by_attacker', severity: 'high', score: 70 }),
    );
    assert.equal(later.id, inc.id);
    assert.equal(stores.incidentMap.size, 1);
  });

  it('is idempotent per alert and opens a new incident after resolution', async () => {
    const stores = memoryStores();
    const m = new IncidentManager(stores);
    const a = alert({ id: 'a1', time: '2026-11-02T03:00:00Z', credential: 'k' });
    const first = await m.ingest(a);
    await m.ingest(a);
    assert.equal(stores.incidentMap.get(first.id)!.alert_ids.length, 1);
    await m.setStatus(first.id, 'resolved', 'alice', 'done');
    const second = await m.ingest(alert({ id: 'a2', time: '2026-11-03T03:00:00Z', credential: 'k' }));
    assert.notEqual(second.id, first.id);
  });

  it('records every status change an analyst makes in the audit log, once', async () => {
    const stores = memoryStores();
    const m = new IncidentManager(stores);
    const inc = await m.ingest(alert({ id: 'a1', time: '2026-11-02T03:00:00Z', credential: 'k' }));
    await m.setStatus(inc.id, 'false_positive', 'alice', 'her new laptop');
    await m.setStatus(inc.id, 'false_positive', 'alice', 'clicked twice');
    await m.setStatus(inc.id, 'open', 'bob', 'the laptop was not hers');
    assert.deepEqual(
      stores.auditRows.map((r) => [r.actor, r.action, r.target, r.reason, r.details?.from]),
      [
        ['alice', 'incident.false_positive', inc.id, 'her new laptop', 'open'],
        ['bob', 'incident.open', inc.id, 'the laptop was not hers', 'false_positive'],
      ],
    );
  });

  it('feeds false positives back to detection', async () => {
    const stores = memoryStores();
    const seen: { incident: Incident; alerts: Alert[] }[] = [];
    const m = new IncidentManager(stores, undefined, (incident, alerts) => {
      seen.push({ incident, alerts });
    });
    const inc = await m.ingest(
      alert({ id: 'a1', time: '2026-11-02T03:00:00Z', credential: 'k', rule: 'new_place', evidence: { country: 'PT' } }),
    );
    const updated = await m.setStatus(inc.id, 'false_positive', 'alice', 'she is on holiday in Lisbon');
    assert.equal(updated.status, 'false_positive');
    assert.equal(seen.length, 1);
    assert.equal(seen[0]?.alerts[0]?.evidence.country, 'PT');
    assert.match(updated.timeline.at(-1)!.summary, /open → false_positive/);
    await assert.rejects(m.setStatus('inc_missing', 'resolved', 'a', 'b'), /not found/);
  });
});
