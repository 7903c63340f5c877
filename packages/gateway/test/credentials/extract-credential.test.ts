import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { extractCredential } from '../../src/extract-credential.js';

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

  it('refuses two credentials, unknown schemes and junk', () => {
    assert.equal(extractCredential({ authorization: 'Bearer a', xApiKey: 'b', query: '' }, opts).scheme, 'malformed');
    assert.equal(extractCredential({ authorization: 'Basic dXNlcjpwYXNz', xApiKey: undefined, query: '' }, opts).scheme, 'malformed');
    assert.equal(extractCredential({ authorization: 'Bearer a b', xApiKey: undefined, query: '' }, opts).scheme, 'malformed');
    assert.equal(extractCredential({ authorization: ['Bearer a', 'Bearer b'], xApiKey: undefined, query: '' }, opts).scheme, 'malformed');
    assert.equal(extractCredential({ authorization: undefined, xApiKey: undefined, query: 'q=1' }, opts).scheme, 'none');
  });
});
