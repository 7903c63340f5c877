import assert from 'node:assert/strict';
import { it } from 'node:test';
import { isErrorCode } from '@tokenwarden/core';
import { forEachDialect } from '@tokenwarden/store/testing';
import { accessEvent, at, fullAccessEvent, lifecycleEvent } from './fixtures.js';

forEachDialect('access event repository', (t) => {
  it('round-trips an event with every field and one with only the required ones', async () => {
    const { accessEvents } = t().repos;
    const bare = { id: 'evt_bare', time: at(31), outcome: 'unknown' as const, source_system: 'nginx' };
    assert.equal(await accessEvents.insertMany([fullAccessEvent(), bare]), 2);
    const got = await accessEvents.query({ since: at(30), until: at(32) });
    assert.deepEqual(got, [fullAccessEvent(), bare]);
  });

  it('is idempotent by event id, also within one batch', async () => {
    const { accessEvents } = t().repos;
    const batch = [accessEvent('evt_i1', 100), accessEvent('evt_i2', 101), accessEvent('evt_i1', 100)];
    assert.equal(await accessEvents.insertMany(batch), 2);
    assert.equal(await accessEvents.insertMany(batch), 0);
    assert.equal(await accessEvents.insertMany([]), 0);
    assert.equal(await accessEvents.count({ since: at(100), until: at(102) }), 2);
  });

  it('stores a batch larger than one INSERT statement', async () => {
    const { accessEvents } = t().repos;
    const many = Array.from({ length: 1234 }, (_, i) =>
      accessEvent(`evt_bulk_${String(i).padStart(5, '0')}`, 1000, { credential_id: 'cred_bulk' }),
    );
    assert.equal(await accessEvents.insertMany(many), 1234);
    assert.equal(await accessEvents.count({ credential_id: 'cred_bulk' }), 1234);
  });

  it('filters by credential, principal and time window, ordered by time then id', async () => {
    const { accessEvents } = t().repos;
    await accessEvents.insertMany([
      accessEvent('evt_q3', 202, { credential_id: 'cred_q' }),
      accessEvent('evt_q1b', 200, { credential_id: 'cred_q' }),
      accessEvent('evt_q1a', 200, { credential_id: 'cred_q', principal: 'bob' }),
      accessEvent('evt_q2', 201, { credential_id: 'cred_other' }),
      accessEvent('evt_q4', 203, { credential_id: 'cred_q' }),
    ]);
    const ids = async (filter: Parameters<typeof accessEvents.query>[0]) => (await accessEvents.query(filter)).map((e) => e.id);
    assert.deepEqual(await ids({ credential_id: 'cred_q' }), ['evt_q1a', 'evt_q1b', 'evt_q3', 'evt_q4']);
    assert.deepEqual(await ids({ credential_id: 'cred_q', since: at(200), until: at(203) }), ['evt_q1a', 'evt_q1b', 'evt_q3']);
    assert.deepEqual(await ids({ principal: 'bob' }), ['evt_q1a']);
    assert.deepEqual(await ids({ since: at(201), until: at(202) }), ['evt_q2']);
    assert.equal(await accessEvents.count({ credential_id: 'cred_q', since: at(201) }), 2);
  });

  it('pages with after_id and limit without skipping events that share a time', async () => {
    const { accessEvents } = t().repos;
    const page1 = await accessEvents.query({ credential_id: 'cred_q', limit: 1 });
    assert.deepEqual(
      page1.map((e) => e.id),
      ['evt_q1a'],
    );
    const page2 = await accessEvents.query({ credential_id: 'cred_q', after_id: 'evt_q1a', limit: 2 });
    assert.deepEqual(
      page2.map((e) => e.id),
      ['evt_q1b', 'evt_q3'],
    );
    const page3 = await accessEvents.query({ credential_id: 'cred_q', after_id: 'evt_q3', limit: 2 });
    assert.deepEqual(
      page3.map((e) => e.id),
      ['evt_q4'],
    );
    await assert.rejects(accessEvents.query({ after_id: 'evt_nope' }), (e: unknown) => isErrorCode(e, 'TW_NOT_FOUND'));
    await assert.rejects(accessEvents.query({ limit: 0 }), (e: unknown) => isErrorCode(e, 'TW_USAGE'));
  });

  it('rejects a batch with a malformed time and stores none of it', async () => {
    const { accessEvents } = t().repos;
    await assert.rejects(
      accessEvents.insertMany([accessEvent('evt_ok', 300), accessEvent('evt_badtime', 300, { time: 'not-a-time' })]),
      (e: unknown) => isErrorCode(e, 'TW_INPUT_MALFORMED') && /access_event\.time/.test(e.message),
    );
    assert.equal(await accessEvents.count({ since: at(300), until: at(301) }), 0);
  });
});

forEachDialect('lifecycle event repository', (t) => {
  it('round-trips, is idempotent, and filters by credential, type and time', async () => {
    const { lifecycleEvents } = t().repos;
    const full = lifecycleEvent('lce_full', 5, {
      type: 'refresh_token.reuse_detected',
      credential_kind: 'refresh_token',
      principal: 'alice',
      client_id: 'client_web',
      grant_id: 'grant_1',
      parent_credential_id: 'cred_parent',
      source_ip: '203.0.113.9',
      user_agent: 'curl/8.5',
      request_id: 'req-9',
      reason: 'rotated token presented twice',
      details: { family_revoked: true },
    });
    const events = [full, lifecycleEvent('lce_1', 1), lifecycleEvent('lce_2', 2, { type: 'token.revoked', credential_id: 'cred_b' })];
    assert.equal(await lifecycleEvents.insertMany(events), 3);
    assert.equal(await lifecycleEvents.insertMany(events), 0);
    assert.deepEqual(
      (await lifecycleEvents.query()).map((e) => e.id),
      ['lce_1', 'lce_2', 'lce_full'],
    );
    assert.deepEqual(await lifecycleEvents.query({ type: 'refresh_token.reuse_detected' }), [full]);
    assert.deepEqual(
      (await lifecycleEvents.query({ credential_id: 'cred_a' })).map((e) => e.id),
      ['lce_1', 'lce_full'],
    );
    assert.deepEqual(
      (await lifecycleEvents.query({ since: at(2), limit: 1 })).map((e) => e.id),
      ['lce_2'],
    );
  });
});
