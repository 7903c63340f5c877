import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { generateTwToken } from '@tokenwarden/core';
import { runCli } from '../support/run-cli.js';

// Root reads everything, so as root the scan runs as nobody (65534) to meet a permission wall.
const asUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : undefined;

const scanAs = (args: readonly string[]) => runCli(['scan', ...args], asUser ? { user: asUser } : {});

// A directory named on the command line that cannot be read is an error (exit 2), like a missing
// one: a scan that read nothing of it must not pass a CI job. One deep inside a tree is skipped.
describe('tokenwarden scan with an unreadable path', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'tw-cli-scan-unreadable-'));
    chmodSync(dir, 0o755);
    mkdirSync(join(dir, 'locked'));
    writeFileSync(join(dir, 'locked', 'app.env'), `KEY=${generateTwToken('k')}\n`);
    writeFileSync(join(dir, 'found.env'), `KEY=${generateTwToken('k')}\n`, { mode: 0o644 });
    chmodSync(join(dir, 'found.env'), 0o644);
    chmodSync(join(dir, 'locked'), 0o000);
  });
  after(() => {
    chmodSync(join(dir, 'locked'), 0o755);
    rmSync(dir, { recursive: true, force: true });
  });

  it('exits 2 naming a directory named on the command line, after scanning the rest', async () => {
    const run = await scanAs(['--format', 'json', join(dir, 'locked'), join(dir, 'found.env')]);
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /TW_INPUT_UNREADABLE.*locked.*permission denied/);
    assert.equal((JSON.parse(run.stdout) as { findings: unknown[] }).findings.length, 1);
  });

  it('only skips (exit by findings) the same directory met inside a tree', async () => {
    const run = await scanAs([dir]);
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /skipped .*locked: unreadable directory/);
  });
});
