import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { tokenServiceAuthenticator } from '../../src/worker/api-authenticator.js';

const answers: Record<string, Record<string, unknown>> = {
  jwt: { active: true, token_type: 'access_token', sub: 'oncall', jti: 'jti_1', scope: 'openid tokenwarden.respond' },
  dpop: { active: true, token_type: 'access_token', sub: 'oncall', jti: 'jti_2', scope: 'tokenwarden.respond', cnf: { jkt: 'x' } },
  refresh: { active: true, token_type: 'refresh_token', sub: 'oncall', scope: 'tokenwarden.respond', refresh_token_id: 'r1' },
  anonymous: { active: true, token_type: 'access_token', jti: 'jti_3', scope: 'tokenwarden.respond' },
  inactive: { active: false },
};

describe('response API caller authentication through the token service view', () => {
  const authenticate = tokenServiceAuthenticator({ introspect: async (t) => ({ active: false, ...answers[t] }) });

  it('accepts an active access token and takes its subject, jti and scopes', async () => {
    assert.deepEqual(await authenticate('jwt'), { subject: 'oncall', credentialId: 'jti_1', scopes: ['openid', 'tokenwarden.respond'] });
  });

  it('refuses refresh tokens, DPoP-bound tokens presented as bearer, tokens without a subject, and inactive ones', async () => {
    for (const t of ['dpop', 'refresh', 'anonymous', 'inactive', 'unknown']) assert.equal(await authenticate(t), undefined, t);
  });
});
