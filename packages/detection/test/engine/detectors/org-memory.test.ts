import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gunzipSync, gzipSync } from 'fflate';
import { createDetectionEngine, type DetectionEngine } from '../../../src/engine/index.js';
import type { EnrichedEvent } from '../../../src/enriched-event.js';
import { AFTER, DAY, ev, HOUR, MIN, run, T0 } from '../helpers/events.js';

const OWN = '418295730164';
const BACKUP = '418295730999';

/** A deploy role's daily run, in a new session each day: it lists the vault and reads the same fifteen secrets. */
function deployRun(day: number): EnrichedEvent[] {
  const ops = ['secretsmanager:ListSecrets', ...Array.from({ length: 15 }, () => 'secretsmanager:GetSecretValue')];
  return ops.map((op, i) => {
    const e = ev({
      cred: `ASIADEPLOY${day}`,
      principal: `arn:aws:sts::${OWN}:assumed-role/deploy/botocore-session-${day}`,
      place: 'awsVirginia',
      client: 'boto3',
      at: T0 + day * DAY + 9 * HOUR + i * 2_000,
      op,
      ...(i > 0 ? { resource: `secretId=prod-db-${i - 1}` } : {}),
    });
    e.attributes = { aws_region: 'us-east-1', account_id: OWN };
    return e;
  });
}

function harvests(engine: DetectionEngine, events: EnrichedEvent[]) {
  return run(engine, events).filter((a) => a.evidence.kind === 'secret_harvest');
}

/** A cold key from a VPS sharing a machine image with `account` after a whoami. */
function share(account: string): EnrichedEvent[] {
  return [
    { op: 'sts:GetCallerIdentity' },
    { op: 'ec2:ModifyImageAttribute', params: { imageId: 'ami-1', launchPermission: { add: { items: [{ userId: account }] } } } },
  ].map((s, i) => {
    const e = ev({ cred: 'AKIALEAKED', principal: 'ci-legacy', place: 'frankfurtVps', client: 'boto3', at: AFTER + i * MIN, op: s.op });
    e.attributes = { account_id: OWN, ...(s.params ? { requestParameters: s.params } : {}) };
    return e;
  });
}

/** The snapshot with its JSON header's `memories` replaced (the header is the fifth field, after four u32s). */
function withMemories(bytes: Uint8Array, memories: unknown): Uint8Array {
  const raw = gunzipSync(bytes);
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const length = view.getUint32(12, true);
  const header = JSON.parse(new TextDecoder().decode(raw.subarray(16, 16 + length))) as Record<string, unknown>;
  header.memories = memories;
  const headerBytes = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(raw.length - length + headerBytes.length);
  out.set(raw.subarray(0, 12));
  new DataView(out.buffer).setUint32(12, headerBytes.length, true);
  out.set(headerBytes, 16);
  out.set(raw.subarray(16 + length), 16 + headerBytes.length);
  return gzipSync(out);
}

