import assert from 'node:assert/strict';
import { it } from 'node:test';
import { forEachDialect } from '@tokenwarden/store/testing';
import { alert, at, incident } from './fixtures.js';

forEachDialect('alert repository', (t) => {
  it('round-trips alerts and refuses a duplicate id without changing the stored one', async () => {
    const { alerts } = t().repos;
    const full = alert('alr_full', 1, { principal: 'alice', event_ids: ['evt_1', 'evt_2'], detected_at: at(2), incident_id: 'inc_0' });
    assert.equal(await alerts.insert(full), true);
    assert.equal(await alerts.insert(alert('alr_min', 2)), true);
    assert.equal(await alerts.insert({ ...full, summary: 'changed' }), false);
    assert.deepEqual(await alerts.get('alr_full'), full);
    assert.deepEqual(await alerts.get('alr_min'), alert('alr_min', 2));
    assert.equal(await alerts.get('alr_none'), undefined);
  });

  it('lists by credential, incident and time; links alerts to incidents', async () => {
    const { alerts } = t().repos;
    await alerts.insert(alert('alr_b', 12, { credential: 'cred_b' }));
    await alerts.insert(alert('alr_a', 11, { credential: 'cred_b' }));
    await alerts.insert(alert('alr_c', 13, { credential: 'cred_c' }));
    assert.deepEqual(
      (await alerts.list({ credential: 'cred_b' })).map((a) => a.id),
      ['alr_a', 'alr_b'],
    );
    assert.deepEqual(
      (await alerts.list({ since: at(12) })).map((a) => a.id),
      ['alr_b', 'alr_c'],
    );
    assert.equal(await alerts.setIncident('alr_b', 'inc_9'), true);
    assert.equal(await alerts.setIncident('alr_zzz', 'inc_9'), false);
    assert.deepEqual(
      (await alerts.list({ incident_id: 'inc_9' })).map((a) => a.id),
      ['alr_b'],
    );
    assert.equal((await alerts.list({ limit: 2 })).length, 2);
  });
});

forEachDialect('incident repository', (t) => {
  it('round-trips and replaces incidents by id', async () => {
    const { incidents } = t().repos;
    const one = incident('inc_1', { principal: 'alice', related_credential_ids: ['cred_child'] });
    await incidents.upsert(one);
    assert.deepEqual(await incidents.get('inc_1'), one);
    const updated = { ...one, status: 'contained' as const, updated_at: at(20), alert_ids: ['alr_1', 'alr_2'] };
    await incidents.upsert(updated);
    assert.deepEqual(await incidents.get('inc_1'), updated);
    assert.equal(await incidents.get('inc_none'), undefined);
  });

  it('lists newest first by status and credential, and finds the unresolved incident of a credential', async () => {
    const { incidents } = t().repos;
    await incidents.upsert(incident('inc_old', { credential_id: 'cred_x', status: 'resolved', opened_at: at(1) }));
    await incidents.upsert(incident('inc_new', { credential_id: 'cred_x', status: 'open', opened_at: at(5) }));
    await incidents.upsert(incident('inc_fp', { credential_id: 'cred_y', status: 'false_positive', opened_at: at(6) }));
    assert.deepEqual(
      (await incidents.list({ credential_id: 'cred_x' })).map((i) => i.id),
      ['inc_new', 'inc_old'],
    );
    assert.deepEqual(
      (await incidents.list({ status: 'resolved' })).map((i) => i.id),
      ['inc_old'],
    );
    assert.equal((await incidents.findOpenByCredential('cred_x'))?.id, 'inc_new');
    assert.equal(await incidents.findOpenByCredential('cred_y'), undefined);
    await incidents.upsert(incident('inc_new', { credential_id: 'cred_x', status: 'contained', opened_at: at(5) }));
    assert.equal((await incidents.findOpenByCredential('cred_x'))?.id, 'inc_new', 'contained is still unresolved');
  });
});
