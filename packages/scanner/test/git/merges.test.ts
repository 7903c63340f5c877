import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runScan } from '@tokenwarden/scanner';
import { twToken } from '../fixtures.js';

let repo: string;
const T = { branch: twToken(), evil: twToken(), resolution: twToken() };
const merges: string[] = [];

function git(...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=Ada Dev', '-c', 'user.email=ada@acme.io', ...args], {
    cwd: repo,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  }).trim();
}

// The `--diff-merges` option needs git 2.36; older git scans merges as before (no diff).
const version = /git version (\d+)\.(\d+)/.exec(execFileSync('git', ['version'], { encoding: 'utf8' }));
const remerge = version !== null && (Number(version[1]) > 2 || (Number(version[1]) === 2 && Number(version[2]) >= 36));

before(() => {
  repo = mkdtempSync(join(tmpdir(), 'tw-scan-merges-'));
  git('init', '-q', '-b', 'main');
  writeFileSync(join(repo, 'a.txt'), 'a\nb\n');
  git('add', '.');
  git('commit', '-q', '-m', 'init');
  // A branch secret merged cleanly: found once, in the branch commit, not again in the merge.
  git('checkout', '-q', '-b', 'feature');
  writeFileSync(join(repo, 'feature.env'), `KEY=${T.branch}\n`);
  git('add', '.');
  git('commit', '-q', '-m', 'feature');
  git('checkout', '-q', 'main');
  // An "evil merge": the merge commit itself adds a file no parent has.
  git('merge', '-q', '--no-ff', '--no-commit', 'feature');
  writeFileSync(join(repo, 'evil.env'), `KEY=${T.evil}\n`);
  git('add', 'evil.env');
  git('commit', '-q', '-m', 'merge feature');
  merges.push(git('rev-parse', 'HEAD'));
  // A conflict resolved with a line neither side had.
  git('checkout', '-q', '-b', 'left');
  writeFileSync(join(repo, 'c.txt'), 'left\n');
  git('add', '.');
  git('commit', '-q', '-m', 'left');
  git('checkout', '-q', 'main');
  writeFileSync(join(repo, 'c.txt'), 'right\n');
  git('add', '.');
  git('commit', '-q', '-m', 'right');
  try {
    git('merge', '-q', 'left');
  } catch {
    // the conflict is the point
  }
  writeFileSync(join(repo, 'c.txt'), `token = "${T.resolution}"\n`);
  git('add', 'c.txt');
  git('commit', '-q', '-m', 'merge left');
  merges.push(git('rev-parse', 'HEAD'));
});

after(() => rmSync(repo, { recursive: true, force: true }));

describe('git history: merges', () => {
  it('finds what a merge commit adds itself (an evil merge, a conflict resolution), and a merged secret once', {
    skip: !remerge,
  }, async () => {
    const report = await runScan({ git: true, cwd: repo });
    const bySecret = (s: string) => report.findings.filter((f) => f.secret === s);
    assert.equal(bySecret(T.branch).length, 1, 'a cleanly merged secret is reported once');
    assert.deepEqual(
      bySecret(T.evil).map((f) => [f.commit, f.file, f.line]),
      [[merges[0], 'evil.env', 1]],
    );
    assert.deepEqual(
      bySecret(T.resolution).map((f) => [f.commit, f.file, f.line]),
      [[merges[1], 'c.txt', 1]],
    );
  });
});
