import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freeLocalPort } from '@tokenwarden/core/testing';
import { openDatabase } from '@tokenwarden/store';
import * as oauth from 'oauth4webapi';
// The CLI applies every package's migrations to the shared file; a second opener must know them all.
import { allMigrations } from '../../../cli/src/migrations.js';
import { openTokenService } from '../../src/index.js';
import { insecure } from '../support/harness.js';

const root = new URL('../../../../', import.meta.url).pathname;
const bin = join(root, 'packages/cli/bin/tokenwarden.js');
const env = { ...process.env, TOKENWARDEN_FROM_SOURCE: '1' };

function run(args: string[], stdin?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { env, cwd: root });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.stdin.end(stdin ?? '');
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

describe('tokenwarden CLI against a running serve', () => {
  let dataDir: string;
  let serve: ChildProcess;
  let issuer: string;

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'tw-cli-'));
    const port = await freeLocalPort();
    issuer = `http://127.0.0.1:${port}`;
    serve = spawn(process.execPath, [bin, 'serve', '--listen', `127.0.0.1:${port}`, '--data', dataDir], { env, cwd: root });
    await new Promise<void>((resolve, reject) => {
      let err = '';
      serve.stderr?.on('data', (d) => {
        err += d;
        if (err.includes('listening on')) resolve();
      });
      serve.on('exit', (code) => reject(new Error(`serve exited ${code}: ${err.slice(-2000)}`)));
    });
  });
  after(async () => {
    serve.kill('SIGTERM');
    await new Promise((r) => serve.once('exit', r));
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('runs the pinned commands end to end while serve runs, all sharing one SQLite file', async () => {
    // Independent one-shot commands run concurrently with each other and with serve (WAL).
    const [created, pub, user, key] = await Promise.all([
      run(['clients', 'create', '--name', 'w', '--grant', 'client_credentials', '--scope', 'read write', '--json', '--data', dataDir]),
      run(['clients', 'create', '--name', 'spa', '--public', '--redirect-uri', 'https://app.example/cb', '--json', '--data', dataDir]),
      run(['users', 'create', '--login', 'alice', '--password-stdin', '--json', '--data', dataDir], 'correct horse battery\n'),
      run(['keys', 'create', '--subject', 'ci', '--scopes', 'read deploy', '--ttl', '1h', '--json', '--data', dataDir]),
    ]);
    assert.equal(created.code, 0, created.stderr);
    const out = JSON.parse(created.stdout) as Record<string, string>;
    assert.deepEqual(Object.keys(out).sort(), ['client_id', 'client_secret']);
    assert.deepEqual(Object.keys(JSON.parse(pub.stdout)), ['client_id']);
    assert.equal(user.code, 0, user.stderr);
    assert.equal(JSON.parse(user.stdout).login, 'alice');
    assert.equal(key.code, 0, key.stderr);
    const minted = JSON.parse(key.stdout) as { id: string; key: string };
    assert.deepEqual(Object.keys(minted).sort(), ['id', 'key']);
    assert.match(minted.key, /^tw_k_[0-9A-Za-z]{38}$/);

    const issuerUrl = new URL(issuer);
    const as = await oauth.processDiscoveryResponse(
      issuerUrl,
      await oauth.discoveryRequest(issuerUrl, { algorithm: 'oauth2', ...insecure }),
    );
    const client = { client_id: out.client_id as string };
    const response = await oauth.clientCredentialsGrantRequest(
      as,
      client,
      oauth.ClientSecretBasic(out.client_secret as string),
      new URLSearchParams({ scope: 'read' }),
      insecure,
    );
    const tokens = await oauth.processClientCredentialsResponse(as, client, response);
    const payload = JSON.parse(Buffer.from(tokens.access_token.split('.')[1] as string, 'base64url').toString());
    assert.equal(payload.aud, `${issuer}/api`);

    // A gateway-like reader in this process shares the SQLite file with serve and the CLI.
    const database = await openDatabase({ store: { driver: 'sqlite' }, dataDir, migrations: allMigrations });
    const reader = await openTokenService({ dataDir, issuer, database, keyRefreshMs: 0 });
    try {
      assert.equal((await reader.view.findKey(minted.key))?.status, 'active');
      const [revoked, signout, missing] = await Promise.all([
        run(['revoke', minted.id, '--data', dataDir, '--json']),
        run(['signout', '--subject', 'alice', '--data', dataDir, '--json']),
        run(['revoke', 'key_01JD3Z2K8Q4W5E6R7T8Y9U0I1O', '--data', dataDir]),
      ]);
      assert.equal(revoked.code, 0, revoked.stderr);
      assert.equal((await reader.view.findKey(minted.key))?.status, 'revoked');
      const log = await reader.view.revocationsSince(0);
      assert.ok(log.some((r) => r.kind === 'key' && r.value === minted.id));
      assert.equal(signout.code, 0, signout.stderr);
      assert.ok(log.some((r) => r.kind === 'subject'));
      assert.equal(missing.code, 2);
      assert.match(missing.stderr, /TW_NOT_FOUND/);
    } finally {
      await reader.close();
      await database.close();
    }
  });
});
