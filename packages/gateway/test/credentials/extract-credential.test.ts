import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AuthorizationMemo } from '../../src/authorization-memo.js';
import { exposedSecret, extractCredential, readAuthorization } from '../../src/extract-credential.js';

const opts = { acceptXApiKey: true, allowQueryToken: false };

describe('extractCredential', () => {
  it('reads Bearer and DPoP schemes case-insensitively', () => {
    assert.deepEqual(extractCredential({ authorization: 'Bearer abc.def', xApiKey: undefined, query: '' }, opts), {
      scheme: 'bearer',
      token: 'abc.def',
      via: 'authorization',
    });
    assert.deepEqual(extractCredential({ authorization: 'dpop abc', xApiKey: undefined, query: '' }, opts), {
      scheme: 'dpop',
      token: 'abc',
      via: 'authorization',
    });
  });

  it('reads X-API-Key when enabled', () => {
    assert.equal(extractCredential({ authorization: undefined, xApiKey: 'tw_k_x', query: '' }, opts).scheme, 'bearer');
    assert.equal(
      extractCredential({ authorization: undefined, xApiKey: 'tw_k_x', query: '' }, { ...opts, acceptXApiKey: false }).scheme,
      'none',
    );
  });

  it('refuses query-string tokens unless the route allows them', () => {
    const r = extractCredential({ authorization: undefined, xApiKey: undefined, query: 'a=1&access_token=abc' }, opts);
    assert.equal(r.scheme, 'malformed');
    assert.deepEqual(
      extractCredential({ authorization: undefined, xApiKey: undefined, query: 'access_token=abc' }, { ...opts, allowQueryToken: true }),
      {
        scheme: 'bearer',
        token: 'abc',
        via: 'query',
      },
    );
  });

  it('refuses query tokens however the parameter is spelt, and a tw_ key or a JWT under any name or in the path', () => {
    const key = `tw_k_${'A'.repeat(38)}`;
    const jwt = [
      { alg: 'ES256', kid: 'k1' },
      { sub: 'alice', aud: 'https://api.example.com' },
    ]
      .map((part) => Buffer.from(JSON.stringify(part)).toString('base64url'))
      .concat('c2lnbmF0dXJl')
      .join('.');
    assert.equal(exposedSecret('/x', `token=${jwt}`), jwt);
    for (const query of [
      'ACCESS_TOKEN=abc',
      'access%5Ftoken=abc',
      'access%5ftoken=abc',
      'a=1;access_token=abc',
      'access_token[]=abc',
      'access_token%5B%5D=abc',
      'Api_Key=abc',
      '+access_token=abc',
      `key=${key}`,
      `next=%2Fx%3Fk%3D${key}`,
      // A JWT under any other name (black-box QA: `?token=` and `?jwt=` reached the upstream).
      `token=${jwt}`,
      `jwt=${jwt}`,
      `id_token=${jwt}`,
      `x=1&accessToken=${encodeURIComponent(jwt)}`,
    ]) {
      const r = extractCredential({ authorization: 'Bearer abc', xApiKey: undefined, query }, opts);
      assert.deepEqual(r, { scheme: 'malformed', reason: 'credential in the URL query string' }, query);
    }
    for (const query of ['q=access', 'page=2&sort=api', 'x=%20', 'tw_=1', 'q=eyJ', 'name=eyJohn.eyJane.x']) {
      assert.equal(extractCredential({ authorization: 'Bearer abc', xApiKey: undefined, query }, opts).scheme, 'bearer', query);
    }
    for (const path of [`/x;api_key=${key}`, `/keys/${key}`]) {
      const r = extractCredential({ authorization: 'Bearer abc', xApiKey: undefined, query: '', path }, opts);
      assert.equal(r.scheme, 'malformed', path);
    }
    assert.equal(
      extractCredential({ authorization: 'Bearer abc', xApiKey: undefined, query: '', path: '/tw_docs/x' }, opts).scheme,
      'bearer',
    );
    const allowed = { ...opts, allowQueryToken: true };
    assert.deepEqual(extractCredential({ authorization: undefined, xApiKey: undefined, query: 'access%5Ftoken=abc' }, allowed), {
      scheme: 'bearer',
      token: 'abc',
      via: 'query',
    });
    assert.equal(
      extractCredential({ authorization: undefined, xApiKey: undefined, query: 'access_token=a&api_key=b' }, allowed).scheme,
      'malformed',
    );
  });

  it('refuses two credentials, unknown schemes and junk', () => {
    assert.equal(extractCredential({ authorization: 'Bearer a', xApiKey: 'b', query: '' }, opts).scheme, 'malformed');
    assert.equal(extractCredential({ authorization: 'Basic dXNlcjpwYXNz', xApiKey: undefined, query: '' }, opts).scheme, 'malformed');
    assert.equal(extractCredential({ authorization: 'Bearer a b', xApiKey: undefined, query: '' }, opts).scheme, 'malformed');
    assert.equal(extractCredential({ authorization: ['Bearer a', 'Bearer b'], xApiKey: undefined, query: '' }, opts).scheme, 'malformed');
    assert.equal(extractCredential({ authorization: undefined, xApiKey: undefined, query: 'q=1' }, opts).scheme, 'none');
  });

  it('answers the same through the Authorization memo, for every header, repeated and colliding', () => {
    const memo = new AuthorizationMemo();
    const tail = 'T'.repeat(12);
    const headers = [
      'Bearer abc.def',
      'bearer abc.def',
      ' DPoP  abc.def ',
      'Bearer',
      'Bearer ',
      'Basic dXNlcjpwYXNz',
      'Bearer a b',
      'Bearer a==',
      'Bearer a=b',
      'Bearer tw_k_é',
      // Same length and last characters (one memo slot): only the whole text may decide.
      `Bearer a${tail}`,
      `Bearer b${tail}`,
      `DPoP  x${tail}`,
      `Bearer ${'x'.repeat(5_000)}`,
      ...Array.from({ length: 2_100 }, (_, i) => `Bearer tw_k_${i}`),
    ];
    for (let round = 0; round < 2; round++) {
      for (const header of headers) {
        const carrier = { authorization: header, xApiKey: undefined, query: '' };
        const memoised = extractCredential(carrier, { ...opts, readAuthorization: memo.read });
        assert.deepEqual(memoised, extractCredential(carrier, opts), header.slice(0, 40));
        assert.deepEqual(memo.read(header), readAuthorization(header));
      }
    }
  });
});
