import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, test } from 'node:test';
import { createLogger, scrubObject, scrubText } from '@tokenwarden/config';

/** A logger writing into memory, and the text it wrote. */
function memoryLogger(): { log: ReturnType<typeof createLogger>; output: () => string } {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  return { log: createLogger({ level: 'trace', destination }), output: () => chunks.join('') };
}

const BEARER = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ1c2VyLTEiLCJleHAiOjE3MDAwMDAwMDB9.c2lnbmF0dXJlLXZhbHVlLWhlcmU';
const DPOP = 'eyJ0eXAiOiJkcG9wK2p3dCIsImFsZyI6IkVTMjU2In0.eyJodG0iOiJHRVQiLCJqdGkiOiJ4In0.ZHBvcC1zaWduYXR1cmU';
const TW_KEY = 'tw_k_AbCdEfGhIjKlMnOpQrStUvWxYz012345ab12cd';
const SECRETS = [BEARER, DPOP, TW_KEY, 'hunter2-password', 'client-secret-value-123', 'refresh-abc-123456789', 'url-token-987654321'];

function assertClean(text: string): void {
  for (const secret of SECRETS) assert.ok(!text.includes(secret), `leaked ${secret.slice(0, 12)}... in: ${text}`);
}

describe('the logger never writes secrets', () => {
  test('authorization and DPoP headers, in any case and at any depth', () => {
    const { log, output } = memoryLogger();
    log.info({ req: { headers: { authorization: `Bearer ${BEARER}`, dpop: DPOP } } }, 'request');
    log.info({ request: { upstream: { headers: { Authorization: `DPoP ${BEARER}`, DPoP: DPOP, 'X-Api-Key': TW_KEY } } } }, 'proxied');
    log.info({ headers: { cookie: 'session=abc', 'set-cookie': 'sid=xyz' } }, 'cookies');
    const out = output();
    assertClean(out);
    assert.doesNotMatch(out, /session=abc|sid=xyz/);
    assert.match(out, /\[REDACTED\]/);
    assert.match(out, /"msg":"proxied"/, 'the rest of the line is kept');
  });

  test('tw_ keys, bearer tokens and JWTs inside messages and string fields', () => {
    const { log, output } = memoryLogger();
    log.warn(`key ${TW_KEY} used from a new ASN`);
    log.info({ note: `client sent Bearer ${BEARER}` }, 'note');
    log.info({ detail: `proof was ${DPOP}` }, 'dpop failure');
    log.info({ prefix_only: 'tw_k_AbCdEfGh12' }, 'truncated key');
    const out = output();
    assertClean(out);
    assert.doesNotMatch(out, /tw_k_AbCdEfGh12/);
  });

  test('?access_token= and other secret parameters in URLs, and passwords in connection URLs', () => {
    const { log, output } = memoryLogger();
    log.info({ url: '/api/v1/items?access_token=url-token-987654321&page=2' }, 'GET');
    log.info(`redirect to https://app/cb?code=abc123&state=s1 then /token?refresh_token=refresh-abc-123456789`);
    log.info({ store: 'postgres://tw:hunter2-password@db:5432/tw' }, 'connecting');
    const out = output();
    assertClean(out);
    assert.match(out, /page=2/, 'harmless parameters stay');
    assert.match(out, /state=s1/);
    assert.doesNotMatch(out, /code=abc123/);
    assert.match(out, /postgres:\/\/tw:\[REDACTED\]@db:5432\/tw/);
  });

  test('passwords and client secrets by key, whatever the nesting or casing', () => {
    const { log, output } = memoryLogger();
    log.info({ password: 'hunter2-password', client: { client_secret: 'client-secret-value-123' } }, 'login');
    log.info(
      { body: { Password: 'hunter2-password', clientSecret: 'client-secret-value-123', refresh_token: 'refresh-abc-123456789' } },
      'form',
    );
    log.info({ list: [{ token: 'url-token-987654321' }] }, 'array');
    assertClean(output());
  });

  test('errors: message, stack and cause are scrubbed, type and code kept', () => {
    const { log, output } = memoryLogger();
    const cause = new Error(`upstream said Bearer ${BEARER}`);
    const err = Object.assign(new Error(`rejected ${TW_KEY}`, { cause }), { code: 'E_REJECTED' });
    log.error({ err }, 'failed');
    log.error(err, 'failed again');
    const out = output();
    assertClean(out);
    assert.match(out, /"code":"E_REJECTED"/);
    assert.match(out, /"type":"Error"/);
  });

  test('child logger bindings are scrubbed too', () => {
    const { log, output } = memoryLogger();
    log.child({ token: 'url-token-987654321', user: 'alice' }).info('child');
    const out = output();
    assertClean(out);
    assert.match(out, /alice/);
  });

  test('a circular object is logged, not crashed on', () => {
    const { log, output } = memoryLogger();
    const a: Record<string, unknown> = { name: 'a' };
    a.self = a;
    log.info({ a }, 'circular');
    assert.match(output(), /\[Circular\]/);
  });

  test('scrubText and scrubObject leave ordinary text alone', () => {
    assert.equal(scrubText('GET /items?page=2 200 13ms'), 'GET /items?page=2 200 13ms');
    assert.deepEqual(scrubObject({ status: 200, path: '/x', tokens_issued: 3 }), { status: 200, path: '/x', tokens_issued: 3 });
    assert.equal(scrubText('GET /x?access_token=abc'), 'GET /x?access_token=[REDACTED]');
  });
});
