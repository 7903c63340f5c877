import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normaliseTarget, normaliseTargetFully } from '../../src/path-normalise.js';

function path(target: string): string {
  const r = normaliseTarget(target);
  assert.ok(r.ok, `expected ${target} to normalise`);
  return r.path;
}

describe('normaliseTarget', () => {
  it('resolves dot segments, including percent-encoded ones', () => {
    assert.equal(path('/public/../admin/users'), '/admin/users');
    assert.equal(path('/public/%2e%2e/admin'), '/admin');
    assert.equal(path('/public/%2E%2E/admin'), '/admin');
    assert.equal(path('/./admin/./x'), '/admin/x');
    assert.equal(path('/../../admin'), '/admin');
    assert.equal(path('/a/.%2e/admin'), '/admin');
  });

  it('collapses repeated slashes and keeps a trailing slash', () => {
    assert.equal(path('//admin///users'), '/admin/users');
    assert.equal(path('/admin/'), '/admin/');
    assert.equal(path('/'), '/');
  });

  it('refuses encoded slashes and backslashes, raw backslashes and double encoding', () => {
    for (const t of ['/admin%2Fusers', '/admin%2fusers', '/admin%5Cusers', '/admin\\users', '/x/%252e%252e/admin', '/x%00y', '/%zz']) {
      const r = normaliseTarget(t);
      assert.equal(r.ok, false, t);
    }
  });

  it('forwards the checked path re-encoded with the raw query', () => {
    const r = normaliseTarget('/a%20b/../c d?x=1&y=%2F');
    assert.ok(r.ok);
    assert.equal(r.path, '/c d');
    assert.equal(r.forwardTarget, '/c%20d?x=1&y=%2F');
    assert.equal(r.query, 'x=1&y=%2F');
  });

  it('matches segments without their ;parameters, as servlet containers route them, and forwards them as sent', () => {
    const cases: [string, string, string][] = [
      ['/admin;x/secret', '/admin/secret', '/admin;x/secret'],
      ['/admin;jsessionid=1', '/admin', '/admin;jsessionid=1'],
      ['/;x/admin/users', '/admin/users', '/;x/admin/users'],
      ['/admin%3bx/y', '/admin/y', '/admin;x/y'],
      ['/a/b;c=d/', '/a/b/', '/a/b;c=d/'],
      ['/;x/', '/', '/;x/'],
    ];
    for (const [target, matched, forwarded] of cases) {
      const r = normaliseTarget(target);
      assert.ok(r.ok, target);
      assert.equal(r.path, matched, target);
      assert.equal(r.forwardTarget, forwarded, target);
    }
  });

  it('refuses dot segments with parameters (`..;` is `..` to Tomcat and a name elsewhere)', () => {
    for (const t of ['/public/..;/admin/secret', '/public/..;x=1/admin', '/.;/admin', '/public/%2e%2e;/admin']) {
      const r = normaliseTarget(t);
      assert.equal(r.ok, false, t);
      assert.match(r.ok ? '' : r.reason, /dot segment with path parameters/);
    }
  });

  it('matches a name with trailing dots or spaces as the name (Windows servers open `admin.` as `admin`)', () => {
    assert.equal(path('/admin./x'), '/admin/x');
    assert.equal(path('/admin%2e/x'), '/admin/x');
    assert.equal(path('/admin%20/x'), '/admin/x');
    assert.equal(path('/admin%2e%2e%20/x'), '/admin/x');
    assert.equal(path('/admin.;x/y'), '/admin/y');
    const r = normaliseTarget('/admin./x?q=1');
    assert.ok(r.ok);
    assert.equal(r.forwardTarget, '/admin./x?q=1', 'forwarded as sent: the upstream opens what was checked');
    assert.equal(path('/v1.2/x'), '/v1.2/x', 'inner dots are part of the name');
  });

  it('refuses segments made only of dots or spaces beyond `.` and `..`', () => {
    for (const t of ['/x/.../admin', '/x/..%20/admin', '/x/.%20./admin', '/x/%20/admin', '/x/....//admin', '/x/...;a/admin']) {
      const r = normaliseTarget(t);
      assert.equal(r.ok, false, t);
      assert.match(r.ok ? '' : r.reason, /only dots or spaces/, t);
    }
  });

  it('refuses encoded ? and # in the path (a server that decodes first would route on a prefix)', () => {
    for (const t of ['/admin%3f/x', '/admin%3F/x', '/admin%23/x']) assert.equal(normaliseTarget(t).ok, false, t);
    assert.ok(normaliseTarget('/x?next=%3F%23').ok, 'escapes in the query are the upstream business');
  });

  it('refuses non-ASCII characters that servers fold into ASCII or drop', () => {
    const cases = [
      '/x/%EF%BC%8E%EF%BC%8E/admin/y', // full-width dots: NFKC `..`
      '/%EF%BD%81dmin/x', // full-width a
      '/x/%EF%BC%8F..%EF%BC%8Fadmin', // full-width solidus
      '/adm%C4%B1n/x', // dotless i: upper-cases to I
      '/adm%C4%B0n/x', // dotted capital I: lower-cases to i + dot
      '/%E2%84%AAey', // Kelvin sign: lower-cases to k
      '/x/%E2%80%A5/admin', // two-dot leader: NFKC `..`
      '/x/%E2%88%95admin', // division slash: best-fit `/`
      '/admin%E2%80%8B/x', // zero-width space
      '/admin%C2%A0/x', // no-break space
      '/admin%EF%BB%BF/x', // byte-order mark
    ];
    for (const t of cases) assert.equal(normaliseTarget(t).ok, false, t);
    for (const t of ['/caf%C3%A9', '/%E6%97%A5%E6%9C%AC/x', '/%C3%BCber']) assert.ok(normaliseTarget(t).ok, t);
  });

  it('refuses targets that are not origin-form', () => {
    assert.equal(normaliseTarget('http://evil/').ok, false);
    assert.equal(normaliseTarget('*').ok, false);
  });

  it('the fast path for canonical paths agrees with the full normalisation on adversarial targets', () => {
    // Pieces that matter to normalisation: separators, dot segments, escapes, sub-delimiters,
    // characters a segment must re-encode, and a query.
    const pieces = [
      '/',
      '//',
      '.',
      '..',
      '/./',
      '/../',
      'a',
      'Z9',
      '-_~',
      "!$&'()*+,;=:@",
      '%2e',
      '%2E%2e',
      '...',
      'a.',
      '%20',
      '%EF%BC%8E',
      '%C4%B1',
      '%2f',
      '%41',
      '%25',
      '%',
      '\\',
      ' ',
      'é',
      '#',
      '\x00',
      '?',
      '?a=1',
      '&access_token=x',
    ];
    let seed = 42;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const canonical = ['/', '/bench', '/a/b/', "/x/!$&'()*+,;=:@/y", '/a.b/..c/.d', '/v1/items?x=1&y=%2F'];
    const targets = [...canonical];
    for (let i = 0; i < 20_000; i++) {
      let t = '/';
      const n = 1 + rnd(6);
      for (let k = 0; k < n; k++) t += pieces[rnd(pieces.length)];
      targets.push(t);
    }
    for (const t of targets) assert.deepEqual(normaliseTarget(t), normaliseTargetFully(t), t);
    for (const t of canonical) {
      const r = normaliseTarget(t);
      assert.ok(r.ok, t);
      assert.equal(r.forwardTarget, t, 'a canonical target is forwarded unchanged');
    }
  });
});
