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
    const canonical = ['/', '/bench', '/a/b/', "/x/!$&'()*+,;=:@/y", '/a.b/..c/...', '/v1/items?x=1&y=%2F'];
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
