import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runScan } from '@tokenwarden/scanner';
import { twToken } from '../fixtures.js';

let repo: string;
const T = { older: twToken(), newer: twToken() };
let broken = '';

function gitIn(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=Ada Dev', '-c', 'user.email=ada@acme.io', ...args], {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  }).trim();
}

const git = (...args: string[]): string => gitIn(repo, ...args);

function commit(file: string, content: string): string {
  writeFileSync(join(repo, file), content);
  git('add', file);
  git('commit', '-q', '-m', file);
  return git('rev-parse', 'HEAD');
}

before(() => {
  repo = mkdtempSync(join(tmpdir(), 'tw-scan-corrupt-'));
  git('init', '-q', '-b', 'main');
  commit('old.env', `KEY=${T.older}\n`);
  broken = commit('notes.txt', 'nothing secret\n');
  commit('new.env', `KEY=${T.newer}\n`);
  // The loose object of notes.txt's blob is overwritten: its commit's diff cannot be read.
  const blob = git('rev-parse', `${broken}:notes.txt`);
  const path = join(repo, '.git', 'objects', blob.slice(0, 2), blob.slice(2));
  chmodSync(path, 0o644);
  writeFileSync(path, 'garbage');
});

after(() => rmSync(repo, { recursive: true, force: true }));

describe('git history with a corrupt object', () => {
  it('skips the one commit that needs it, says so, and scans the commits before and after it', async () => {
    const warnings: string[] = [];
    const report = await runScan({ git: true, cwd: repo, onWarning: (w) => warnings.push(w) });
    const secrets = new Set(report.findings.map((f) => f.secret));
    assert.ok(secrets.has(T.newer), 'the newer commit');
    assert.ok(secrets.has(T.older), 'the older commit, which git log never reached');
    assert.ok(
      warnings.some((w) => w.startsWith(`skipped commit ${broken.slice(0, 12)}`)),
      warnings.join('\n'),
    );
  });
});

describe('git history whose newest commit object is corrupt', () => {
  it('is an error (TW_SCAN_GIT_FAILED), not "no secrets found"', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tw-scan-corrupt-head-'));
    try {
      const inRepo = (...args: string[]) => gitIn(dir, ...args);
      inRepo('init', '-q', '-b', 'main');
      writeFileSync(join(dir, 'deploy.env'), `KEY=${twToken()}\n`);
      inRepo('add', 'deploy.env');
      inRepo('commit', '-q', '-m', 'deploy');
      const head = inRepo('rev-parse', 'HEAD');
      const path = join(dir, '.git', 'objects', head.slice(0, 2), head.slice(2));
      chmodSync(path, 0o644);
      writeFileSync(path, 'garbage');
      await assert.rejects(
        runScan({ git: true, cwd: dir, onWarning: () => {} }),
        (e: unknown) => (e as { code?: string }).code === 'TW_SCAN_GIT_FAILED',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
