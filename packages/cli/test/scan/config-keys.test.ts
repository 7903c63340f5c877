import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ScannerRuleSection } from '@tokenwarden/config';
import type { CustomRuleSpec } from '@tokenwarden/scanner';
import { type CliRun, runCli } from '../support/run-cli.js';

// `scan --config FILE` validates the file like every other command (`detect` included): an
// unknown or misspelt key at any depth (a section, a key of the scanner section, a field of a
// custom rule) is TW_CONFIG_INVALID naming the key path, exit 2, before anything is scanned. It
// used to read only scanner.rules out of the file and ignore everything else, so a typo silently
// turned a custom rule off and a pre-commit hook passed.

// The config schema lists the keys a custom rule may have: exactly those the scanner reads.
type SameKeys<A, B> = [Exclude<keyof A, keyof B> | Exclude<keyof B, keyof A>] extends [never] ? true : false;
const ruleKeysMatch: SameKeys<ScannerRuleSection, CustomRuleSpec> = true;

describe('tokenwarden scan --config with unknown keys', () => {
  let dir = '';
  const runs = new Map<string, CliRun>();
  const config = (name: string) => join(dir, `${name}.yaml`);

  // Each spawn loads the CLI from source: run them all at once up front.
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tw-cli-scan-config-'));
    writeFileSync(join(dir, 'leak.txt'), 'ACME=acme_k9x2m4p7q1w8e5r3t6y0u2i4o6p8a1s3\n');
    const rule = '    - id: acme-key\n      keywords: [acme_]\n      regex: "acme_[a-z0-9]{32}"\n';
    writeFileSync(config('section'), `scannr:\n  rules:\n${rule}`);
    writeFileSync(config('key'), 'scanner:\n  rulez: []\n');
    writeFileSync(config('rule-field'), `scanner:\n  rules:\n${rule}      entrpy: 3\n`);
    writeFileSync(config('valid'), `scanner:\n  rules:\n${rule}      entropy: 3\n      severity: high\n`);
    const names = ['section', 'key', 'rule-field', 'valid'];
    const results = await Promise.all(names.map((name) => runCli(['scan', join(dir, 'leak.txt'), '--config', config(name)])));
    for (const [i, name] of names.entries()) runs.set(name, results[i] as CliRun);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const get = (name: string): CliRun => runs.get(name) ?? assert.fail(`no run ${name}`);

  function assertRefused(run: CliRun, key: string, guess: string): void {
    assert.equal(run.code, 2, run.stdout + run.stderr);
    assert.match(run.stderr, new RegExp(`^error TW_CONFIG_INVALID: invalid config ${key.replaceAll('.', '\\.')}=`, 'm'));
    assert.match(run.stderr, new RegExp(`^hint: did you mean "${guess.replaceAll('.', '\\.')}"\\?`, 'm'));
    assert.equal(run.stdout, '', 'nothing scanned, nothing printed');
  }

  it('refuses an unknown top-level section, naming it', () => assertRefused(get('section'), 'scannr', 'scanner'));

  it('refuses an unknown key in the scanner section, naming its path', () => assertRefused(get('key'), 'scanner.rulez', 'scanner.rules'));

  it('refuses a misspelt field of a custom rule, naming its path', () =>
    assertRefused(get('rule-field'), 'scanner.rules.0.entrpy', 'scanner.rules.0.entropy'));

  it('still scans with a valid config and its custom rule', () => {
    assert.ok(ruleKeysMatch);
    const run = get('valid');
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stdout, /acme-key/);
    assert.doesNotMatch(run.stderr, /TW_CONFIG_INVALID/);
  });
});
