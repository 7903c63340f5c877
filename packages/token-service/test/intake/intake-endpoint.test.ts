import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import type { AuditInput } from '@tokenwarden/core';
import * as oauth from 'oauth4webapi';
import type { ExposureReport } from '../../src/intake/index.js';
import { refresh, runCodeFlow } from '../support/code-flow.js';
import { type Harness, insecure, startHarness } from '../support/harness.js';
import { githubHeaders, hmacHeaders, makeSigner, postReport, reportBody } from './support.js';

const HMAC_SECRET = 'shared-secret-for-tests-0123456789abcdef';
const PUBLIC_URL = 'https://github.com/octocat/hello/blob/0123456789abcdef/config.env';

describe('secret-scanning intake over HTTP', () => {
  const github = makeSigner('f9525bf080f75b3506ca1ead061add62b8633a346606dc5fe544e29231c6ee0d');
  const stranger = makeSigner('not-trusted');
  const audits: AuditInput[] = [];
  const notified: ExposureReport[] = [];
  let h: Harness;
  let endpoint: string;

  before(async () => {
    h = await startHarness({
      audit: (entry) => void audits.push(entry),
      intake: {
        trustedKeys: [{ key_identifier: github.keyIdentifier, key: github.publicPem }],
        hmacSecrets: [HMAC_SECRET],
        notify: (report) => void notified.push(report),
      },
    });
    endpoint = `${h.issuer}/intake/secret-scanning`;
  });
  after(async () => {
    await h.close();
  });

  const liveKey = async (subject: string) => h.service.admin.createApiKey({ subject, scopes: ['read'] });

  it('revokes a live key reported with a valid GitHub ECDSA signature and labels it true_positive', async () => {
    const key = await liveKey('leaky-ci');
    const body = reportBody([{ token: key.key, source: 'commit' }]);
    const { status, json } = await postReport(endpoint, body, githubHeaders(github, body));
    assert.equal(status, 200);
    const verdicts = json as { token_hash: string; token_type: string; label: string }[];
    assert.equal(verdicts.length, 1);
    assert.equal(verdicts[0]?.label, 'true_positive');
    assert.equal(verdicts[0]?.token_type, 'tokenwarden_api_key');
    assert.match(verdicts[0]?.token_hash ?? '', /^[0-9a-f]{64}$/);
    assert.equal((await h.service.view.findKey(key.key))?.status, 'revoked');

    const exposed = h.events.filter((e) => e.type === 'token.exposed' && e.credential_id === key.id);
    assert.equal(exposed.length, 1);
    assert.equal(exposed[0]?.details?.url, PUBLIC_URL);
    assert.equal(exposed[0]?.details?.source, 'commit');
    assert.equal(exposed[0]?.details?.action, 'revoked');
    const revokedEvent = h.events.find((e) => e.type === 'token.revoked' && e.credential_id === key.id);
    assert.equal(revokedEvent?.details?.actor, 'intake:commit');
    assert.match(revokedEvent?.reason ?? '', /github\.com\/octocat\/hello/);
    assert.ok(audits.some((a) => a.action === 'credential.revoke' && a.target === key.id && a.actor === 'intake:commit'));
    assert.ok(audits.some((a) => a.action === 'credential.exposed' && a.target === key.id && a.details?.url === PUBLIC_URL));
    assert.ok(notified.some((n) => n.credential_id === key.id && n.action === 'revoked' && n.url === PUBLIC_URL));
  });

  it('revokes once when the same report arrives twice, and still labels it true_positive', async () => {
    const key = await liveKey('twice');
    const body = reportBody([{ token: key.key }]);
    const [first, second] = await Promise.all([
      postReport(endpoint, body, githubHeaders(github, body)),
      postReport(endpoint, body, githubHeaders(github, body)),
    ]);
    const third = await postReport(endpoint, body, githubHeaders(github, body));
    for (const r of [first, second, third]) {
      assert.equal(r.status, 200);
      assert.equal((r.json as { label: string }[])[0]?.label, 'true_positive');
    }
    assert.equal(h.events.filter((e) => e.type === 'token.revoked' && e.credential_id === key.id).length, 1);
    assert.equal(h.events.filter((e) => e.type === 'token.exposed' && e.credential_id === key.id).length, 1);
    assert.equal(notified.filter((n) => n.credential_id === key.id).length, 1);
  });

  it('revokes a reported JWT access token of ours by its jti', async () => {
    const created = await h.service.admin.createClient({ name: 'leaky-worker', grantTypes: ['client_credentials'], scopes: ['read'] });
    const client: oauth.Client = { client_id: created.client_id };
    const DPoP = oauth.DPoP(client, await oauth.generateKeyPair('ES256'));
    const response = await oauth.clientCredentialsGrantRequest(
      h.as,
      client,
      oauth.ClientSecretBasic(created.client_secret as string),
      new URLSearchParams({ scope: 'read' }),
      { DPoP, ...insecure },
    );
    const { access_token } = await oauth.processClientCredentialsResponse(h.as, client, response);
    assert.equal((await h.service.view.introspect(access_token)).active, true);
    const body = reportBody([{ token: access_token, type: 'tokenwarden_access_token', source: 'gist' }]);
    const { status, json } = await postReport(endpoint, body, githubHeaders(github, body));
    assert.equal(status, 200);
    assert.equal((json as { label: string }[])[0]?.label, 'true_positive');
    assert.equal((await h.service.view.introspect(access_token)).active, false);
    const exposed = h.events.find((e) => e.type === 'token.exposed' && e.credential_kind === 'access_token');
    assert.equal(exposed?.details?.action, 'revoked');
    assert.equal(exposed?.details?.source, 'gist');
  });

  it('revokes the whole family of a reported refresh token, and still labels it ours afterwards', async () => {
    const session = await runCodeFlow(h);
    const refreshToken = session.tokens.refresh_token as string;
    const body = reportBody([{ token: refreshToken, type: 'tokenwarden_refresh_token', url: 'https://github.com/o/r/pull/3' }]);
    const first = await postReport(endpoint, body, githubHeaders(github, body));
    assert.equal(first.status, 200);
    assert.equal((first.json as { label: string }[])[0]?.label, 'true_positive');
    assert.equal((await h.service.view.introspect(refreshToken)).active, false);
    await assert.rejects(refresh(h, session, refreshToken));
    const again = await postReport(endpoint, body, githubHeaders(github, body));
    assert.equal((again.json as { label: string }[])[0]?.label, 'true_positive');
    const familyRevocations = h.events.filter((e) => e.type === 'token.revoked' && e.credential_kind === 'refresh_token');
    assert.equal(familyRevocations.length, 1);
    assert.equal(familyRevocations[0]?.details?.actor, 'intake:content');
  });

  it('labels unknown and foreign tokens false_positive, in order, without revoking anything', async () => {
    const key = await liveKey('bystander');
    const before = h.events.length;
    const forged = `tw_k_${'A'.repeat(32)}ZZZZZZ`; // right shape, wrong checksum
    const body = reportBody([{ token: 'ghp_notoursatall0123456789' }, { token: forged }, { token: 'eyJhbGciOiJIUzI1NiJ9.e30.c2ln' }]);
    const { status, json } = await postReport(endpoint, body, githubHeaders(github, body));
    assert.equal(status, 200);
    assert.deepEqual(
      (json as { label: string }[]).map((v) => v.label),
      ['false_positive', 'false_positive', 'false_positive'],
    );
    assert.equal(h.events.slice(before).filter((e) => e.type === 'token.revoked' || e.type === 'token.exposed').length, 0);
    assert.equal((await h.service.view.findKey(key.key))?.status, 'active');
  });

  it('labels a reported key that was already revoked true_positive without revoking it again', async () => {
    const key = await liveKey('already');
    await h.service.admin.revoke(key.id, { actor: 'alice', reason: 'rotated' });
    const body = reportBody([{ token: key.key, url: 'https://github.com/octocat/other/issues/7', source: 'issue' }]);
    const { status, json } = await postReport(endpoint, body, githubHeaders(github, body));
    assert.equal(status, 200);
    assert.equal((json as { label: string }[])[0]?.label, 'true_positive');
    assert.equal(h.events.filter((e) => e.type === 'token.revoked' && e.credential_id === key.id).length, 1);
    const exposed = h.events.find((e) => e.type === 'token.exposed' && e.credential_id === key.id);
    assert.equal(exposed?.details?.action, 'already_inactive');
  });

  it('refuses a tampered body, an unknown key id, a bad or missing signature with 401, revoking nothing', async () => {
    const key = await liveKey('attacked');
    const body = reportBody([{ token: key.key }]);
    const signed = githubHeaders(github, body);
    const cases: [string, string, Record<string, string>][] = [
      ['tampered body', body.replace('content', 'contenT'), signed],
      ['unknown key id', body, { ...signed, 'Github-Public-Key-Identifier': 'no-such-key' }],
      [
        'signed by an untrusted key under a trusted id',
        body,
        { ...githubHeaders(stranger, body), 'Github-Public-Key-Identifier': github.keyIdentifier },
      ],
      ['garbage signature', body, { ...signed, 'Github-Public-Key-Signature': 'MEUCIQ%%%not-base64' }],
      ['valid base64, not DER', body, { ...signed, 'Github-Public-Key-Signature': Buffer.from('x'.repeat(70)).toString('base64') }],
      ['missing signature header', body, { 'Github-Public-Key-Identifier': github.keyIdentifier }],
      ['no signature at all', body, {}],
      ['HMAC with the wrong secret', body, hmacHeaders('another-secret-of-enough-length-0000000', body)],
      ['malformed HMAC header', body, { 'X-Hub-Signature-256': 'sha1=abcdef' }],
    ];
    for (const [name, sent, headers] of cases) {
      const r = await postReport(endpoint, sent, headers);
      assert.equal(r.status, 401, `${name}: ${r.text}`);
      assert.equal((r.json as { error: string }).error, 'TW_INTAKE_UNAUTHORIZED', name);
    }
    assert.equal((await h.service.view.findKey(key.key))?.status, 'active');
  });

  it('accepts the HMAC-SHA-256 shared-secret scheme', async () => {
    const key = await liveKey('hmac-sender');
    const body = reportBody([{ token: key.key, source: 'pull_request' }]);
    const { status, json } = await postReport(endpoint, body, hmacHeaders(HMAC_SECRET, body));
    assert.equal(status, 200);
    assert.equal((json as { label: string }[])[0]?.label, 'true_positive');
    assert.equal((await h.service.view.findKey(key.key))?.status, 'revoked');
    const exposed = h.events.find((e) => e.type === 'token.exposed' && e.credential_id === key.id);
    assert.equal(exposed?.details?.sender, 'hmac-sha256');
  });

  it('answers 400 naming the problem and the array index for malformed reports (signed)', async () => {
    const cases: [string, RegExp][] = [
      ['[{"token": "abc", ', /not valid JSON/],
      ['{"token":"x"}', /must be a JSON array, got an object/],
      ['[]', /empty array/],
      ['[{"token":"a","type":"t","url":"u","source":"content"}, 42]', /item \[1\] must be an object, got a number/],
      ['[{"token":"a","type":"t","url":"u"},{"type":"t","url":"u"}]', /item \[1\] has no "token"/],
      ['[{"token":"a","type":7,"url":"u"}]', /item \[0\] "type" must be a string, got a number/],
    ];
    for (const [body, message] of cases) {
      const r = await postReport(endpoint, body, githubHeaders(github, body));
      assert.equal(r.status, 400, body);
      assert.equal((r.json as { error: string }).error, 'TW_INTAKE_MALFORMED');
      assert.match((r.json as { message: string }).message, message);
    }
  });

  it('answers 413 for a body over the 1 MiB cap and 405 for other methods', async () => {
    const big = reportBody([{ token: 'x'.repeat(8000), url: `https://github.com/${'a'.repeat(2000)}` }]).padEnd(1024 * 1024 + 10, ' ');
    const r = await postReport(endpoint, big, githubHeaders(github, big));
    assert.equal(r.status, 413);
    assert.equal((r.json as { error: string }).error, 'TW_INTAKE_TOO_LARGE');
    const get = await fetch(endpoint);
    assert.equal(get.status, 405);
    assert.equal(get.headers.get('allow'), 'POST');
  });

  it('answers 413 without reading a body declared far over the cap, and keeps serving', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(endpoint, { method: 'POST', headers: { 'content-length': String(64 * 1024 * 1024) } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.write('[');
    });
    assert.equal(status, 413);
    const body = reportBody([{ token: 'still-serving-token-0000' }]);
    assert.equal((await postReport(endpoint, body, githubHeaders(github, body))).status, 200);
  });

  it('never writes a reported token to logs, events, audit entries or responses', async () => {
    const key = await liveKey('log-check');
    const unknown = 'tw_k_thisisnotarealtokenbutlong0123456789';
    const captured: string[] = [];
    const originals = { out: process.stdout.write, err: process.stderr.write };
    const capture = (chunk: unknown): boolean => {
      captured.push(String(chunk));
      return true;
    };
    process.stdout.write = capture as typeof process.stdout.write;
    process.stderr.write = capture as typeof process.stderr.write;
    const responses: string[] = [];
    try {
      const body = reportBody([{ token: key.key }, { token: unknown }]);
      responses.push((await postReport(endpoint, body, githubHeaders(github, body))).text);
      const tampered = `${body} `;
      responses.push((await postReport(endpoint, tampered, githubHeaders(github, body))).text);
      const broken = `[{"token":"${key.key}", "type": }]`;
      responses.push((await postReport(endpoint, broken, githubHeaders(github, broken))).text);
    } finally {
      process.stdout.write = originals.out;
      process.stderr.write = originals.err;
    }
    assert.ok(captured.length > 0, 'the intake logs a summary line');
    const everything = [...captured, ...responses, JSON.stringify(h.events), JSON.stringify(audits), JSON.stringify(notified)].join('\n');
    for (const secret of [key.key, unknown, key.key.slice(5, 37)]) assert.equal(everything.includes(secret), false);
    assert.equal((await h.service.view.findKey(key.key))?.status, 'revoked');
  });

  it('leaves the OAuth endpoints reachable next to the intake', async () => {
    const response = await fetch(`${h.issuer}/.well-known/openid-configuration`);
    assert.equal(response.status, 200);
  });
});
