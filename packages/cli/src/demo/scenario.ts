import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type AccessEvent, type Alert, type Incident, seededRandom } from '@tokenwarden/core';
import { type ActionOutcome, AutoResponder, renderHtml, renderMarkdown } from '@tokenwarden/response';
import { redactSecret, scanString } from '@tokenwarden/scanner';
import { buildCredentialReport } from '../commands/report.js';
import type { DemoWorld } from './demo-world.js';
import { loginWithCodeFlow } from './oauth-login.js';
import { type CallResult, call, type Habit, history, type Persona } from './traffic.js';

/** Prints one line of the story (the terminal view of `npm start`). */
export type Narrator = (kind: 'step' | 'alert' | 'incident' | 'action' | 'info', text: string) => void;

/** What the scenario did and saw, for the terminal and for the end-to-end test. */
export interface ScenarioResult {
  stolenKeyId: string;
  attackerIp: string;
  /** The attacker's calls with the stolen key (not those with the key it minted). */
  attackerCalls: CallResult[];
  createdKeyId?: string;
  createdUserId?: string;
  alerts: Alert[];
  incident?: Incident;
  outcomes: ActionOutcome[];
  after: {
    stolenKeyStatus: number;
    createdKeyStatus?: number;
    aliceReauthStatus: number;
    alertsEnabled: unknown;
  };
  reportFiles: { html: string; markdown: string; json: string };
  reportRequestIds: string[];
  attackerEventIds: string[];
}

const ALICE: Persona = {
  name: 'alice',
  ip: '91.64.12.34',
  userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
};
const BOB: Persona = {
  name: 'bob',
  ip: '81.2.69.160',
  userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
};
const CI: Persona = { name: 'ci-deploy', ip: '3.120.15.7', userAgent: 'python-requests/2.32.3' };
const ATTACKER: Persona = { name: 'attacker', ip: '159.89.214.31', userAgent: 'curl/8.5.0' };
const ALICE_PASSWORD = 'correct horse battery staple';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const SWEEPS_MS = [1000, 4000];

/**
 * The story `npm start` tells, and its end-to-end test checks: benign users and a CI service with
 * weeks of history, alice's admin key leaked in a repository, an attacker walking the attack
 * chain with it from a hosting provider, detection raising alerts, response containing the
 * incident automatically (revoke, sign out, block, suspend what the attacker created, restore the
 * alert switch), and the forensic report of what the key touched.
 *
 * @example
 * ```ts
 * const result = await runScenario(world, (kind, text) => console.log(kind, text));
 * ```
 */
