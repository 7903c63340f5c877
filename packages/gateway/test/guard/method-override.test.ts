import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { guardHarness, statusOf } from '../support/guard-harness.js';

// Reads are open to echo.read, deletes need echo.admin: a GET carrying a method-override header
// that an upstream framework honours must not pass as a read.
const routes = [
  { path: '/items/**', methods: ['DELETE'], scopes: ['echo.admin'] },
  { path: '/**', scopes: ['echo.read'] },
];

describe('method-override headers', () => {
  let refuse: Awaited<ReturnType<typeof guardHarness>>;
  let match: Awaited<ReturnType<typeof guardHarness>>;
  before(async () => {
    refuse = await guardHarness({ routes });
    match = await guardHarness({ routes, method_override: 'match' });
  });
  after(async () => {
    await refuse.guard.close();
    await match.guard.close();
  });

  // Underscore spellings too: a CGI, WSGI or PHP upstream reads them as the dashed header.
  for (const name of ['x-http-method-override', 'x-http-method', 'x-method-override', 'x_http_method_override', 'x_method_override']) {
    it(`refuses a GET that ${name} turns into a DELETE, by default`, async () => {
      const { raw } = refuse.source.createKey({ scopes: ['echo.read'] });
      const d = await refuse.check('/items/7', { authorization: `Bearer ${raw}`, [name]: 'DELETE' });
      assert.equal(statusOf(d), 400);
      assert.ok(!d.allow && d.refusal.reason === 'method override header');
    });
  }

  it('admits an override that names the request method itself, and requests without one', async () => {
    const { raw } = refuse.source.createKey({ scopes: ['echo.read'] });
    assert.equal(statusOf(await refuse.check('/items/7', { authorization: `Bearer ${raw}`, 'x-http-method-override': 'get' })), 200);
    assert.equal(statusOf(await refuse.check('/items/7', { authorization: `Bearer ${raw}` })), 200);
  });

  it('with method_override "match", applies the rule of the method the header names', async () => {
    const reader = match.source.createKey({ scopes: ['echo.read'] }).raw;
    const admin = match.source.createKey({ scopes: ['echo.read', 'echo.admin'] }).raw;
    const asDelete = { 'x-http-method-override': 'DELETE' };
    assert.equal(statusOf(await match.check('/items/7', { authorization: `Bearer ${reader}`, ...asDelete })), 403);
    assert.equal(statusOf(await match.check('/items/7', { authorization: `Bearer ${admin}`, ...asDelete }, { method: 'POST' })), 200);
  });

  it('refuses override headers that disagree or are not a method, in either mode', async () => {
    for (const h of [refuse, match]) {
      const { raw } = h.source.createKey({ scopes: ['echo.read', 'echo.admin'] });
      const auth = { authorization: `Bearer ${raw}` };
      const bad: Record<string, string | string[]>[] = [
        { 'x-http-method-override': 'GET', 'x-http-method': 'DELETE' },
        { 'x-http-method-override': 'GET, DELETE' },
        { 'x-http-method-override': ['GET', 'DELETE'] },
        { 'x-method-override': '' },
        { 'x-http-method-override': 'GET', x_http_method_override: 'DELETE' },
      ];
      for (const headers of bad) assert.equal(statusOf(await h.check('/items/7', { ...auth, ...headers })), 400, JSON.stringify(headers));
    }
  });
});
