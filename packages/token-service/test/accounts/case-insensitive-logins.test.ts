import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TokenWardenError } from '@tokenwarden/core';
import { forEachDialect } from '@tokenwarden/store/testing';
import type { Kysely } from 'kysely';
import { authenticateUser, findUser, loginKeyOf } from '../../src/accounts/users.js';
import { tokenServiceMigrations } from '../../src/storage/migrations.js';
import { runCodeFlow } from '../support/code-flow.js';
import { type Harness, startHarness } from '../support/harness.js';

// `Alice` beside `alice` is a look-alike account: an attacker with an admin token creates one to
// stay in, and an analyst reading a list of logins takes it for the person. One account per login
// whatever its case; the login is still shown as it was created.
describe('logins are one account whatever their case', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  it('refuses a login that differs from an existing one only in case, naming the existing one', async () => {
    await h.service.admin.createUser({ login: 'Alice.Ng@example.com', password: 'correct horse battery' });
    await assert.rejects(
      h.service.admin.createUser({ login: 'alice.ng@EXAMPLE.com', password: 'correct horse battery' }),
      (e: unknown) =>
        e instanceof TokenWardenError &&
        e.code === 'TW_LOGIN_TAKEN' &&
        /as Alice\.Ng@example\.com: logins are not case-sensitive/.test(e.message),
    );
    await assert.rejects(
      h.service.admin.createUser({ login: 'Alice.Ng@example.com', password: 'correct horse battery' }),
      (e: unknown) => e instanceof TokenWardenError && e.code === 'TW_LOGIN_TAKEN' && !/case-sensitive/.test(e.message),
    );
    const found = await h.service.admin.findUser('ALICE.NG@example.com');
    assert.equal(found?.login, 'Alice.Ng@example.com', 'found in any case, shown as created');
  });

  it('signs a person in whatever case they type', async () => {
    await h.service.admin.createUser({ login: 'Bob', password: 'correct horse battery staple' });
    const session = await runCodeFlow(h, { login: 'bOB', password: 'correct horse battery staple' });
    assert.ok(session.tokens.access_token);
  });

  it('folds ASCII letters only: a look-alike such as the Kelvin sign is not the letter k', () => {
    assert.equal(loginKeyOf('Kim.O@Example.COM'), 'kim.o@example.com');
    assert.equal(loginKeyOf('\u212Aim'), '\u212Aim');
  });
});

const BEFORE = tokenServiceMigrations.filter((m) => m.name < 'token-service-0007');
const migration = tokenServiceMigrations.find((m) => m.name === 'token-service-0007-case-insensitive-logins');

// Stores made before logins were case-insensitive may hold `Carol` and `carol`: the migration must
// not fail on them, and neither account may be lost or taken over by the other.
forEachDialect(
  'migration token-service-0007 on a store with logins differing only in case',
  (t) => {
    it('keeps both accounts: the older answers to any case, the newer to its exact login', async () => {
      assert.ok(migration);
      const db = t().database.db;
      const user = (id: string, login: string, created_at: string) => ({
        id,
        login,
        password_hash: 'unused',
        status: 'active',
        created_at,
      });
      await (db as unknown as Kysely<{ ts_users: Record<string, unknown> }>)
        .insertInto('ts_users')
        .values([
          user('usr_new', 'carol', '2026-02-01T00:00:00.000Z'),
          user('usr_old', 'Carol', '2026-01-01T00:00:00.000Z'),
          user('usr_dave', 'Dave', '2026-01-01T00:00:00.000Z'),
        ])
        .execute();
      await migration.up(db, t().dialect);
      const keys = await (db as unknown as Kysely<{ ts_users: { id: string; login_key: string } }>)
        .selectFrom('ts_users')
        .select(['id', 'login_key'])
        .orderBy('id')
        .execute();
      assert.deepEqual(keys, [
        { id: 'usr_dave', login_key: 'dave' },
        { id: 'usr_new', login_key: 'carol#usr_new' },
        { id: 'usr_old', login_key: 'carol' },
      ]);
      assert.equal((await findUser(t().database, 'carol'))?.id, 'usr_new', 'an exact login wins');
      assert.equal((await findUser(t().database, 'Carol'))?.id, 'usr_old');
      assert.equal((await findUser(t().database, 'CAROL'))?.id, 'usr_old', 'any other case is the older account');
      assert.equal((await findUser(t().database, 'DAVE'))?.id, 'usr_dave');
      // No password matches 'unused' as a hash: the lookup itself is what is checked here.
      assert.equal(await authenticateUser(t().database, 'CAROL', 'whatever password'), undefined);
    });
  },
  { migrations: BEFORE },
);
