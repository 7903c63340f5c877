import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Harness, startHarness } from '../support/harness.js';

// `clients create` accepted javascript: URIs (every sign-in then failed with "redirect_uris must
// only contain web uris") and plain http to any host (RFC 9700 §2.6 and OAuth 2.1 allow it only to
// the loopback interface). Both are refused when the client is created, with the reason.
describe('redirect URIs a client may be created with', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  const create = (uri: string) =>
    h.service.admin.createClient({ name: 'web', grantTypes: ['authorization_code'], redirectUris: [uri], scopes: ['read'] });

  for (const uri of ['javascript:alert(1)', 'data:text/html,x', 'http://a.example/cb', 'ftp://a.example/cb', 'http://127.example/cb']) {
    it(`refuses ${uri}`, async () => {
      await assert.rejects(create(uri), (e: unknown) => (e as { code?: string }).code === 'TW_USAGE' && /https/.test(String(e)));
    });
  }

  for (const uri of ['https://a.example/cb', 'http://127.0.0.1:8400/cb', 'http://localhost:3000/cb', 'http://[::1]:8400/cb']) {
    it(`accepts ${uri}`, async () => {
      assert.ok((await create(uri)).client_id);
    });
  }
});
