import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runScan } from '@tokenwarden/scanner';
import { twToken } from '../../fixtures.js';

let dir: string;
const T = { host: twToken(), hostDir: twToken(), hostGit: twToken(), inside: twToken(), home: twToken() };
const NOT_FOLLOWED = 'symlink to a target outside the scanned root: not followed';

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'tw-scan-links-'));
  // The host: credentials outside the repository.
  mkdirSync(join(dir, 'host/.aws'), { recursive: true });
  writeFileSync(join(dir, 'host/.aws/credentials'), `[default]\ntoken = ${T.host}\n`);
  mkdirSync(join(dir, 'host/secrets'));
  writeFileSync(join(dir, 'host/secrets/k.env'), `KEY=${T.hostDir}\n`);
  mkdirSync(join(dir, 'host/other/.git'), { recursive: true });
  writeFileSync(join(dir, 'host/other/.git/config'), `[remote "o"]\n  url = https://x:${T.hostGit}@example.org/r.git\n`);
  // The repository: links out to all of them, and one link inside.
  mkdirSync(join(dir, 'repo/src'), { recursive: true });
  writeFileSync(join(dir, 'repo/src/app.env'), `KEY=${T.inside}\n`);
  symlinkSync(join(dir, 'host/.aws/credentials'), join(dir, 'repo/leak.txt'));
  symlinkSync('../host/secrets', join(dir, 'repo/secrets'));
  symlinkSync(join(dir, 'host/other/.git'), join(dir, 'repo/.git'));
  symlinkSync('src/app.env', join(dir, 'repo/alias.env'));
  symlinkSync('../src', join(dir, 'repo/src/self'));
  // A home whose credential file is a link into a dotfiles repository.
  mkdirSync(join(dir, 'home/dotfiles'), { recursive: true });
  writeFileSync(join(dir, 'home/dotfiles/netrc'), `machine example.org login x password ${T.home}\n`);
  symlinkSync(join(dir, 'home/dotfiles/netrc'), join(dir, 'home/.netrc'));
});

after(() => rmSync(dir, { recursive: true, force: true }));

describe('symlinks leaving the scanned root', () => {
  it('are reported as skipped, not followed: no host file is read or reported', async () => {
    const report = await runScan({ paths: [join(dir, 'repo')] });
    const secrets = new Set(report.findings.map((f) => f.secret));
    assert.ok(!secrets.has(T.host), 'a file link out of the root was followed');
    assert.ok(!secrets.has(T.hostDir), 'a directory link out of the root was followed');
    assert.ok(!secrets.has(T.hostGit), 'a .git linked out of the root was read');
    assert.ok(secrets.has(T.inside));
    const skipped = report.skipped.filter((s) => s.reason === NOT_FOLLOWED).map((s) => s.file);
    assert.deepEqual(skipped.sort(), [join(dir, 'repo/.git/config'), join(dir, 'repo/leak.txt'), join(dir, 'repo/secrets')].sort());
  });

  it('inside the root are followed once (the target is scanned once, loops end)', async () => {
    const report = await runScan({ paths: [join(dir, 'repo')] });
    assert.equal(report.findings.filter((f) => f.secret === T.inside).length, 1);
  });

  it('a root that is itself a link is followed (the user named it)', async () => {
    const report = await runScan({ paths: [join(dir, 'repo/leak.txt')] });
    assert.deepEqual(
      report.findings.map((f) => f.secret),
      [T.host],
    );
  });

  it('--home follows the links of the user’s own credential files (dotfiles)', async () => {
    const report = await runScan({ paths: [], home: true, homeDir: join(dir, 'home') });
    assert.ok(report.findings.some((f) => f.secret === T.home));
  });
});
