import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AccessEvent } from '@tokenwarden/core';
import { ActionLog, AutoResponder, containIncident, IncidentManager, Responder } from '@tokenwarden/response';
import { alert, ev, memoryStores, recordingGateway, recordingTokens, responseDatabase } from '../fakes.js';

const CLIENT = 'cl_01M8VRHSBWH0HZ7QK0XGSN7Q91';
const JTI = 'dyQfDrX2EYFSw4g1szktsbtr0Z2c0yKnKO9xphIDqvn';

// Sources that appeared with the attack: one public address (blocked) and addresses that must never
// be blocked (loopback, unspecified) or not automatically (internal: most often the proxy in front).
const SOURCES = ['127.0.0.1', '::1', '::ffff:127.0.0.1', '0.0.0.0', '10.0.0.7', '192.168.1.20', '169.254.1.1', 'fd00::5', '203.0.113.9'];

describe('containment never blocks loopback or unspecified sources, nor internal ones by itself, and skips signing out a client', () => {
  const database = responseDatabase('tw-response-unsafe-');

  async function setup(credential: string, subject: string) {
    const events: AccessEvent[] = [
      ev({ id: 'e0', time: '2026-11-01T09:00:00.000Z', credential_id: credential, source_ip: '198.51.100.7', principal: subject }),
      ...SOURCES.map((ip, i) =>
        ev({ id: `e${i + 1}`, time: `2026-11-02T03:00:0${i}.000Z`, credential_id: credential, source_ip: ip, principal: subject }),
      ),
    ];
    const stores = memoryStores(events);
    const incidents = new IncidentManager(stores);
    const incident = await incidents.ingest(
      alert({ id: `a-${credential}`, time: '2026-11-02T03:00:00.000Z', credential, severity: 'critical', score: 95 }),
    );
    const tokens = recordingTokens(undefined, subject);
    const gateway = recordingGateway();
    const responder = new Responder({ tokens: tokens.admin, gateway, stores, actions: new ActionLog(database()) });
    return { stores, incidents, incident, tokens, gateway, responder };
  }

  it('plans the blocks but marks loopback, unspecified and internal sources skipped with a reason; a dry run says so', async () => {
    const { incidents, incident, gateway, responder } = await setup('key_loop', 'alice');
    const plan = await responder.plan(incident);
    const blocks = plan.actions.filter((a) => a.kind === 'block_ip');
    assert.deepEqual(blocks.map((a) => a.target).sort(), [...SOURCES].sort());
    for (const a of blocks) {
      if (a.target === '203.0.113.9') assert.equal(a.skip, undefined);
      else assert.ok(a.skip, `${a.target} must be skipped`);
    }
    assert.match(blocks.find((a) => a.target === '127.0.0.1')?.skip ?? '', /loopback/);
    assert.match(blocks.find((a) => a.target === '0.0.0.0')?.skip ?? '', /unspecified/);
    assert.match(blocks.find((a) => a.target === '10.0.0.7')?.skip ?? '', /internal address.*proxy/);

    const dry = await containIncident(incidents, responder, incident.id, { actor: 'alice', reason: 'check', dryRun: true });
    const loop = dry.outcomes.find((o) => o.action.kind === 'block_ip' && o.action.target === '127.0.0.1');
    assert.equal(loop?.status, 'skipped');
    assert.match(loop?.detail ?? '', /^not done: loopback address/);
    assert.equal(dry.outcomes.find((o) => o.action.target === '203.0.113.9')?.status, 'dry_run');
    assert.equal(gateway.orders.length, 0);
  });

  it('executes only the public block, by hand', async () => {
    const { incidents, incident, gateway, responder } = await setup('key_loop_hand', 'alice');
    const r = await containIncident(incidents, responder, incident.id, { actor: 'alice', reason: 'INC-1', dryRun: false });
    const ipOrders = gateway.orders.filter((o) => o.target.kind === 'ip').map((o) => (o.target as { value: string }).value);
    assert.deepEqual(ipOrders, ['203.0.113.9']);
    assert.ok(!r.outcomes.some((o) => o.status === 'failed'), JSON.stringify(r.outcomes));
  });

  it('executes only the public block under the default automatic policy, and reports no skipped action', async () => {
    const { incidents, gateway, responder } = await setup('key_loop_auto', 'alice');
    const seen: string[] = [];
    const auto = new AutoResponder({
      incidents,
      responder,
      sweepDelaysMs: [],
      onOutcome: (_i, o) => seen.push(`${o.status} ${o.action.kind}`),
    });
    await auto.handle(
      alert({ id: 'a-auto-2', time: '2026-11-02T03:00:05.000Z', credential: 'key_loop_auto', severity: 'critical', score: 95 }),
    );
    await auto.close();
    const ipOrders = gateway.orders.filter((o) => o.target.kind === 'ip').map((o) => (o.target as { value: string }).value);
    assert.deepEqual(ipOrders, ['203.0.113.9']);
    assert.ok(!seen.some((s) => s.startsWith('skipped')), seen.join(', '));
  });

  it('refuses a loopback or unspecified block even when asked directly, and an unparsable one fails', async () => {
    const { gateway, responder } = await setup('key_direct', 'alice');
    for (const target of ['127.0.0.1', '127.9.9.9/16', '0.0.0.0/0', '::/0', '::1', '0.0.0.0']) {
      const o = await responder.act({ kind: 'block_ip', target, why: 'by hand' }, { actor: 'bob', reason: 'test' });
      assert.equal(o.status, 'skipped', target);
    }
    const bad = await responder.act({ kind: 'block_ip', target: '999.1.1.1', why: 'by hand' }, { actor: 'bob', reason: 'test' });
    assert.equal(bad.status, 'failed');
    const internal = await responder.act({ kind: 'block_ip', target: '10.0.0.7', why: 'by hand' }, { actor: 'bob', reason: 'test' });
    assert.equal(internal.status, 'done', 'an explicit block of an internal address is allowed');
    assert.deepEqual(
      gateway.orders.map((o) => (o.target as { value: string }).value),
      ['10.0.0.7'],
    );
  });

  it('skips signing out an OAuth client (client_credentials token named by jti) instead of failing', async () => {
    const { incidents, incident, tokens, responder } = await setup(JTI, CLIENT);
    const plan = await responder.plan(incident);
    const signout = plan.actions.find((a) => a.kind === 'signout');
    assert.equal(signout?.target, CLIENT);
    assert.match(signout?.skip ?? '', /OAuth client.*no user session/);
    const r = await containIncident(incidents, responder, incident.id, { actor: 'alice', reason: 'INC-2', dryRun: false });
    assert.equal(r.outcomes.find((o) => o.action.kind === 'signout')?.status, 'skipped');
    assert.equal(r.outcomes.find((o) => o.action.kind === 'revoke' && o.action.target === JTI)?.status, 'done');
    assert.ok(!tokens.calls.includes(`signout ${CLIENT}`));
    const direct = await responder.act({ kind: 'signout', target: CLIENT, why: 'api' }, { actor: 'bob', reason: 'api' });
    assert.equal(direct.status, 'skipped');
  });
});
