import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { credentialTypeOf } from '../../src/signals/credential-type.js';

describe('credential_type of a SET subject', () => {
  it('names our credential kinds from their id prefix', () => {
    assert.equal(credentialTypeOf('key_01JC0Q8Z5VABCDEFGHJKMNPQRS'), 'api-key');
    assert.equal(credentialTypeOf('sat_01JC0Q8Z5VABCDEFGHJKMNPQRS'), 'service-account-token');
    assert.equal(credentialTypeOf('cl_01JC0Q8Z5VABCDEFGHJKMNPQRS'), 'client-secret');
  });

  it('calls anything else a token rather than guessing an API key', () => {
    assert.equal(credentialTypeOf('Zx9yQ2-jti-of-an-access-token'), 'token');
    assert.equal(credentialTypeOf('AKIAIOSFODNN7EXAMPLE'), 'token');
    assert.equal(credentialTypeOf('keyless_but_underscored'), 'token');
  });
});
