import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { normaliseTarget } from '../../src/path-normalise.js';

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

  it('refuses targets that are not origin-form', () => {
    assert.equal(normaliseTarget('http://evil/').ok, false);
    assert.equal(normaliseTarget('*').ok, false);
  });
});
