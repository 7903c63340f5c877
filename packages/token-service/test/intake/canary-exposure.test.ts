import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CanaryFormat } from '../../src/index.js';
import { type Harness, startHarness } from '../support/harness.js';
import { githubHeaders, makeSigner, postReport, reportBody } from './support.js';

// A canary is bait: finding one in public is exactly the signal it exists for, whatever its
// format. Canary JWTs are signed by a throw-away key and canary refresh tokens are not in the
// provider's store, so neither can be recognised the way live tokens are.
describe('secret-scanning intake and canaries of every format', () => {
  const github = makeSigner('canary-intake-key');
  let h: Harness;
  let endpoint: string;

  before(async () => {
    h = await startHarness({ intake: { trustedKeys: [{ key_identifier: github.keyIdentifier, key: github.publicPem }] } });
    endpoint = `${h.issuer}/intake/secret-scanning`;
  });
  after(() => h.close());

  for (const format of ['api_key', 'service_account_token', 'access_token', 'refresh_token'] satisfies CanaryFormat[]) {
    it(`labels a reported ${format} canary ours, records the exposure, and leaves the bait live`, async () => {
      const canary = await h.service.admin.createCanary({ format, label: `bait-${format}` });
      const body = reportBody([{ token: canary.value, source: 'gist' }]);
      const { status, json } = await postReport(endpoint, body, githubHeaders(github, body));
      assert.equal(status, 200);
      assert.equal((json as { label: string }[])[0]?.label, 'true_positive');
      const exposed = h.events.filter((e) => e.type === 'token.exposed' && e.credential_id === canary.id);
      assert.equal(exposed.length, 1, 'one token.exposed event names the canary');
      assert.equal(exposed[0]?.details?.action, 'canary');
      assert.equal(
        h.events.some((e) => e.type === 'token.revoked' && e.credential_id === canary.id),
        false,
      );
    });
  }

  it('still labels a foreign opaque value and a foreign JWT false_positive', async () => {
    const foreignJwt = `${Buffer.from('{"alg":"HS256"}').toString('base64url')}.${Buffer.from('{"sub":"x"}').toString('base64url')}.c2ln`;
    const body = reportBody([{ token: 'Zm9yZWlnbi1vcGFxdWUtdmFsdWUtMTIzNDU2Nzg5MA' }, { token: foreignJwt }]);
    const { json } = await postReport(endpoint, body, githubHeaders(github, body));
    assert.deepEqual(
      (json as { label: string }[]).map((v) => v.label),
      ['false_positive', 'false_positive'],
    );
  });
});
