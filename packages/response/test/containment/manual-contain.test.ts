import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ActionLog, containIncident, IncidentManager, Responder } from '@tokenwarden/response';
import { alert, ev, memoryStores, recordingGateway, recordingTokens, responseDatabase } from '../fakes.js';

// Containment by hand (CLI and API) leaves the same trace on the incident as automatic containment.
describe('containing an incident by hand', () => {
  const database = responseDatabase('tw-contain-');

  async function setup() {
    const stores = memoryStores([
      ev({ id: 'm1', time: '2026-11-02T03:00:10.000Z', credential_id: 'key_m', source_ip: '203.0.113.50', method: 'GET', path: '/me' }),
    ]);
    const incidents = new IncidentManager(stores);
    const incident = await incidents.ingest(alert({ id: 'a_m', time: '2026-11-02T03:00:00.000Z', credential: 'key_m', severity: 'high' }));
    const responder = new Responder({
      tokens: recordingTokens().admin,
      gateway: recordingGateway(),
      stores,
      actions: new ActionLog(database()),
    });
    return { incidents, incident, responder };
  }

  it('writes each action taken in the timeline, with who took it', async () => {
    const { incidents, incident, responder } = await setup();
    const r = await containIncident(incidents, responder, incident.id, { actor: 'oncall', reason: 'confirmed', dryRun: false });
    assert.equal(r.incident.status, 'contained');
    const actions = r.incident.timeline.filter((t) => t.kind === 'action').map((t) => `${t.summary} (${t.actor})`);
    assert.deepEqual(actions, [
      'block_credential key_m (oncall)',
      'revoke key_m (oncall)',
      'signout alice (oncall)',
      'block_ip 203.0.113.50 (oncall)',
    ]);
  });

  it('a resolved incident contained again is contained, and says so', async () => {
    const { incidents, incident, responder } = await setup();
    await incidents.setStatus(incident.id, 'resolved', 'oncall', 'looked fine');
    const r = await containIncident(incidents, responder, incident.id, { actor: 'oncall', reason: 'it was not', dryRun: false });
    assert.equal(r.incident.status, 'contained');
    assert.ok(r.incident.timeline.some((t) => t.kind === 'status' && t.summary === 'resolved → contained: it was not'));
  });

  it('a dry run writes nothing on the incident', async () => {
    const { incidents, incident, responder } = await setup();
    const r = await containIncident(incidents, responder, incident.id, { actor: 'oncall', reason: 'just looking', dryRun: true });
    assert.equal(r.incident.status, 'open');
    assert.equal((await incidents.require(incident.id)).timeline.filter((t) => t.kind === 'action').length, 0);
  });
});
