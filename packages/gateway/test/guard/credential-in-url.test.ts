import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AccessEvent } from '@tokenwarden/core';
import { guardHarness, statusOf } from '../support/guard-harness.js';

// RFC 9700 §4.3.2: a credential in the URL is refused and reported as exposed. The access event
// (stored in access_events) must not keep the secret, and the exposure event must name the
// credential when it is ours, so that automatic response can revoke it.
describe('GatewayGuard: credentials in the URL', () => {
  let h: Awaited<ReturnType<typeof guardHarness>>;
  const events: AccessEvent[] = [];
  // The access events handed over so far (the sink hands them over on the next turn).
  const flushed = async (): Promise<AccessEvent[]> => {
    await h.guard.sink?.flush();
    return events;
  };
  const refusedWith = async (target: string) => {
    const before = h.lifecycle.length;
    const d = await h.check(target);
    h.guard.finish(d, statusOf(d));
    const all = await flushed();
    return { d, exposed: h.lifecycle.slice(before).filter((e) => e.type === 'token.exposed'), event: all[all.length - 1] };
  };

  before(async () => {
    h = await guardHarness(
      {
        routes: [
          { path: '/public/**', public: true },
          { path: '/hello/**', scopes: ['echo.read'] },
          { path: '/hello', scopes: ['echo.read'] },
        ],
      },
      { publishAccess: (batch) => void events.push(...batch) },
    );
  });
  after(async () => {
    await h.guard.close();
  });

  it('a key in the path is refused, its access event keeps the path redacted, its exposure names the key and says "path"', async () => {
    const { raw, record } = h.source.createKey();
    for (const [target, logged] of [
      [`/hello/${raw}`, '/hello/[redacted]'],
      [`/hello/x${raw}`, '/hello/x[redacted]'],
      [`/hello/${raw}.json`, '/hello/[redacted].json'],
      // Routes are matched (and logged) without `;parameters`.
      [`/hello/a;k=${raw}`, '/hello/a'],
    ] as const) {
      const { d, exposed, event } = await refusedWith(target);
      assert.equal(statusOf(d), 400, target);
      assert.equal(d.path, logged, target);
      assert.equal(event?.path, logged, target);
      assert.equal(event?.error_code, 'credential in the URL path', target);
      assert.ok(!JSON.stringify(event).includes(raw.slice(5)), `no secret in the access event of ${target}`);
      assert.equal(exposed.length, 1, target);
      assert.equal(exposed[0]?.credential_id, record.id, target);
      assert.equal(exposed[0]?.reason, 'credential in the URL path', target);
      assert.ok(!JSON.stringify(exposed[0]).includes(raw.slice(5)), `no secret in the exposure event of ${target}`);
    }
  });

  it('a key or a JWT we issued in the query is named in its exposure, said to be in the query string', async () => {
    const { raw, record } = h.source.createKey();
    const { token, jti } = await h.source.issueJwt();
    for (const [target, id] of [
      [`/hello?access_token=${raw}`, record.id],
      [`/hello?next=${raw}`, record.id],
      [`/hello?API_KEY=${raw}`, record.id],
      [`/hello?access_token=${token}`, jti],
    ] as const) {
      const { d, exposed, event } = await refusedWith(target);
      assert.equal(statusOf(d), 400, target);
      assert.equal(event?.path, '/hello', target);
      assert.equal(event?.error_code, 'credential in the URL query string', target);
      assert.equal(exposed[0]?.credential_id, id, target);
      assert.equal(exposed[0]?.reason, 'credential in a URL query string', target);
    }
  });

  it('names nothing it cannot tie to a credential of ours, with no introspection and no lookup for a bad checksum', async () => {
    const { raw } = h.source.createKey();
    const tampered = `${raw.slice(0, -1)}${raw.endsWith('A') ? 'B' : 'A'}`;
    const calls = { ...h.source.calls };
    for (const target of [`/hello/${tampered}`, '/hello?access_token=opaque-value', `/hello?access_token=${tampered}`]) {
      const { d, exposed, event } = await refusedWith(target);
      assert.equal(statusOf(d), 400, target);
      assert.equal(exposed.length, 1, target);
      assert.equal(exposed[0]?.credential_id, undefined, target);
      assert.ok(!JSON.stringify(event).includes(tampered.slice(5)), target);
    }
    assert.equal(h.source.calls.introspect, calls.introspect);
    assert.equal(h.source.calls.findKey, calls.findKey);
  });

  it('a key in the path of a public route or of no route is not stored either', async () => {
    const { raw } = h.source.createKey();
    for (const [target, status, logged] of [
      [`/public/${raw}`, 200, '/public/[redacted]'],
      [`/elsewhere/${raw}`, 403, '/elsewhere/[redacted]'],
    ] as const) {
      const { d, event } = await refusedWith(target);
      assert.equal(statusOf(d), status, target);
      assert.equal(event?.path, logged, target);
    }
  });
});