export async function runScenario(world: DemoWorld, narrate: Narrator, options: { pace?: number } = {}): Promise<ScenarioResult> {
  const pace = options.pace ?? 1;
  const admin = world.service.admin;
  const audience = world.gateway.guard.audience;

  narrate('step', 'Setting up: users alice and bob, a dashboard OAuth client, API keys for alice, bob and the CI deploy job');
  await admin.createUser({ login: 'alice', password: ALICE_PASSWORD });
  await admin.createUser({ login: 'bob', password: 'bob-password-123' });
  const dashboard = await admin.createClient({
    name: 'dashboard',
    grantTypes: ['authorization_code', 'refresh_token'],
    redirectUris: ['http://127.0.0.1:9/callback'],
    scopes: ['openid', 'read', 'admin'],
  });
  const aliceKey = await admin.createApiKey({ subject: 'alice', scopes: ['read', 'admin'] });
  const bobKey = await admin.createApiKey({ subject: 'bob', scopes: ['read'] });
  const ciKey = await admin.createApiKey({ subject: 'ci-deploy', scopes: ['read'] });

  narrate(
    'step',
    'Replaying three weeks of history so the detectors have baselines (alice in Berlin on weekdays, bob in London, CI in AWS Frankfurt)',
  );
  const rnd = seededRandom(20261129);
  const now = Date.now();
  const habits: Habit[] = [
    {
      persona: ALICE,
      credentialId: aliceKey.id,
      principal: 'alice',
      utcOffset: 1,
      hours: [8, 19],
      weekdaysOnly: true,
      requestsPerDay: 25,
      paths: ['/api/me', '/api/projects', '/api/projects/1', '/api/projects/4', '/api/users', '/api/admin/settings'],
    },
    {
      persona: BOB,
      credentialId: bobKey.id,
      principal: 'bob',
      utcOffset: 0,
      hours: [9, 18],
      weekdaysOnly: true,
      requestsPerDay: 15,
      paths: ['/api/me', '/api/projects', '/api/projects/2'],
    },
    {
      persona: CI,
      credentialId: ciKey.id,
      principal: 'ci-deploy',
      utcOffset: 0,
      hours: [0, 24],
      weekdaysOnly: false,
      requestsPerDay: 60,
      paths: ['/api/projects', '/api/health'],
    },
  ];
  const past: AccessEvent[] = habits.flatMap((h) => history(h, 21, now, rnd)).sort((a, b) => a.time.localeCompare(b.time));
  await world.repos.accessEvents.insertMany(past);
  for (const e of past) await world.bus.publish('access', e);
  narrate('info', `${past.length} past requests learned`);

  // Alerts flow in on the bus; automatic response acts on them as they come.
  const alerts: Alert[] = [];
  const outcomes: ActionOutcome[] = [];
  let incident: Incident | undefined;
  const auto = new AutoResponder({
    incidents: world.incidents,
    responder: world.responder,
    kindOf: () => 'api_key',
    sweepDelaysMs: SWEEPS_MS,
    onOutcome: (_i, o) => {
      outcomes.push(o);
      narrate('action', `${o.status.padEnd(7)} ${o.action.kind} ${o.action.target}: ${o.detail}`);
    },
    onError: (e) => narrate('info', `response sweep failed: ${e instanceof Error ? e.message : String(e)}`),
    onContained: (i) => narrate('incident', `incident ${i.id} contained (stage ${i.stage}, risk ${i.risk_score})`),
  });
  await world.bus.subscribe('alert', 'demo-response', async (alert) => {
    alerts.push(alert);
    // Low alerts are kept for the record and the risk score; the terminal shows what matters.
    if (alert.severity !== 'low')
      narrate(
        'alert',
        `[${alert.severity}] ${alert.rule} on ${alert.credential} (${alert.stage}, score ${Math.round(alert.score)}): ${alert.summary}`,
      );
    const handled = await auto.handle(alert);
    // Benign users may raise alerts of their own (their own incidents); the story follows the
    // stolen key's incident, whatever order the alerts are handled in.
    if (handled.credential_id === aliceKey.id) incident = handled;
  });

  narrate('step', 'Live traffic: alice, bob and the CI job at work');
  for (const [persona, key, path] of [
    [ALICE, aliceKey.key, '/api/projects'],
    [BOB, bobKey.key, '/api/me'],
    [CI, ciKey.key, '/api/health'],
    [ALICE, aliceKey.key, '/api/projects/4'],
    [CI, ciKey.key, '/api/projects'],
  ] as const) {
    const r = await call(world.gatewayUrl, persona, key, 'GET', path);
    narrate('info', `${persona.name.padEnd(9)} GET ${path} -> ${r.status}`);
  }

  narrate('step', "alice commits her key to a repository by mistake; TokenWarden's scanner finds it, but the attacker got there first");
  const leakDir = join(world.database.location, '..', 'leaked-repo');
  mkdirSync(leakDir, { recursive: true });
  const leaked = `# deploy settings\nAPI_URL=https://api.example.com\nAPI_KEY=${aliceKey.key}\n`;
  writeFileSync(join(leakDir, 'deploy.env'), leaked);
  for (const f of scanString(leaked, 'leaked-repo/deploy.env'))
    narrate('info', `scan: ${f.file}:${f.line} ${f.rule} ${redactSecret(f.secret)} (${f.severity})`);

  narrate(
    'step',
    `The attacker replays alice's key from ${ATTACKER.ip} (a hosting provider) with a script: check it, probe, collect, persist, hide`,
  );
  const attackerCalls: CallResult[] = [];
  const attack = async (method: string, path: string, body?: unknown, key = aliceKey.key) => {
    const r = await call(world.gatewayUrl, ATTACKER, key, method, path, body);
    if (key === aliceKey.key) attackerCalls.push(r);
    narrate('info', `attacker  ${method} ${path} -> ${r.status}`);
    return r;
  };
  // Attack tooling pipelines its requests (a few milliseconds apart, without waiting for answers),
  // so the whole chain lands before any detection could react: response has to clean up after it.
  const burst: [string, string, unknown?][] = [
    ['GET', '/api/me'],
    ['GET', '/api/admin/export'],
    ['GET', '/api/internal/config'],
    ['GET', '/api/admin/settings'],
    ['GET', '/api/users'],
    ['GET', '/api/billing/invoices'],
    ['POST', '/api/admin/keys', { subject: 'alice', scopes: ['read', 'admin'] }],
    // The demo attacker's made-up password (tokenwarden:allow)
    ['POST', '/api/admin/users', { login: 'svc-backup', password: 'Backdoor-Passw0rd!' }],
    ['PUT', '/api/admin/alerts', { enabled: false }],
  ];
  const results: Promise<CallResult>[] = [];
  for (const [method, path, body] of burst) {
    results.push(attack(method, path, body));
    await sleep(2 * pace);
  }
  const answers = await Promise.all(results);
  const minted = answers[6] as CallResult;
  const createdKey = minted.status === 201 ? (minted.body as { id: string; key: string }) : undefined;
  const user = answers[7] as CallResult;
  const createdUser = user.status === 201 ? (user.body as { id: string }) : undefined;
  if ((answers[8] as CallResult).status === 200) narrate('info', 'the attacker switched alerting off');
  if (createdKey) {
    narrate('info', `the attacker now holds a key of its own (${createdKey.id}) and an account (${createdUser?.id ?? 'none'})`);
    await attack('GET', '/api/me', undefined, createdKey.key);
  }

  // Detection and response run on the bus; give them a moment to finish, including the sweep
  // that catches what requests already in flight at revocation time created.
  for (let i = 0; i < 50 && incident?.status !== 'contained'; i++) await sleep(100);
  await sleep(Math.max(...SWEEPS_MS) + 500);
  await auto.close();
  if (incident) incident = await world.incidents.require(incident.id);

  narrate('step', 'After containment');
  const stolen = await call(world.gatewayUrl, ATTACKER, aliceKey.key, 'GET', '/api/me');
  attackerCalls.push(stolen);
  narrate('info', `attacker  GET /api/me with the stolen key -> ${stolen.status}`);
  let createdKeyStatus: number | undefined;
  if (createdKey) {
    const r = await call(world.gatewayUrl, ATTACKER, createdKey.key, 'GET', '/api/me');
    createdKeyStatus = r.status;
    narrate('info', `attacker  GET /api/me with the key it minted -> ${r.status}`);
  }
  let aliceReauthStatus = 0;
  try {
    const tokens = await loginWithCodeFlow({
      issuer: world.issuer,
      clientId: dashboard.client_id,
      clientSecret: dashboard.client_secret ?? '',
      redirectUri: 'http://127.0.0.1:9/callback',
      login: 'alice',
      password: ALICE_PASSWORD,
      scope: 'openid read admin',
      resource: audience,
    });
    const r = await call(world.gatewayUrl, ALICE, tokens.access_token, 'GET', '/api/me');
    aliceReauthStatus = r.status;
    narrate('info', `alice signs in again (code flow + PKCE) and calls GET /api/me -> ${r.status}`);
  } catch (e) {
    narrate('info', `alice could not sign in again: ${(e as Error).message}`);
  }
  const alertsEnabled = await world.settings.get('alerts.enabled', undefined);
  narrate('info', `alerts.enabled is ${String(alertsEnabled)}`);

  // Give the gateway's event buffer time to flush the last requests to the store.
  await sleep(300);
  // The same report as `tokenwarden report`, with what the key created and the state it is in now.
  const report = await buildCredentialReport(world.database, world.service.admin, aliceKey.id, { allTime: false, intel: world.intel });
  const dir = join(world.database.location, '..');
  const reportFiles = { html: join(dir, 'report.html'), markdown: join(dir, 'report.md'), json: join(dir, 'report.json') };
  writeFileSync(reportFiles.html, renderHtml(report));
  writeFileSync(reportFiles.markdown, renderMarkdown(report));
  writeFileSync(reportFiles.json, `${JSON.stringify(report, null, 2)}\n`);
  narrate(
    'step',
    `Forensic report: ${report.totals.requests} requests since ${report.first_suspicious_at ?? 'the start'} (${report.totals.reads} reads, ${report.totals.changes} changes) -> ${reportFiles.html}`,
  );

  // Checked against the report by the end-to-end test, so read from the store on its own.
  const events = await world.repos.accessEvents.query({ credential_id: aliceKey.id, limit: 100_000 });
  const attackerEventIds = events.filter((e) => e.source_ip === ATTACKER.ip).map((e) => e.id);
  return {
    stolenKeyId: aliceKey.id,
    attackerIp: ATTACKER.ip,
    attackerCalls,
    ...(createdKey ? { createdKeyId: createdKey.id } : {}),
    ...(createdUser ? { createdUserId: createdUser.id } : {}),
    alerts,
    ...(incident ? { incident } : {}),
    outcomes,
    after: {
      stolenKeyStatus: stolen.status,
      ...(createdKeyStatus === undefined ? {} : { createdKeyStatus }),
      aliceReauthStatus,
      alertsEnabled,
    },
    reportFiles,
    reportRequestIds: report.requests.map((r) => r.id),
    attackerEventIds,
  };
}
