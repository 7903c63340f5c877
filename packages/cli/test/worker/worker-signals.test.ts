import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { resolveResponseSignals, validateConfig } from '@tokenwarden/config';
import { createIpIntel } from '@tokenwarden/detection';
import {
  autoPolicyFrom,
  guardPolicyFrom,
  SET_EVENT_TYPES,
  type SignalDispatcher,
  signalDispatcherFrom,
  ssfSigningKey,
  verifyWebhookSignature,
} from '@tokenwarden/response';
import { createRepositories, type Database, openDatabase, type Repositories } from '@tokenwarden/store';
import { openTokenService, type TokenService } from '@tokenwarden/token-service';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { TokenWardenConfig } from '../../src/config-schema.js';
import { allMigrations } from '../../src/migrations.js';
import { type RunningWorker, startWorker } from '../../src/worker/start-worker.js';
import { aliceBaseline, attackerBurst, BUS, until } from './attack-fixture.js';

const HOOK_SECRET = 'worker-hook-secret-0123456789';
type Received = { path: string; headers: IncomingHttpHeaders; body: string };

// The worker as configured by tokenwarden.yaml: the attack's alerts, containment actions and the
// contained incident go out as signed webhooks, and the revocation and sign-out as signed SETs,
// to a real local HTTP receiver; a receiver that is down does not hold detection up.
describe('tokenwarden worker sends webhooks and Shared Signals per the response config', () => {
  let dir: string;
  let database: Database;
  let repos: Repositories;
  let service: TokenService;
  let worker: RunningWorker | undefined;
  let signals: SignalDispatcher;
  const received: Received[] = [];
  let server: ReturnType<typeof createServer>;
  let base: string;

  before(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => {
        body += c.toString();
      });
      req.on('end', () => {
        received.push({ path: req.url ?? '', headers: req.headers, body });
        res.writeHead(req.url === '/down' ? 503 : 202).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    dir = mkdtempSync(join(tmpdir(), 'tw-worker-signals-'));
    database = await openDatabase({ store: { driver: 'sqlite' }, dataDir: dir, migrations: allMigrations });
    repos = createRepositories(database);
    service = await openTokenService({ dataDir: dir, database, issuer: 'http://127.0.0.1:9', audience: 'https://api.test' });
    await service.admin.createUser({ login: 'alice', password: 'correct horse battery staple' });
  });
  after(async () => {
    await worker?.stop().catch(() => {});
    await signals?.close(1000);
    await service?.close().catch(() => {});
    await database?.close().catch(() => {});
    server.closeAllConnections();
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('delivers signed alerts, actions and the incident, and CAEP/RISC SETs, without blocking detection', async () => {
    const cfg = validateConfig(TokenWardenConfig, {
      data: dir,
      response: {
        webhooks: [
          { url: `${base}/hook`, secret_env: 'TW_TEST_WORKER_HOOK', min_severity: 'high' },
          { url: `${base}/down`, secret: HOOK_SECRET, min_severity: 'low' },
        ],
        ssf: { issuer: 'https://tw.test', receivers: [{ url: `${base}/ssf`, authorization: 'Bearer receiver-token-1' }] },
        auto: { max_actions_per_minute: 50, allowlist: { principals: ['break-glass'] } },
      },
    });
    const built = await signalDispatcherFrom(resolveResponseSignals(cfg.response, { TW_TEST_WORKER_HOOK: HOOK_SECRET }), {
      dataDir: cfg.data,
      retries: 1,
    });
    signals = built.dispatcher;
    const key = await service.admin.createApiKey({ subject: 'alice', scopes: ['read', 'admin'] });
    const baseline = aliceBaseline(key.id);
    worker = await startWorker({
      database,
      bus: BUS,
      snapshotEveryMs: 0,
      intel: createIpIntel(),
      tail: { pollMs: 25, latenessMs: 2000 },
      signals,
      response: {
        admin: service.admin,
        gateway: { send: (order) => repos.controlOrders.append(order).then(() => {}) },
        policy: autoPolicyFrom(cfg.response.auto),
        guard: guardPolicyFrom(cfg.response.auto),
        sweepDelaysMs: [],
      },
    });
    await repos.accessEvents.insertMany(baseline);
    await repos.accessEvents.insertMany(attackerBurst(key.id, Date.now() - 2000));
    const running = worker;
    await until('the burst to be processed', () => running.stats().events >= baseline.length + 9, 60_000);
    await running.idle(30_000);
    assert.equal(await signals.flush(20_000), true);

    const hook = received.filter((r) => r.path === '/hook').map((r) => ({ ...r, json: JSON.parse(r.body) }));
    for (const r of hook) assert.ok(verifyWebhookSignature(HOOK_SECRET, r.headers['x-tokenwarden-signature'] as string, r.body), r.body);
    const alerts = hook.filter((r) => r.json.type === 'alert');
    assert.ok(alerts.length > 0, 'high and critical alerts reach the webhook');
    assert.ok(
      alerts.every((r) => ['high', 'critical'].includes(r.json.severity)),
      'nothing below min_severity',
    );
    const actions = hook.filter((r) => r.json.type === 'action').map((r) => `${r.json.data.kind}:${r.json.data.status}`);
    assert.ok(actions.includes('revoke:done'), actions.join(', '));
    assert.ok(actions.includes('signout:done'), actions.join(', '));
    assert.ok(
      hook.some((r) => r.json.type === 'incident' && r.json.data.status === 'contained'),
      'the contained incident is announced',
    );

    const { publicJwk } = await ssfSigningKey(dir, 'https://tw.test');
    const jwks = createLocalJWKSet({ keys: [publicJwk] });
    const sets = received.filter((r) => r.path === '/ssf');
    assert.ok(sets.every((r) => r.headers.authorization === 'Bearer receiver-token-1'));
    const events = new Map<string, Record<string, unknown>>();
    for (const r of sets) {
      const { payload } = await jwtVerify(r.body, jwks, { issuer: 'https://tw.test', audience: base, typ: 'secevent+jwt' });
      for (const [uri, body] of Object.entries(payload.events as Record<string, Record<string, unknown>>)) events.set(uri, body);
    }
    assert.deepEqual(events.get(SET_EVENT_TYPES.credentialCompromise)?.subject, { format: 'opaque', id: key.id });
    assert.deepEqual(events.get(SET_EVENT_TYPES.sessionRevoked)?.subject, { format: 'opaque', id: 'alice' });

    const down = received.filter((r) => r.path === '/down');
    assert.ok(down.length >= 2, 'the failing hook was retried');
    assert.ok(signals.stats().failed > 0, 'and its failures counted');
    assert.equal((await service.view.findKey(key.key))?.status, 'revoked', 'containment went ahead regardless');
  });
});
