// The SQLite replay file writes the claims of one event-loop turn in one transaction. Batching must
// not change a single answer: each claim gets what it would have had alone (checked against the
// in-memory store on seeded random sequences with replays inside and across batches and expired
// entries), a failed batch accepts nothing, and two processes claiming the same proofs in batches
// at the same moment still have exactly one winner per proof.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { seededRandom } from '@tokenwarden/core';
import BetterSqlite3 from 'better-sqlite3';
import { parseGatewayConfig } from '../../src/gateway-config.js';
import { GatewayGuard } from '../../src/gateway-guard.js';
import { MemoryJtiReplayStore } from '../../src/jti-replay-store.js';
import { SqliteJtiReplayStore } from '../../src/sqlite-jti-replay-store.js';
import { dpopKey, FakeCredentialSource } from '../support/fake-credential-source.js';

const repo = fileURLToPath(new URL('../../../../', import.meta.url));
const replayFile = () => join(mkdtempSync(join(tmpdir(), 'tw-gw-replay-batch-')), 'gateway-dpop-replay.db');

describe('SQLite replay file: claims batched per event-loop turn', () => {
  it('a replay inside one batch loses, and the first claim wins', async () => {
    const store = SqliteJtiReplayStore.open(replayFile());
    try {
      const later = Date.now() + 300_000;
      const outcomes = await Promise.all([
        store.claim('k:a', later),
        store.claim('k:b', later),
        store.claim('k:a', later),
        store.claim('k:a', later),
      ]);
      assert.deepEqual(outcomes, [true, true, false, false]);
      assert.equal(await store.claim('k:b', later), false, 'a later batch sees the earlier one');
    } finally {
      store.close();
    }
  });

  it('through the guard: the same proof sent on several requests at once is admitted exactly once', async () => {
    const store = SqliteJtiReplayStore.open(replayFile());
    const source = await FakeCredentialSource.create();
    const guard = new GatewayGuard({ source, config: parseGatewayConfig({ rate_limit: false }), replayStore: store });
    await guard.start();
    try {
      const key = await dpopKey();
      const { token } = await source.issueJwt({ jkt: key.jkt });
      const request = { method: 'GET', target: '/x', peer: '127.0.0.1', encrypted: false };
      const fresh = await Promise.all(
        [0, 1, 2].map(async () => ({
          host: 'api.test',
          authorization: `DPoP ${token}`,
          dpop: await key.proof('GET', 'http://api.test/x', token),
        })),
      );
      const replayed = fresh[1] as (typeof fresh)[number];
      // Three fresh proofs, then three more copies of the second one, all decided together.
      const decisions = await Promise.all([...fresh, replayed, replayed, replayed].map((headers) => guard.check({ ...request, headers })));
      // The signatures are checked on the thread pool, so which copy claims first is not fixed:
      // exactly one of the four requests carrying it is admitted, the others are replays.
      const copies = [1, 3, 4, 5].map((k) => decisions[k] as (typeof decisions)[number]);
      assert.equal(copies.filter((d) => d.allow).length, 1);
      for (const d of copies) assert.ok(d.allow || d.refusal.reason === 'dpop: replayed proof');
      assert.equal(decisions[0]?.allow, true);
      assert.equal(decisions[2]?.allow, true);
    } finally {
      await guard.close();
      store.close();
    }
  });

  it('gives the same answers as the in-memory store on seeded random sequences (differential)', async () => {
    for (let seed = 1; seed <= 20; seed++) {
      const random = seededRandom(seed);
      const store = SqliteJtiReplayStore.open(replayFile());
      const reference = new MemoryJtiReplayStore();
      try {
        for (let turn = 0; turn < 30; turn++) {
          // 1–12 claims in one turn over a small key space: replays inside and across batches.
          const size = 1 + Math.floor(random() * 12);
          const now = Date.now();
          const claims = Array.from({ length: size }, () => ({
            key: `jkt:${Math.floor(random() * 40)}`,
            // One in five already expired: the key may be claimed again, as in the reference.
            expiresAt: random() < 0.2 ? now - 1 : now + 300_000,
          }));
          const expected = claims.map((c) => reference.claim(c.key, c.expiresAt));
          const actual = await Promise.all(claims.map((c) => store.claim(c.key, c.expiresAt)));
          assert.deepEqual(actual, expected, `seed ${seed}, turn ${turn}: ${JSON.stringify(claims)}`);
        }
      } finally {
        store.close();
      }
    }
  });

  it('a batch that cannot get the write lock rejects every claim in it and records none', async () => {
    const file = replayFile();
    const store = SqliteJtiReplayStore.open(file, { busyTimeoutMs: 50 });
    const other = new BetterSqlite3(file);
    try {
      other.exec('BEGIN IMMEDIATE');
      const later = Date.now() + 300_000;
      const settled = await Promise.allSettled([store.claim('k:x', later), store.claim('k:y', later)]);
      assert.deepEqual(
        settled.map((s) => s.status),
        ['rejected', 'rejected'],
      );
      other.exec('ROLLBACK');
      assert.deepEqual(await Promise.all([store.claim('k:x', later), store.claim('k:y', later)]), [true, true]);
    } finally {
      other.close();
      store.close();
    }
  });

  it('close writes the claims still waiting for their batch, and later claims are refused', async () => {
    const file = replayFile();
    const store = SqliteJtiReplayStore.open(file);
    const later = Date.now() + 300_000;
    const waiting = store.claim('k:last', later);
    store.close();
    assert.equal(await waiting, true);
    await assert.rejects(store.claim('k:after', later));
    const again = SqliteJtiReplayStore.open(file);
    try {
      assert.equal(await again.claim('k:last', later), false, 'the claim written at close is on disk');
    } finally {
      again.close();
    }
  });

  it('the upkeep timer deletes expired claims and checkpoints the WAL', async () => {
    const file = replayFile();
    const store = SqliteJtiReplayStore.open(file, { upkeepMs: 20 });
    const reader = new BetterSqlite3(file, { readonly: true });
    try {
      await Promise.all([store.claim('k:old', Date.now() + 30), store.claim('k:new', Date.now() + 300_000)]);
      await new Promise((r) => setTimeout(r, 150));
      const rows = reader.prepare('SELECT count(*) AS n FROM dpop_replay').get() as { n: number };
      assert.equal(rows.n, 1);
    } finally {
      reader.close();
      store.close();
    }
  });

  it('two processes claiming the same proofs in batches at the same moment: exactly one winner each', async () => {
    const file = replayFile();
    // Both children open the file, wait for the start file to appear, then claim 300 keys in
    // batches of 30 (one turn each), and print their outcomes.
    const start = `${file}.go`;
    const code = `
      import { existsSync } from 'node:fs';
      import { SqliteJtiReplayStore } from './packages/gateway/src/sqlite-jti-replay-store.ts';
      const [file, start] = process.argv.slice(1);
      const store = SqliteJtiReplayStore.open(file);
      process.stdout.write('ready\\n');
      while (!existsSync(start)) await new Promise((r) => setTimeout(r, 1));
      const out = [];
      for (let b = 0; b < 10; b++) {
        const keys = Array.from({ length: 30 }, (_, i) => 'jkt:race-' + (b * 30 + i));
        out.push(...(await Promise.all(keys.map((k) => store.claim(k, Date.now() + 300000)))));
      }
      store.close();
      process.stdout.write(JSON.stringify(out) + '\\n');`;
    const children = [0, 1].map(() => {
      const c = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', '--input-type=module', '-e', code, file, start], {
        cwd: repo,
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let text = '';
      const ready = new Promise<void>((resolve) =>
        c.stdout.on('data', (d: Buffer) => {
          text += d.toString();
          if (text.startsWith('ready\n')) resolve();
        }),
      );
      const done = new Promise<boolean[]>((resolve, reject) => {
        c.once('error', reject);
        c.once('exit', (status) =>
          status === 0 ? resolve(JSON.parse(text.slice('ready\n'.length)) as boolean[]) : reject(new Error(`child exited with ${status}`)),
        );
      });
      return { ready, done };
    });
    await Promise.all(children.map((c) => c.ready));
    const { writeFileSync } = await import('node:fs');
    writeFileSync(start, '');
    const [a, b] = await Promise.all(children.map((c) => c.done));
    assert.equal(a?.length, 300);
    assert.equal(b?.length, 300);
    for (let i = 0; i < 300; i++) assert.equal(Number(a?.[i]) + Number(b?.[i]), 1, `key ${i}: exactly one process wins`);
  });
});
