import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openDatabase } from '@tokenwarden/store';
import { DEFAULT_ISSUER, openTokenService } from '@tokenwarden/token-service';
import { allMigrations } from '../../src/migrations.js';
import { runCli } from '../support/run-cli.js';

const cli = (...args: string[]) => runCli(args);

interface RotateOutput {
  kid: string;
  activates_at: string;
  keys: { kid: string; state: string; activates_at: string; retires_at: string | null; expires_at: string | null }[];
}

describe('tokenwarden keys rotate-signing', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'tw-cli-keys-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('publishes a new key that signs after the lead time, and schedules the old one out after its tokens expire', async () => {
    const started = Date.now();
    const run = await cli('keys', 'rotate-signing', '--data', dir, '--lead', '15m', '--json');
    assert.equal(run.code, 0, run.stderr);
    const out = JSON.parse(run.stdout) as RotateOutput;
    assert.equal(out.keys.length, 2, 'the first key (created on first use) and the new one');
    const [next, current] = out.keys;
    assert.equal(next?.kid, out.kid);
    assert.equal(next?.state, 'next');
    assert.equal(current?.state, 'current');
    const activates = Date.parse(out.activates_at);
    assert.ok(Math.abs(activates - (started + 15 * 60_000)) < 60_000, `activates 15 minutes from now (${out.activates_at})`);
    assert.equal(current?.retires_at, out.activates_at, 'the old key stops signing when the new one starts');
    assert.equal(Date.parse(current?.expires_at ?? ''), activates + 3_600_000, 'and stays published for the longest token lifetime');

    // What a gateway or a running `serve` on the same --data sees: both keys published, old one signing.
    const database = await openDatabase({ store: { driver: 'sqlite' }, dataDir: dir, migrations: allMigrations });
    const service = await openTokenService({ dataDir: dir, database, issuer: DEFAULT_ISSUER, keyRefreshMs: 0 });
    try {
      const published = (await service.view.jwks()).keys.map((k) => k.kid).sort();
      assert.deepEqual(published, [next?.kid, current?.kid].sort());
      assert.ok(
        (await service.view.jwks()).keys.every((k) => k.d === undefined),
        'no private key material is published',
      );
    } finally {
      await service.close();
      await database.close();
    }
  });

  it('prints a readable schedule without --json', async () => {
    const run = await cli('keys', 'rotate-signing', '--data', dir);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /new signing key \S+: published now, signs from /);
    assert.match(run.stdout, / next /);
  });

  it('refuses a lead shorter than one minute, and a malformed one, with a usage error', async () => {
    const short = await cli('keys', 'rotate-signing', '--data', dir, '--lead', '5s');
    assert.equal(short.code, 2);
    assert.match(short.stderr, /--lead 5s is too short/);
    const bad = await cli('keys', 'rotate-signing', '--data', dir, '--lead', 'soon');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /invalid duration "soon"/);
  });
});
