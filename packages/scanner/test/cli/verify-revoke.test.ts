// Integration with the token service: --verify asks its store whether a found tw_ token is live,
// --revoke revokes it with the leak location as the reason, which lands in the audit log.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { freeLocalPort } from '@tokenwarden/core/testing';
import { createRepositories, openDatabase, storeMigrations } from '@tokenwarden/store';
import { openTokenService, recordServiceIdentity, tokenServiceMigrations } from '@tokenwarden/token-service';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const runner = fileURLToPath(new URL('./scan-cli-runner.ts', import.meta.url));
let dir: string;
let keyId = '';
let canaryId = '';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function batch(runs: string[][]): Promise<Run[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', runner, JSON.stringify(runs)], {
      cwd: root,
      env: { ...process.env, TOKENWARDEN_FROM_SOURCE: '1', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c;
    });
    child.stderr.on('data', (c: Buffer) => {
      err += c;
    });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out) as Run[]) : reject(new Error(err))));
  });
}

const openStore = (dataDir: string) =>
  openDatabase({
    store: { driver: 'sqlite' },
    dataDir,
    migrations: [...storeMigrations, ...tokenServiceMigrations].sort((a, b) => a.name.localeCompare(b.name)),
  });

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tw-scan-verify-'));
  const dataDir = join(dir, 'data');
  const database = await openStore(dataDir);
  const service = await openTokenService({ dataDir, issuer: 'http://127.0.0.1:8080', database, keyRefreshMs: 0 });
  const minted = await service.admin.createApiKey({ subject: 'ci-bot', scopes: ['read'] });
  keyId = minted.id;
  const canary = await service.admin.createCanary({ format: 'api_key', label: 'bait-in-repo' });
  canaryId = canary.id;
  await service.close();
  await database.close();
  writeFileSync(join(dir, 'deploy.sh'), `#!/bin/sh\nexport API_KEY=${minted.key}\n`);
  writeFileSync(join(dir, 'canary.env'), `k=${canary.value}\n`);
});

after(() => rmSync(dir, { recursive: true, force: true }));

describe('scan --verify / --revoke against the token service', () => {
  it('reports our live token as live, revokes it with the leak location, then sees it revoked', async () => {
    const data = join(dir, 'data');
    const file = join(dir, 'deploy.sh');
    const [verified, revoked, after] = await batch([
      ['scan', file, '--verify', '--data', data, '--format', 'json'],
      ['scan', file, '--revoke', '--data', data, '--format', 'json'],
      ['scan', file, '--verify', '--data', data, '--format', 'json'],
    ]);
    const first = (r: Run | undefined) =>
      (JSON.parse(r?.stdout ?? '{}') as { findings: { verification?: { status: string }; revoked?: boolean }[] }).findings[0];
    assert.equal(verified?.code, 1, verified?.stderr);
    assert.equal(first(verified)?.verification?.status, 'live');
    assert.equal(first(revoked)?.revoked, true);
    assert.equal(first(revoked)?.verification?.status, 'revoked');
    assert.equal(first(after)?.verification?.status, 'revoked');

    // Read-only: the CLI applied every package's migrations, which this test does not know.
    const database = await openDatabase({ store: { driver: 'sqlite' }, dataDir: data, migrations: [], readonly: true });
    try {
      const entries = await createRepositories(database).audit.list();
      const entry = entries.find((e) => e.action === 'credential.revoke' && e.target === keyId);
      assert.ok(entry, 'revocation missing from the audit log');
      assert.match(entry.reason ?? '', /leaked: found by tokenwarden scan in .*deploy\.sh:2/);
      assert.equal(entry.actor, 'tokenwarden-scan');
      // The finding is on the credential's history, as `tokenwarden revoke` and the intake leave it.
      const events = await createRepositories(database).lifecycleEvents.query({ credential_id: keyId });
      assert.deepEqual(events.map((e) => e.type).sort(), ['token.exposed', 'token.revoked']);
      const exposed = events.find((e) => e.type === 'token.exposed');
      assert.match(exposed?.reason ?? '', /leaked: found by tokenwarden scan in .*deploy\.sh:2/);
      assert.equal(exposed?.credential_kind, 'api_key');
      assert.equal(exposed?.principal, 'ci-bot');
      assert.equal(exposed?.details?.line, 2);
      assert.ok(entries.some((e) => e.action === 'credential.exposed' && e.target === keyId));
    } finally {
      await database.close();
    }
  });

  it('calls a canary key a tripwire (not live) and never revokes it', async () => {
    const data = join(dir, 'data');
    const file = join(dir, 'canary.env');
    const [verified, revoked] = await batch([
      ['scan', file, '--verify', '--data', data, '--format', 'json'],
      ['scan', file, '--revoke', '--data', data, '--format', 'json'],
    ]);
    type Out = { findings: { verification?: { status: string; detail: string }; revoked?: boolean }[] };
    for (const run of [verified, revoked]) {
      const f = (JSON.parse(run?.stdout ?? '{}') as Out).findings[0];
      assert.equal(f?.verification?.status, 'invalid', run?.stdout);
      assert.match(f?.verification?.detail ?? '', /canary/);
      assert.notEqual(f?.revoked, true);
    }
    const database = await openDatabase({ store: { driver: 'sqlite' }, dataDir: data, migrations: [], readonly: true });
    try {
      const events = await createRepositories(database).lifecycleEvents.query({ credential_id: canaryId });
      assert.deepEqual(
        events.filter((e) => e.type === 'token.revoked'),
        [],
      );
      const entries = await createRepositories(database).audit.list();
      assert.ok(!entries.some((e) => e.action === 'credential.revoke' && e.target === canaryId), 'the canary was revoked');
    } finally {
      await database.close();
    }
  });
});

