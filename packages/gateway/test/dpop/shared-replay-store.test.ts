// A DPoP proof accepted by one gateway must be refused by every other gateway on the same store
// (RFC 9449 §11.1): the replay store is shared through the SQLite file of `--data` or PostgreSQL,
// and a claim is one atomic statement, so two processes racing with one proof cannot both win.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { StoreConfig } from '@tokenwarden/config';
import { type Database, openDatabase, sql } from '@tokenwarden/store';
import { SKIP_PG, TEST_PG_URL } from '@tokenwarden/store/testing';
import { AppendLogJtiReplayStore } from '../../src/append-log-jti-replay-store.js';
import { parseGatewayConfig } from '../../src/gateway-config.js';
import { GatewayGuard } from '../../src/gateway-guard.js';
import type { JtiReplayStore } from '../../src/jti-replay-store.js';
import { gatewayMigrations } from '../../src/migrations.js';
import { StoreJtiReplayStore } from '../../src/store-jti-replay-store.js';
import { dpopKey, FakeCredentialSource } from '../support/fake-credential-source.js';
import { runModule } from '../support/run-module.js';

function open(store: StoreConfig, dataDir: string): Promise<Database> {
  return openDatabase({ store, dataDir, migrations: gatewayMigrations });
}

// Two connections to one store stand for two gateway processes.
async function sharedReplayChecks(ra: JtiReplayStore, rb: JtiReplayStore): Promise<void> {
  const later = Date.now() + 300_000;
  assert.equal(await ra.claim('jkt:one', later), true);
  assert.equal(await rb.claim('jkt:one', later), false, 'the other gateway sees the claim');
  assert.equal(await ra.claim('jkt:one', later), false);

  // Racing claims of the same proofs from both sides: exactly one winner per proof.
  const keys = Array.from({ length: 40 }, (_, i) => `jkt:race-${i}`);
  const outcomes = await Promise.all(keys.flatMap((k) => [ra.claim(k, later), rb.claim(k, later), ra.claim(k, later)]));
  for (let i = 0; i < keys.length; i++) {
    assert.equal(outcomes.slice(i * 3, i * 3 + 3).filter(Boolean).length, 1, keys[i]);
  }

  // An expired claim may be taken again (the proof itself is too old by then to pass the iat check).
  assert.equal(await ra.claim('jkt:old', Date.now() - 1), true);
  assert.equal(await rb.claim('jkt:old', later), true);
  assert.equal(await ra.claim('jkt:old', later), false);

  // Through two guards: the proof admitted by the first is refused by the second as a replay.
  const source = await FakeCredentialSource.create();
  const config = parseGatewayConfig({ rate_limit: false });
  const guards = [ra, rb].map((replayStore) => new GatewayGuard({ source, config, replayStore }));
  for (const g of guards) await g.start();
  try {
    const key = await dpopKey();
    const { token } = await source.issueJwt({ jkt: key.jkt });
    const request = { method: 'GET', target: '/x', peer: '127.0.0.1', encrypted: false };
    const headers = { host: 'api.test', authorization: `DPoP ${token}`, dpop: await key.proof('GET', 'http://api.test/x', token) };
    const first = await guards[0]?.check({ ...request, headers });
    assert.equal(first?.allow, true);
    const second = await guards[1]?.check({ ...request, headers });
    assert.ok(second && !second.allow && second.refusal.reason === 'dpop: replayed proof');
  } finally {
    for (const g of guards) await g.close();
  }
}

describe('DPoP replay store shared by several gateways', () => {
  it('SQLite (the embedded --data default): two connections, and a claim from another process', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tw-gw-replay-'));
    const store: StoreConfig = { driver: 'sqlite' };
    const a = await open(store, dataDir);
    const b = await open(store, dataDir);
    try {
      await sharedReplayChecks(new StoreJtiReplayStore(a), new StoreJtiReplayStore(b));
      // A separate Node process claims a proof key on the same file; this process must then lose.
      const child = `
        import { openDatabase } from '@tokenwarden/store';
        import { gatewayMigrations } from './packages/gateway/src/migrations.ts';
        import { StoreJtiReplayStore } from './packages/gateway/src/store-jti-replay-store.ts';
        const db = await openDatabase({ store: { driver: 'sqlite' }, dataDir: process.argv[1], migrations: gatewayMigrations });
        const won = await new StoreJtiReplayStore(db).claim('jkt:from-child', Date.now() + 300000);
        await db.close();
        process.stdout.write(String(won));`;
      const out = await runModule(child, [dataDir]);
      assert.equal(out, 'true', 'the other process won the claim');
      assert.equal(await new StoreJtiReplayStore(a).claim('jkt:from-child', Date.now() + 300_000), false);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('append-only claim logs (what tokenwarden gateway --data runs): two instances, and a claim from another process', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'tw-gw-replay-logs-')), 'gateway-dpop-replay');
    const a = AppendLogJtiReplayStore.open(dir);
    const b = AppendLogJtiReplayStore.open(dir);
    try {
      await sharedReplayChecks(a, b);
      const child = `
        import { AppendLogJtiReplayStore } from './packages/gateway/src/append-log-jti-replay-store.ts';
        const store = AppendLogJtiReplayStore.open(process.argv[1]);
        const won = store.claim('jkt:from-child', Date.now() + 300000);
        store.close();
        process.stdout.write(String(won));`;
      assert.equal(await runModule(child, [dir]), 'true', 'the other process won the claim');
      assert.equal(a.claim('jkt:from-child', Date.now() + 300_000), false);
    } finally {
      a.close();
      b.close();
    }
  });

  it('PostgreSQL: two connections', { skip: SKIP_PG ? 'TOKENWARDEN_SKIP_PG=1' : false }, async () => {
    const schema = `tw_test_gw_replay_${randomBytes(4).toString('hex')}`;
    const store: StoreConfig = { driver: 'postgres', url: TEST_PG_URL, schema };
    const a = await open(store, tmpdir());
    const b = await open(store, tmpdir());
    try {
      await sharedReplayChecks(new StoreJtiReplayStore(a), new StoreJtiReplayStore(b));
    } finally {
      await sql.raw(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).execute(a.db);
      await a.close();
      await b.close();
    }
  });
});
