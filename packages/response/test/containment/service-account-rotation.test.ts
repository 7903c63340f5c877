import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type ActionKind,
  ActionLog,
  actionsFor,
  DEFAULT_AUTO_POLICY,
  IncidentManager,
  Responder,
  ResponderGuard,
} from '@tokenwarden/response';
import { alert, ev, memoryStores, recordingGateway, recordingTokens, responseDatabase } from '../fakes.js';

describe('containing a service-account token', () => {
  const database = responseDatabase('tw-sa-');

  async function setup(credential: string, kind: 'service_account_token' | 'api_key', subject: string) {
    const stores = memoryStores([
      ev({
        id: `${credential}-1`,
        time: '2026-11-02T03:00:10.000Z',
        credential_id: credential,
        credential_kind: kind,
        source_ip: '203.0.113.9',
      }),
    ]);
    const incident = await new IncidentManager(stores).ingest(
      alert({ id: `a_${credential}`, time: '2026-11-02T03:00:00.000Z', credential, severity: 'critical', score: 95, stage: 'persistence' }),
    );
    const tokens = recordingTokens(undefined, subject);
    // buildbot is a service account and erin only a key's subject: neither signs in.
    tokens.admin.signsIn = async (s) => s === 'alice';
    const responder = new Responder({
      tokens: tokens.admin,
      gateway: recordingGateway(),
      stores,
      actions: new ActionLog(database()),
      guard: new ResponderGuard({ maxAutoActionsPerMinute: 100, allowlist: { credentials: [], principals: [] } }),
    });
    return { incident, tokens, responder };
  }

  it('mints the successor first, then blocks and revokes the stolen token; no sign-out of the account planned to fail', async () => {
    const { incident, tokens, responder } = await setup('sat_build', 'service_account_token', 'buildbot');
    const plan = await responder.plan(incident);
    assert.deepEqual(
      plan.actions.filter((a) => !a.skip).map((a) => `${a.kind} ${a.target}`),
      ['rotate_service_account sat_build', 'block_credential sat_build', 'revoke sat_build', 'block_ip 203.0.113.9'],
    );
    const signout = plan.actions.find((a) => a.kind === 'signout');
    assert.match(signout?.skip ?? '', /buildbot is not a user who signs in/);

    const policy = {
      ...DEFAULT_AUTO_POLICY,
      rules: [
        {
          min_severity: 'high' as const,
          credential_kinds: ['service_account_token' as const],
          actions: ['block_credential' as const, 'rotate_service_account' as const],
        },
      ],
    };
    const allowed: readonly ActionKind[] = actionsFor(policy, incident, 'service_account_token');
    const out = await responder.execute(
      { ...plan, actions: plan.actions.filter((a) => allowed.includes(a.kind)) },
      { actor: 'policy:auto', reason: 'high', automatic: true },
    );
    assert.deepEqual(
      out.map((o) => `${o.action.kind} ${o.status}`),
      ['rotate_service_account done', 'block_credential done'],
    );
    assert.equal(out[0]?.result?.new_credential_id, 'sat_build-2');
    assert.deepEqual(tokens.calls, ['rotate sat_build']);
  });

  it('the default policy rotates a service-account token on critical', () => {
    assert.ok(
      actionsFor(DEFAULT_AUTO_POLICY, { severity: 'critical' } as never, 'service_account_token').includes('rotate_service_account'),
    );
  });

  it("an API key's subject that is no user is not signed out (it would fail on every alert); a user's is", async () => {
    const erin = await setup('key_erin', 'api_key', 'erin');
    const plan = await erin.responder.plan(erin.incident);
    assert.ok(!plan.actions.some((a) => a.kind === 'rotate_service_account'), 'an API key is not rotated');
    const out = await erin.responder.execute(plan, { actor: 'policy:auto', reason: 'critical', automatic: true });
    assert.equal(out.find((o) => o.action.kind === 'signout')?.status, 'skipped');
    assert.ok(!erin.tokens.calls.includes('signout erin'));

    const alice = await setup('key_alice', 'api_key', 'alice');
    const alicePlan = await alice.responder.plan(alice.incident);
    assert.equal(alicePlan.actions.find((a) => a.kind === 'signout')?.skip, undefined);
  });

  it('a held action is recorded and audited once, not again on every alert and sweep', async () => {
    const stores = memoryStores([]);
    const incident = await new IncidentManager(stores).ingest(
      alert({ id: 'a_held', time: '2026-11-02T03:00:00.000Z', credential: 'key_held', severity: 'critical' }),
    );
    const actions = new ActionLog(database());
    const responder = new Responder({
      tokens: recordingTokens().admin,
      gateway: recordingGateway(),
      stores,
      actions,
      guard: new ResponderGuard({ maxAutoActionsPerMinute: 100, allowlist: { credentials: ['key_held'], principals: [] } }),
    });
    const plan = await responder.plan(incident);
    for (let i = 0; i < 3; i++) await responder.execute(plan, { actor: 'policy:auto', reason: 'critical', automatic: true });
    const held = (await actions.forIncident(incident.id)).filter((r) => r.status === 'held');
    assert.equal(held.length, plan.actions.length);
    assert.equal(stores.auditRows.filter((r) => r.action.startsWith('response.')).length, plan.actions.length);
  });
});
