import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { withoutQueryCredentials } from '../../src/extract-credential.js';
import { privateCacheControl } from '../../src/forward-headers.js';
import { type ReverseProxy, startReverseProxy } from '../../src/reverse-proxy.js';
import { startEchoUpstream } from '../support/echo-upstream.js';
import { guardHarness } from '../support/guard-harness.js';

// RFC 6750 §2.3 on a route with `allow_query_token`: the token is a credential like an
// Authorization header (withheld from the upstream unless forward_credentials), and a success
// answer is `Cache-Control: private`.
describe('reverse proxy: query tokens on allow_query_token routes', () => {
  let upstream: Awaited<ReturnType<typeof startEchoUpstream>>;
  let h: Awaited<ReturnType<typeof guardHarness>>;
  let proxy: ReverseProxy;
  let forwarding: ReverseProxy;
  let key: string;
  before(async () => {
    upstream = await startEchoUpstream();
    h = await guardHarness({ routes: [{ path: '/q/**', scopes: ['echo.read'], allow_query_token: true }] });
    proxy = await startReverseProxy({ guard: h.guard, upstream: upstream.url, port: 0 });
    forwarding = await startReverseProxy({ guard: h.guard, upstream: upstream.url, port: 0, forwardCredentials: true });
    key = h.source.createKey({ scopes: ['echo.read'] }).raw;
  });
  after(async () => {
    await forwarding.close(100);
    await proxy.close(100);
    await upstream.close();
  });

  it('strips the query credential from the forwarded URL unless credentials are forwarded', async () => {
    for (const [query, forwarded] of [
      [`access_token=${key}`, '/q/x'],
      [`a=1&access_token=${key}&b=2`, '/q/x?a=1&b=2'],
      [`a=1;ACCESS%5Ftoken=${key}`, '/q/x?a=1'],
      [`api_key=${key}&a=1`, '/q/x?a=1'],
    ] as const) {
      const res = await fetch(`${proxy.url}/q/x?${query}`);
      assert.equal(res.status, 200, query);
      const { url } = (await res.json()) as { url: string };
      assert.equal(url, forwarded, query);
      assert.ok(!upstream.seen.some((u) => u.url.includes(key)), query);
    }
    const res = await fetch(`${forwarding.url}/q/x?a=1&access_token=${key}`);
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as { url: string }).url, `/q/x?a=1&access_token=${key}`, 'forward_credentials keeps it');
  });

  it('marks a success answer private, keeping a stricter upstream no-store; other answers are left alone', async () => {
    const cacheControl = async (base: string, query: string, headers: Record<string, string> = {}) => {
      const res = await fetch(`${base}/q/x?${query}`, { headers });
      await res.arrayBuffer();
      return [res.status, res.headers.get('cache-control')];
    };
    assert.deepEqual(await cacheControl(proxy.url, `access_token=${key}`), [200, 'private']);
    assert.deepEqual(await cacheControl(forwarding.url, `access_token=${key}`), [200, 'private']);
    assert.deepEqual(await cacheControl(proxy.url, `cc=no-store&access_token=${key}`), [200, 'no-store']);
    assert.deepEqual(await cacheControl(proxy.url, `cc=${encodeURIComponent('public, max-age=60')}&access_token=${key}`), [
      200,
      'private, max-age=60',
    ]);
    assert.deepEqual(await cacheControl(proxy.url, `status=404&access_token=${key}`), [404, null]);
    // The token in a header: nothing added.
    assert.deepEqual(await cacheControl(proxy.url, 'cc=public', { authorization: `Bearer ${key}` }), [200, 'public']);
  });

  it('privateCacheControl and withoutQueryCredentials', () => {
    assert.equal(privateCacheControl(undefined), 'private');
    assert.equal(privateCacheControl('max-age=5, no-store'), 'max-age=5, no-store');
    assert.equal(privateCacheControl('Private'), 'Private');
    assert.equal(privateCacheControl('private="set-cookie", max-age=5'), 'private, max-age=5');
    assert.equal(privateCacheControl(['public', 'max-age=5']), 'private, max-age=5');
    assert.equal(withoutQueryCredentials('/x'), '/x');
    assert.equal(withoutQueryCredentials('/x?access_token=a&'), '/x');
    assert.equal(withoutQueryCredentials('/x?a=1;access_token[]=t;b=2'), '/x?a=1;b=2');
    assert.equal(withoutQueryCredentials('/x?token=1&access_tokens=2'), '/x?token=1&access_tokens=2');
  });
});
