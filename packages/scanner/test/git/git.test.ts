// biome-ignore-all lint/suspicious/noTemplateCurlyInString: literal ${VAR} placeholders are the point of these fixtures
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DiffParser, runScan } from '@tokenwarden/scanner';
import { twToken } from '../fixtures.js';

let repo: string;
const T = { first: twToken(), feature: twToken(), staged: twToken(), unstaged: twToken(), later: twToken(), spaced: twToken() };
let firstCommit = '';
let secondCommit = '';

function git(...args: string[]): string {
  return execFileSync('git', args, {
    cwd: repo,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'Ada Dev',
      GIT_AUTHOR_EMAIL: 'ada@acme.io',
      GIT_COMMITTER_NAME: 'Ada Dev',
      GIT_COMMITTER_EMAIL: 'ada@acme.io',
      GIT_AUTHOR_DATE: '2026-01-02T03:04:05Z',
    },
  }).trim();
}

before(() => {
  repo = mkdtempSync(join(tmpdir(), 'tw-scan-git-'));
  git('init', '-q', '-b', 'main');
  writeFileSync(join(repo, 'config.env'), `A=1\nB=2\nKEY=${T.first}\n`);
  git('add', '.');
  git('commit', '-q', '-m', 'add config');
  firstCommit = git('rev-parse', 'HEAD');
  // The secret is removed again: it must still be found in history.
  writeFileSync(join(repo, 'config.env'), 'A=1\nB=2\nKEY=${KEY}\n');
  git('commit', '-q', '-am', 'remove key');
  secondCommit = git('rev-parse', 'HEAD');
  git('checkout', '-q', '-b', 'feature');
  writeFileSync(join(repo, 'feature.ts'), `// feature\n\n\n\nexport const k = "${T.feature}";\n`);
  git('add', '.');
  git('commit', '-q', '-m', 'feature');
  git('checkout', '-q', 'main');
  writeFileSync(join(repo, 'later.txt'), `x ${T.later}\n`);
  git('add', '.');
  git('commit', '-q', '-m', 'later');
});

after(() => rmSync(repo, { recursive: true, force: true }));

describe('git history', () => {
  it('finds added secrets in every commit on all branches, with commit, author, date and line', async () => {
    const report = await runScan({ git: true, cwd: repo });
    const first = report.findings.find((f) => f.secret === T.first);
    assert.equal(first?.commit, firstCommit);
    assert.equal(first?.author, 'Ada Dev <ada@acme.io>');
    assert.match(first?.date ?? '', /^2026-01-02T03:04:05/);
    assert.equal(first?.file, 'config.env');
    assert.equal(first?.line, 3);
    const feature = report.findings.find((f) => f.secret === T.feature);
    assert.equal(feature?.line, 5);
    assert.equal(feature?.file, 'feature.ts');
    assert.ok(report.findings.some((f) => f.secret === T.later));
    assert.equal(report.findings.length, 3, 'the removal commit adds no secret');
  });

  it('scans incrementally from a commit with --since', async () => {
    const report = await runScan({ git: true, since: secondCommit, cwd: repo });
    const secrets = new Set(report.findings.map((f) => f.secret));
    assert.ok(!secrets.has(T.first));
    assert.ok(secrets.has(T.feature));
    assert.ok(secrets.has(T.later));
  });

  it('scans the history of the repository named by PATH, from any directory', async () => {
    const elsewhere = mkdtempSync(join(tmpdir(), 'tw-scan-elsewhere-'));
    try {
      const report = await runScan({ git: true, paths: [repo], cwd: elsewhere });
      assert.equal(report.findings.find((f) => f.secret === T.first)?.file, join(realpathSync(repo), 'config.env'));
      assert.equal(report.findings.length, 3, 'the history only: the work tree is not scanned a second time');
      // From the directory holding the repository, paths stay relative.
      const near = await runScan({ git: true, paths: [basename(repo)], cwd: dirname(realpathSync(repo)) });
      assert.equal(near.findings.find((f) => f.secret === T.feature)?.file, join(basename(repo), 'feature.ts'));
      await assert.rejects(runScan({ git: true, paths: [elsewhere], cwd: repo }), /not inside a git repository/);
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  it('rejects an unknown --since revision', async () => {
    await assert.rejects(runScan({ git: true, since: 'no-such-ref', cwd: repo }), /not a commit/);
  });

  it('scans only staged changes with --staged', async () => {
    writeFileSync(join(repo, 'staged.env'), `S=${T.staged}\n`);
    git('add', 'staged.env');
    writeFileSync(join(repo, 'unstaged.env'), `U=${T.unstaged}\n`);
    const report = await runScan({ staged: true, cwd: repo });
    assert.deepEqual(
      report.findings.map((f) => [f.file, f.line, f.commit]),
      [['staged.env', 1, undefined]],
    );
  });

  it('fails clearly outside a repository', async () => {
    const plain = mkdtempSync(join(tmpdir(), 'tw-scan-nogit-'));
    try {
      await assert.rejects(runScan({ git: true, cwd: plain }), /not inside a git repository/);
    } finally {
      rmSync(plain, { recursive: true, force: true });
    }
  });
});

describe('diff parser', () => {
  it('maps added lines of -U0 hunks to new-file line numbers and tells headers from ++ content', () => {
    const out: { file: string; lines: string[]; numbers: number[] }[] = [];
    const p = new DiffParser((a) => out.push(a));
    for (const line of [
      'diff --git a/x.c b/x.c',
      'index 1..2 100644',
      '--- a/x.c',
      '+++ b/x.c',
      '@@ -3,0 +4,2 @@',
      '+++ counter;',
      '+int y;',
      '@@ -10 +12 @@ fn',
      '-old',
      '+new',
      'diff --git a/bin.png b/bin.png',
      'Binary files a/bin.png and b/bin.png differ',
      'diff --git "a/sp ace\\tx" "b/sp ace\\tx"',
      '+++ "b/sp ace\\tx"',
      '@@ -0,0 +1 @@',
      '+hello',
    ])
      p.line(line);
    p.end();
    assert.deepEqual(out, [
      { file: 'x.c', lines: ['++ counter;', 'int y;', 'new'], numbers: [4, 5, 12] },
      { file: 'sp ace\tx', lines: ['hello'], numbers: [1] },
    ]);
  });

  it('drops the tab git writes after a path holding a space', () => {
    const out: { file: string }[] = [];
    const p = new DiffParser((a) => out.push(a));
    for (const line of ['diff --git a/my dir/a b.env b/my dir/a b.env', '--- /dev/null', '+++ b/my dir/a b.env\t', '@@ -0,0 +1 @@', '+k=v'])
      p.line(line);
    p.end();
    assert.deepEqual(
      out.map((a) => a.file),
      ['my dir/a b.env'],
    );
  });

  it('names a committed file with a space in its path as it is, in history and in the index', async () => {
    writeFileSync(join(repo, 'my notes.env'), `TOKEN=${T.spaced}\n`);
    git('add', 'my notes.env');
    const staged = await runScan({ staged: true, cwd: repo });
    git('commit', '-q', '-m', 'notes');
    const history = await runScan({ git: true, cwd: repo });
    assert.deepEqual(
      staged.findings.filter((f) => f.secret === T.spaced).map((f) => f.file),
      ['my notes.env'],
    );
    assert.deepEqual(
      history.findings.filter((f) => f.secret === T.spaced).map((f) => f.file),
      ['my notes.env'],
    );
  });
});
