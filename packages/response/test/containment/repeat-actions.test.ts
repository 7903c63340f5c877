import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ActionLog, Responder } from '@tokenwarden/response';
import { memoryStores, recordingGateway, recordingTokens, responseDatabase } from '../fakes.js';

// A manual action is idempotent for a repeat of the same request, not for ever: a user who signed
// in again must be signed out by the next request, and an expired block must block again.
describe('repeating an action by hand', () => {
  const database = responseDatabase('tw-repeat-');

  function setup() {
    const tokens = recordingTokens();
    const gateway = recordingGateway();
    const actions = new ActionLog(database());
    const responder = new Responder({ tokens: tokens.admin, gateway, stores: memoryStores(), actions, blockTtlMs: 3_600_000 });
    return { tokens, gateway, actions, responder };
  }

  // Backdates every done record of `key`, as if it had been done `ms` ago.
  async function age(key: string, ms: number): Promise<void> {
    await database()
      .db.updateTable('response_actions' as never)
      .set({ created_at: new Date(Date.now() - ms).toISOString() } as never)
      .where('idem_key' as never, '=', key as never)
      .execute();
  }

  it('a second sign-out after the user signed in again signs them out again; a retry at once is already done', async () => {
    const { tokens, responder } = setup();
    const signout = { kind: 'signout' as const, target: 'carol', why: 'x' };
    assert.equal((await responder.act(signout, { actor: 'oncall', reason: 'first' })).status, 'done');
    assert.equal((await responder.act(signout, { actor: 'oncall', reason: 'retry' })).status, 'already_done');
    await age('manual:signout:carol', 5 * 60_000);
    assert.equal((await responder.act(signout, { actor: 'oncall', reason: 'second compromise' })).status, 'done');
    assert.deepEqual(tokens.calls, ['signout carol', 'signout carol']);
  });

  it("an incident's own sign-out stays done: its sweeps never sign the re-authenticated owner out again", async () => {
    const { tokens, responder } = setup();
    const signout = { kind: 'signout' as const, target: 'dave', why: 'x' };
    const opts = { actor: 'policy:auto', reason: 'critical', incidentId: 'inc_1' };
    assert.equal((await responder.act(signout, opts)).status, 'done');
    await age('inc_1:signout:dave', 60 * 60_000);
    assert.equal((await responder.act(signout, opts)).status, 'already_done');
    assert.deepEqual(tokens.calls, ['signout dave']);
  });

  it('blocks an address again once its block has expired', async () => {
    const { gateway, responder } = setup();
    const block = { kind: 'block_ip' as const, target: '203.0.113.77', why: 'x' };
    assert.equal((await responder.act(block, { actor: 'oncall', reason: 'abuse' })).status, 'done');
    assert.equal((await responder.act(block, { actor: 'oncall', reason: 'abuse' })).status, 'already_done');
    await age('manual:block_ip:203.0.113.77', 2 * 3_600_000);
    assert.equal((await responder.act(block, { actor: 'oncall', reason: 'back again' })).status, 'done');
    assert.equal(gateway.orders.length, 2);
  });

  it('a suspension is undone by a reinstatement, and can be done again after it', async () => {
    const { tokens, responder } = setup();
    const ctx = { actor: 'oncall', reason: 'minted by the thief' };
    const suspend = { kind: 'suspend' as const, target: 'key_minted', why: 'x', entity: 'credential' as const };
    const reinstate = { kind: 'reinstate' as const, target: 'key_minted', why: 'x' };
    assert.equal((await responder.act(reinstate, { ...ctx, dryRun: true })).status, 'dry_run');
    assert.equal((await responder.act(suspend, ctx)).status, 'done');
    assert.equal((await responder.act(suspend, ctx)).status, 'already_done');
    assert.equal((await responder.act(reinstate, ctx)).status, 'done');
    assert.equal((await responder.act(reinstate, ctx)).status, 'already_done');
    assert.equal((await responder.act(suspend, ctx)).status, 'done', 'suspended again after the reinstatement');
    assert.deepEqual(tokens.calls, ['suspend key_minted', 'reinstate key_minted', 'suspend key_minted']);
  });
});
