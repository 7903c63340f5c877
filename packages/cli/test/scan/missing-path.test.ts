import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { generateTwToken } from '@tokenwarden/core';
import { runCli } from '../support/run-cli.js';

// A path named on the command line that is not there is an error (exit 2), after the other paths
// are scanned and their findings printed; a clean scan of what exists would otherwise pass a
// pre-commit hook or a CI job that was pointed at the wrong place.
describe('tokenwarden scan with a missing path', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'tw-cli-scan-missing-'));
    writeFileSync(join(dir, 'app.env'), `KEY=${generateTwToken('k')}\n`);
    writeFileSync(join(dir, 'clean.txt'), 'nothing here\n');
    symlinkSync(join(dir, 'gone'), join(dir, 'dangling'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('exits 2 naming the path, after scanning and reporting the rest', async () => {
    const clean = await runCli(['scan', join(dir, 'nope'), join(dir, 'clean.txt')]);
    assert.equal(clean.code, 2, clean.stderr);
    assert.match(clean.stderr, /TW_INPUT_UNREADABLE: cannot read ".*nope": no such file or directory/);
    const found = await runCli(['scan', '--format', 'json', join(dir, 'app.env'), join(dir, 'dangling')]);
    assert.equal(found.code, 2, found.stderr);
    assert.equal((JSON.parse(found.stdout) as { findings: unknown[] }).findings.length, 1);
    assert.match(found.stderr, /"code":"TW_INPUT_UNREADABLE"/);
  });

  it('still exits 0 on a clean tree and 1 on findings when every path exists', async () => {
    assert.equal((await runCli(['scan', join(dir, 'clean.txt')])).code, 0);
    assert.equal((await runCli(['scan', join(dir, 'app.env')])).code, 1);
  });
});
