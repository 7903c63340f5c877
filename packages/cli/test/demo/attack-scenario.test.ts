import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type DemoWorld, startDemoWorld } from '../../src/demo/demo-world.js';
import { loginWithCodeFlow } from '../../src/demo/oauth-login.js';
import { runScenario, type ScenarioResult } from '../../src/demo/scenario.js';

// The end-to-end story of `npm start`: a leaked key walks the attack chain through the gateway,
// detection raises the alerts, response contains the incident, and the report shows what happened.
describe('npm start scenario: leaked key, attack chain, automatic containment, forensics', () => {
  let dir: string;
  let world: DemoWorld;
  let result: ScenarioResult;
  const lines: string[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tw-demo-'));
    world = await startDemoWorld({
      dataDir: dir,
      tokenListen: '127.0.0.1:0',
      gatewayListen: '127.0.0.1:0',
      audience: 'https://api.demo.tokenwarden.local',
    });
    result = await runScenario(world, (kind, text) => lines.push(`${kind} ${text}`));
  });
  after(async () => {
    await world?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('detects the attack and contains the incident automatically', () => {
    assert.ok(
      result.alerts.some((a) => a.credential === result.stolenKeyId && a.severity === 'critical'),
      lines.join('\n'),
    );
    assert.equal(result.incident?.status, 'contained');
    assert.equal(result.incident?.credential_id, result.stolenKeyId);
    for (const kind of ['revoke', 'signout', 'block_ip', 'suspend']) {
      assert.ok(
        result.outcomes.some((o) => o.action.kind === kind && o.status === 'done'),
        `${kind} done: ${JSON.stringify(result.outcomes.map((o) => [o.action.kind, o.status]))}`,
      );
    }
  });

  it("stops the attacker's token and everything it created", async () => {
    assert.ok([401, 403].includes(result.after.stolenKeyStatus));
    assert.ok(result.createdKeyId, 'the attacker minted a key before containment');
    assert.ok(result.after.createdKeyStatus !== undefined && [401, 403].includes(result.after.createdKeyStatus));
    assert.ok(result.createdUserId, 'the attacker created an account before containment');
    const suspended = result.outcomes.filter((o) => o.action.kind === 'suspend' && o.status === 'done').map((o) => o.action.target);
    assert.ok(suspended.includes(result.createdKeyId as string));
    assert.ok(suspended.includes(result.createdUserId as string));
    const admin = world.service.admin;
    const dashboard = await admin.createClient({
      name: 'probe',
      grantTypes: ['authorization_code'],
      redirectUris: ['http://127.0.0.1:9/cb'],
      scopes: ['openid', 'read'],
    });
    await assert.rejects(
      loginWithCodeFlow({
        issuer: world.issuer,
        clientId: dashboard.client_id,
        clientSecret: dashboard.client_secret ?? '',
        redirectUri: 'http://127.0.0.1:9/cb',
        login: 'svc-backup',
        password: 'Backdoor-Passw0rd!',
        scope: 'openid read',
      }),
      /login failed/,
      "the attacker's account cannot sign in",
    );
    assert.equal(result.after.alertsEnabled, true, 'the alert switch the attacker turned off is back on');
  });

  it('lets the legitimate user work again after re-authenticating', () => {
    assert.equal(result.after.aliceReauthStatus, 200);
  });

  it("reports exactly the attacker's requests with the stolen key", () => {
    const report = JSON.parse(readFileSync(result.reportFiles.json, 'utf8')) as {
      requests: { id: string; method?: string; path?: string; status?: number; source_ip?: string }[];
    };
    // Every request the attacker got past the gateway with the stolen key; the later ones were
    // refused at the door (credential and IP blocked) and touched nothing.
    const admitted = result.attackerCalls
      .filter((c) => c.status !== 401 && c.status !== 403)
      .map((c) => `${c.method} ${c.path} ${c.status}`)
      .sort();
    const reported = report.requests.map((r) => `${r.method} ${r.path} ${r.status}`).sort();
    assert.ok(
      report.requests.every((r) => r.source_ip === result.attackerIp),
      'no request of alice, bob or the CI job',
    );
    assert.deepEqual(new Set(report.requests.map((r) => r.id)), new Set(result.attackerEventIds));
    assert.deepEqual(reported, admitted);
    for (const path of ['/api/me', '/api/billing/invoices', '/api/users', '/api/admin/keys', '/api/admin/users', '/api/admin/alerts']) {
      assert.ok(
        reported.some((r) => r.includes(` ${path} `)),
        `${path} is in the report`,
      );
    }
    assert.match(readFileSync(result.reportFiles.html, 'utf8'), /request timeline/);
  });

  it('lists what the stolen key created, in the state containment left it', () => {
    const report = JSON.parse(readFileSync(result.reportFiles.json, 'utf8')) as {
      created: { credentials: { id: string; status: string }[]; principals: { id: string; name: string; status: string }[] };
    };
    const key = report.created.credentials.find((c) => c.id === result.createdKeyId);
    assert.ok(key && ['revoked', 'suspended'].includes(key.status), JSON.stringify(report.created));
    const user = report.created.principals.find((p) => p.id === result.createdUserId);
    assert.deepEqual(user && [user.name, user.status], ['svc-backup', 'suspended']);
  });
});
