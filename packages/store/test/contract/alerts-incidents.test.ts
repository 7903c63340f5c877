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

  it('finds the unresolved incident relating a credential: exactly that id, an open one first, never a resolved one', async () => {
    const { incidents } = t().repos;
    // Ids a LIKE pattern would widen (`_`, `%`), differ only in case (SQLite's LIKE ignores it), or contain one another.
    await incidents.upsert(incident('inc_a', { status: 'contained', opened_at: at(1), related_credential_ids: ['AKIA_1', 'key%x'] }));
    await incidents.upsert(incident('inc_b', { status: 'open', opened_at: at(2), related_credential_ids: ['AKIA_1', 'akia_2'] }));
    await incidents.upsert(incident('inc_c', { status: 'resolved', opened_at: at(3), related_credential_ids: ['AKIA_2'] }));
    await incidents.upsert(incident('inc_d', { status: 'contained', opened_at: at(4), related_credential_ids: ['AKIA_10', 'q"uote\\d'] }));
    assert.equal((await incidents.findUnresolvedRelating('AKIA_1'))?.id, 'inc_b', 'open before contained');
    assert.equal((await incidents.findUnresolvedRelating('key%x'))?.id, 'inc_a');
    assert.equal(await incidents.findUnresolvedRelating('keyZx'), undefined, '% is literal');
    assert.equal(await incidents.findUnresolvedRelating('AKIAX1'), undefined, '_ is literal');
    assert.equal(await incidents.findUnresolvedRelating('AKIA_2'), undefined, 'case matters; a resolved incident does not count');
    assert.equal((await incidents.findUnresolvedRelating('akia_2'))?.id, 'inc_b');
    assert.equal((await incidents.findUnresolvedRelating('AKIA_10'))?.id, 'inc_d');
    assert.equal(await incidents.findUnresolvedRelating('AKIA'), undefined, 'a prefix of an id is not the id');
    assert.equal((await incidents.findUnresolvedRelating('q"uote\\d'))?.id, 'inc_d');
  });
});