describe("detectors' long-lived memories in the snapshot", () => {
  it('a deploy role’s usual secrets are no harvest after a restart', () => {
    const engine = createDetectionEngine();
    const before: ReturnType<typeof harvests> = [];
    for (let d = 0; d < 3; d++) before.push(...harvests(engine, deployRun(d)));
    // Its first run, with nothing learned, is worth a look; the next ones are its habit.
    assert.equal(before.length, 1);
    const restored = createDetectionEngine();
    restored.restore(engine.snapshot());
    for (let d = 3; d < 6; d++) assert.deepEqual(harvests(restored, deployRun(d)), [], `day ${d}`);
    // Without the memory the restored engine would take the habit for a first harvest again.
    const forgetful = createDetectionEngine();
    forgetful.restore(withMemories(engine.snapshot(), {}));
    assert.equal(harvests(forgetful, deployRun(3)).length, 1);
  });

  it('an account the logs showed before a restart is no outsider after it', () => {
    const engine = createDetectionEngine();
    const backupAdmin = ev({
      cred: 'AKIAOTHER',
      principal: 'backup-admin',
      place: 'frankfurtVps',
      client: 'boto3',
      at: AFTER - HOUR,
      op: 's3:ListBuckets',
    });
    backupAdmin.attributes = { account_id: BACKUP };
    run(engine, [backupAdmin]);
    const restored = createDetectionEngine();
    restored.restore(engine.snapshot());
    assert.equal(run(restored, share(BACKUP)).filter((a) => a.evidence.kind === 'outside_grant').length, 0);
    const forgetful = createDetectionEngine();
    forgetful.restore(withMemories(engine.snapshot(), {}));
    assert.equal(run(forgetful, share(BACKUP)).filter((a) => a.evidence.kind === 'outside_grant').length, 1);
  });

  it('an OAuth app’s backend, learned from the people it serves, is no new place or client after a restart', () => {
    const PEOPLE = ['ann', 'ben', 'cai', 'dee'];
    // Each person at their desk for two weeks, in the browser.
    const desk = (engine: DetectionEngine) =>
      run(
        engine,
        PEOPLE.flatMap((p) =>
          Array.from({ length: 60 }, (_, i) =>
            ev({
              cred: `session-${p}-${i}`,
              principal: p,
              place: 'newYork',
              client: 'chromeMac',
              at: T0 + i * 5 * HOUR,
              op: 'okta:user.session.start',
              source: 'okta',
            }),
          ),
        ),
      );
    // The expense app's server refreshing a person's token: from AWS, with an HTTP library.
    const grant = (person: string, at: number) => {
      const e = ev({
        cred: `0oaEXPENSE/${person}`,
        principal: person,
        place: 'awsVirginia',
        client: 'pythonRequests',
        at,
        op: 'okta:app.oauth2.as.token.grant.access_token',
        source: 'okta',
      });
      e.credential_kind = 'refresh_token';
      e.attributes = { oauth_client: '0oaEXPENSE' };
      return e;
    };
    const novelty = (alerts: ReturnType<typeof run>) => alerts.filter((a) => a.rule === 'new_place' || a.rule === 'new_client');
    const engine = createDetectionEngine();
    desk(engine);
    // The app's first people are news: nothing yet says the app runs there.
    assert.ok(novelty(run(engine, [grant('ann', AFTER), grant('ben', AFTER + MIN)])).length > 0);
    const restored = createDetectionEngine();
    restored.restore(engine.snapshot());
    assert.deepEqual(novelty(run(restored, [grant('cai', AFTER + DAY)])), []);
    // Without the memory, the next person's first grant is news again; and elsewhere, the app's token is news.
    const forgetful = createDetectionEngine();
    forgetful.restore(withMemories(engine.snapshot(), {}));
    assert.ok(novelty(run(forgetful, [grant('cai', AFTER + DAY)])).length > 0);
    const copied = grant('dee', AFTER + DAY);
    copied.geo = {
      country: 'DE',
      city: 'Frankfurt',
      lat: 50.11,
      lon: 8.68,
      asn: 64531,
      as_org: 'Bulletproof Hosting',
      asn_kind: 'hosting',
    };
    assert.ok(novelty(run(restored, [copied])).length > 0);
  });

  it('an app its person onboarded moments ago: its backend is no new place or client, before and after a restart', () => {
    // ann at her desk for two weeks, in the browser.
    const desk = Array.from({ length: 60 }, (_, i) => {
      const e = ev({ cred: `idx-ann-${i}`, principal: 'ann', place: 'newYork', client: 'chromeMac', at: T0 + i * 5 * HOUR });
      e.operation = 'okta:user.authentication.sso';
      e.credential_kind = 'saas_session';
      return e;
    });
    const authorize = (at: number) => {
      const e = ev({
        cred: 'idx-ann-now',
        principal: 'ann',
        place: 'newYork',
        client: 'chromeMac',
        at,
        op: 'okta:app.oauth2.as.consent.grant',
      });
      e.credential_kind = 'saas_session';
      e.attributes = { oauth_authorized_client: '0oaSALES' };
      return e;
    };
    const grant = (at: number, type = 'authorization_code', place: 'awsDublin' | 'frankfurtVps' = 'awsDublin') => {
      const e = ev({
        cred: '0oaSALES/ann',
        principal: 'ann',
        place,
        client: 'pythonRequests',
        at,
        op: 'okta:app.oauth2.as.token.grant.access_token',
      });
      e.credential_kind = 'refresh_token';
      e.attributes = { oauth_client: '0oaSALES', oauth_grant_type: type };
      return e;
    };
    const novelty = (alerts: ReturnType<typeof run>) => alerts.filter((a) => a.rule === 'new_place' || a.rule === 'new_client');
    const engine = createDetectionEngine();
    run(engine, desk);
    assert.deepEqual(novelty(run(engine, [authorize(AFTER), grant(AFTER + 5_000), grant(AFTER + HOUR, 'refresh_token')])), []);
    const restored = createDetectionEngine();
    restored.restore(engine.snapshot());
    assert.deepEqual(novelty(run(restored, [grant(AFTER + DAY, 'refresh_token')])), []);
    // The same refresh token from another network is not the app's backend.
    assert.ok(novelty(run(restored, [grant(AFTER + DAY + MIN, 'refresh_token', 'frankfurtVps')])).length > 0);
    // No authorization just before (or a device code, whose tokens go to a device, not a backend): news.
    for (const type of ['authorization_code', 'device_code']) {
      const other = createDetectionEngine();
      run(other, desk);
      const first = type === 'device_code' ? [authorize(AFTER), grant(AFTER + 5_000, type)] : [grant(AFTER + 5_000, type)];
      assert.ok(novelty(run(other, first)).length > 0, type);
    }
  });

  it('takes what is well formed from a hostile or foreign memory section, and restores the rest of the snapshot', () => {
    const engine = createDetectionEngine();
    run(engine, deployRun(0));
    for (const memories of [
      null,
      'text',
      [1, 2],
      { 'outside_grant.accounts_seen': 'x', 'secret_harvest.read_before': { a: 1 }, 'token_lifecycle.revoked': 7 },
      { 'token_lifecycle.revoked': [null, [''], ['key', 'yesterday'], ['key', Number.NaN], [1, 2], 'key'] },
      { 'oauth.onboarded_grants': [null, 'x', ['0oa|ann'], ['0oa|ann', 7], [1, 'k']], 'oauth.app_backends': [['0oa', 'x'], 5] },
      {
        'outside_grant.accounts_seen': [1, null, 'x'.repeat(500), {}],
        'secret_harvest.read_before': [
          null,
          ['id'],
          [
            'id',
            [
              [1.5, 2],
              ['a', 1],
            ],
          ],
        ],
      },
      { __proto__: { polluted: true }, constructor: [], unknown_memory: [1, 2, 3] },
    ]) {
      const restored = createDetectionEngine();
      restored.restore(withMemories(engine.snapshot(), memories));
      assert.equal(restored.stats().credentials, engine.stats().credentials);
      assert.equal(({} as Record<string, unknown>).polluted, undefined);
      assert.doesNotThrow(() => run(restored, deployRun(1)));
    }
    // Malformed revocations are not taken: the credential they name is judged as never revoked.
    const restored = createDetectionEngine();
    restored.restore(
      withMemories(engine.snapshot(), {
        'token_lifecycle.revoked': [
          ['key', 'yesterday'],
          [1, 2],
          ['', 0],
        ],
      }),
    );
    const use = ev({ cred: 'key', principal: 'p', place: 'frankfurtVps', client: 'boto3', at: AFTER, op: 's3:ListBuckets' });
    assert.deepEqual(
      run(restored, [use]).filter((a) => a.rule === 'token_lifecycle'),
      [],
    );
  });
});
