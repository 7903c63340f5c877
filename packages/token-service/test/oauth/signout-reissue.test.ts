import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type ClientCredentials, introspectAs } from '../support/client-requests.js';
import { refresh, runCodeFlow } from '../support/code-flow.js';
import { type Harness, startHarness } from '../support/harness.js';

const LOGIN = 'returning-user';
const PASSWORD = 'correct horse battery staple';

/** Resolves just after the wall clock enters a new second. */
async function startOfSecond(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 5));
}

// Sign out everywhere kills what was issued before it; a user who signs in again right away (in
// the same wall-clock second, as a script or a quick human does) must get working tokens.
describe('sign-in right after sign out everywhere', () => {
  let h: Harness;
  let rs: ClientCredentials;
  before(async () => {
    h = await startHarness();
    const c = await h.service.admin.createClient({ name: 'rs', grantTypes: ['client_credentials'] });
    rs = { id: c.client_id, secret: c.client_secret as string };
    await h.service.admin.createUser({ login: LOGIN, password: PASSWORD });
  });
  after(() => h.close());

  it('kills the tokens issued before and lets the ones issued after the sign-out work, within one second', async () => {
    const earlier = await runCodeFlow(h, { login: LOGIN, password: PASSWORD });
    await startOfSecond();
    const last = await refresh(h, earlier, earlier.tokens.refresh_token as string);
    await h.service.admin.signOut(LOGIN);
    assert.deepEqual(await introspectAs(h, rs, last.access_token), { active: false }, 'issued just before the sign-out');
    assert.deepEqual(await introspectAs(h, rs, last.refresh_token as string), { active: false });

    const again = await runCodeFlow(h, { login: LOGIN, password: PASSWORD });
    assert.equal((await introspectAs(h, rs, again.tokens.access_token)).active, true, 'issued after the sign-out');
    const next = await refresh(h, again, again.tokens.refresh_token as string);
    assert.equal((await introspectAs(h, rs, next.access_token)).active, true);
  });
});