describe('scan --verify with a --data directory that holds no store', () => {
  it('exits 2 (verification unavailable) and creates nothing there', async () => {
    const missing = join(dir, 'no-such-data');
    const [run] = await batch([['scan', join(dir, 'deploy.sh'), '--verify', '--data', missing, '--format', 'json']]);
    assert.equal(run?.code, 2, run?.stderr);
    assert.match(run?.stderr ?? '', /TW_SCAN_VERIFY_UNAVAILABLE/);
    assert.equal(existsSync(missing), false, 'the scan created a store');
  });
});

describe('scan --verify / --revoke of our JWT access tokens', () => {
  it('finds one of our access tokens live by its issuer, revokes it by jti, and leaves a third-party JWT offline', async () => {
    const dataDir = join(dir, 'jwt-data');
    const database = await openStore(dataDir);
    const port = await freeLocalPort();
    const issuer = `http://127.0.0.1:${port}`;
    await recordServiceIdentity(database, { issuer, audience: `${issuer}/api` });
    const service = await openTokenService({ dataDir, issuer, database, keyRefreshMs: 0 });
    let accessToken: string;
    try {
      await service.listen(`127.0.0.1:${port}`);
      const client = await service.admin.createClient({ name: 'exporter', grantTypes: ['client_credentials'], scopes: ['read'] });
      const response = await fetch(`${issuer}/token`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${client.client_id}:${client.client_secret}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: 'grant_type=client_credentials&scope=read',
      });
      accessToken = ((await response.json()) as { access_token: string }).access_token;
    } finally {
      await service.close();
      await database.close();
    }
    // Someone else's token: same shape, another issuer.
    const claims = Buffer.from(JSON.stringify({ iss: 'https://login.example.org', sub: 'u1', exp: 4_102_444_800 })).toString('base64url');
    const theirs = `eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.${claims}.${createHash('sha512').update('their signature').digest('base64url')}`;
    const file = join(dir, 'debug.log');
    // Ours in every claim, but with a signature we never made.
    const [h, b] = accessToken.split('.');
    const forged = `${h}.${b}.${createHash('sha512').update('forged').digest('base64url').slice(0, 86)}`;
    writeFileSync(file, `request failed; authorization: Bearer ${accessToken}\nupstream token=${theirs}\nretry with ${forged}\n`);
    const [verified, revoked, after] = await batch([
      ['scan', file, '--verify', '--data', dataDir, '--format', 'json'],
      ['scan', file, '--revoke', '--data', dataDir, '--format', 'json'],
      ['scan', file, '--verify', '--data', dataDir, '--format', 'json'],
    ]);
    type Out = { findings: { rule: string; line: number; verification?: { status: string; detail: string }; revoked?: boolean }[] };
    const at = (r: Run | undefined, line: number) =>
      (JSON.parse(r?.stdout ?? '{}') as Out).findings.find((f) => f.rule === 'jwt' && f.line === line);
    assert.equal(at(verified, 1)?.verification?.status, 'live', verified?.stderr);
    assert.equal(at(verified, 2)?.verification?.status, 'unknown', 'a third-party JWT gets the offline answer');
    assert.equal(at(revoked, 1)?.revoked, true);
    // Revoked, as a revoked key is said to be; the forged one stays invalid and is never revoked.
    assert.equal(at(after, 1)?.verification?.status, 'revoked');
    assert.match(at(after, 1)?.verification?.detail ?? '', /is revoked/);
    assert.notEqual(at(revoked, 3)?.revoked, true);
    assert.equal(at(after, 3)?.verification?.status, 'invalid');
    assert.match(at(after, 3)?.verification?.detail ?? '', /not signed by this token service/);
  });
});
