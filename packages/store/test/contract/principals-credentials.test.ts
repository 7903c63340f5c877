import assert from 'node:assert/strict';
import { it } from 'node:test';
import { isErrorCode } from '@tokenwarden/core';
import { forEachDialect } from '@tokenwarden/store/testing';
import { at, fullCredential, minimalCredential, principal } from './fixtures.js';

forEachDialect('principal repository', (t) => {
  it('round-trips a principal with and without optional fields', async () => {
    const { principals } = t().repos;
    const full = principal({ id: 'usr_full', owner_id: 'usr_root', created_by_credential_id: 'cred_x', metadata: { team: 'sec', n: 2 } });
    const bare = principal({ id: 'usr_bare', kind: 'service_account', name: 'ci-bot' });
    await principals.upsert(full);
    await principals.upsert(bare);
    assert.deepEqual(await principals.get('usr_full'), full);
    const got = await principals.get('usr_bare');
    assert.deepEqual(got, bare);
    assert.equal(got && 'owner_id' in got, false, 'absent optional fields come back absent, not null');
    assert.equal(await principals.get('usr_missing'), undefined);
  });

  it('upsert replaces, findByName finds by kind and name, setStatus reports existence', async () => {
    const { principals } = t().repos;
    await principals.upsert(principal({ id: 'usr_carol', name: 'carol' }));
    await principals.upsert(principal({ id: 'usr_carol', name: 'carol', status: 'suspended' }));
    assert.equal((await principals.findByName('user', 'carol'))?.status, 'suspended');
    assert.equal(await principals.findByName('service_account', 'carol'), undefined);
    assert.equal(await principals.setStatus('usr_carol', 'active'), true);
    assert.equal((await principals.get('usr_carol'))?.status, 'active');
    assert.equal(await principals.setStatus('usr_nobody', 'deleted'), false);
  });

  it('lists the principals a credential created, oldest first', async () => {
    const { principals } = t().repos;
    await principals.upsert(principal({ id: 'usr_p2', name: 'p2', created_at: at(20), created_by_credential_id: 'cred_evil' }));
    await principals.upsert(principal({ id: 'usr_p1', name: 'p1', created_at: at(10), created_by_credential_id: 'cred_evil' }));
    await principals.upsert(principal({ id: 'usr_p3', name: 'p3', created_at: at(5), created_by_credential_id: 'cred_other' }));
    assert.deepEqual(
      (await principals.listCreatedBy('cred_evil')).map((p) => p.id),
      ['usr_p1', 'usr_p2'],
    );
  });
});

forEachDialect('credential repository', (t) => {
  it('round-trips a credential with every field and one with only the required ones', async () => {
    const { credentials } = t().repos;
    await credentials.upsert(fullCredential());
    await credentials.upsert(minimalCredential());
    assert.deepEqual(await credentials.get('cred_full'), fullCredential());
    assert.deepEqual(await credentials.get('cred_min'), minimalCredential());
  });

  it('normalises times to ISO UTC and rejects a malformed time naming the field', async () => {
    const { credentials } = t().repos;
    await credentials.upsert(minimalCredential({ id: 'cred_tz', created_at: '2026-03-01T14:00:00+02:00' }));
    assert.equal((await credentials.get('cred_tz'))?.created_at, '2026-03-01T12:00:00.000Z');
    await assert.rejects(credentials.upsert(minimalCredential({ id: 'cred_bad', created_at: 'yesterday' })), (e: unknown) => {
      assert.ok(isErrorCode(e, 'TW_INPUT_MALFORMED'));
      assert.match(e.message, /credential\.created_at/);
      return true;
    });
    assert.equal(await credentials.get('cred_bad'), undefined);
  });

  it('finds by secret hash, by principal and by creator (lineage)', async () => {
    const { credentials } = t().repos;
    await credentials.upsert(minimalCredential({ id: 'cred_l0', principal_id: 'usr_l', secret_hash: 'h_l0', created_at: at(1) }));
    await credentials.upsert(
      minimalCredential({ id: 'cred_l2', principal_id: 'usr_l', created_by_credential_id: 'cred_l0', created_at: at(3) }),
    );
    await credentials.upsert(
      minimalCredential({ id: 'cred_l1', principal_id: 'usr_l', created_by_credential_id: 'cred_l0', created_at: at(2) }),
    );
    await credentials.upsert(minimalCredential({ id: 'cred_l3', created_by_credential_id: 'cred_l1', created_at: at(4) }));
    assert.equal((await credentials.findBySecretHash('h_l0'))?.id, 'cred_l0');
    assert.equal(await credentials.findBySecretHash('h_none'), undefined);
    assert.deepEqual(
      (await credentials.listByPrincipal('usr_l')).map((c) => c.id),
      ['cred_l0', 'cred_l1', 'cred_l2'],
    );
    assert.deepEqual(
      (await credentials.listCreatedBy('cred_l0')).map((c) => c.id),
      ['cred_l1', 'cred_l2'],
      'direct children only',
    );
  });

  it('refuses a second credential with the same secret hash', async () => {
    const { credentials } = t().repos;
    await credentials.upsert(minimalCredential({ id: 'cred_u1', secret_hash: 'h_same' }));
    await assert.rejects(credentials.upsert(minimalCredential({ id: 'cred_u2', secret_hash: 'h_same' })), (e: unknown) =>
      isErrorCode(e, 'TW_CONFLICT'),
    );
    assert.equal((await credentials.findBySecretHash('h_same'))?.id, 'cred_u1');
  });

  it('revokes once and for all, keeping the first revocation time and reason', async () => {
    const { credentials } = t().repos;
    await credentials.upsert(minimalCredential({ id: 'cred_r' }));
    assert.equal(await credentials.setStatus('cred_r', 'suspended'), true);
    assert.equal(await credentials.setStatus('cred_r', 'revoked', 'leaked in a repo'), true);
    const revoked = await credentials.get('cred_r');
    assert.equal(revoked?.status, 'revoked');
    assert.equal(revoked?.revoked_reason, 'leaked in a repo');
    assert.ok(revoked?.revoked_at && Date.parse(revoked.revoked_at) <= Date.now());
    assert.equal(await credentials.setStatus('cred_r', 'revoked', 'again'), true);
    assert.deepEqual(await credentials.get('cred_r'), revoked);
    await assert.rejects(credentials.setStatus('cred_r', 'active'), (e: unknown) => isErrorCode(e, 'TW_CONFLICT'));
    assert.equal((await credentials.get('cred_r'))?.status, 'revoked');
    assert.equal(await credentials.setStatus('cred_none', 'revoked'), false);
  });

  it('touch records the latest use and ignores an older one', async () => {
    const { credentials } = t().repos;
    await credentials.upsert(minimalCredential({ id: 'cred_t' }));
    assert.equal(await credentials.touch('cred_t', { last_used_at: at(10), last_used_ip: '192.0.2.1' }), true);
    assert.equal(await credentials.touch('cred_t', { last_used_at: at(5), last_used_ip: '192.0.2.99' }), false);
    const got = await credentials.get('cred_t');
    assert.equal(got?.last_used_at, at(10));
    assert.equal(got?.last_used_ip, '192.0.2.1');
    assert.equal(await credentials.touch('cred_none', { last_used_at: at(10) }), false);
  });
});
