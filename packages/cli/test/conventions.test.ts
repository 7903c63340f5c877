// CLI conventions every command shares (issue 2, sections 7 and 8): --help and --version, usage
// errors exit 2 with a usage message, and errors print `error TW_*: message` plus `hint:` on
// stderr, never a stack trace, with nothing on stdout and nothing touched on disk.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type CliRun as Run, runCli } from './support/run-cli.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/** The stderr lines that are ours (dependencies may print their own warnings). */
function errorLines(stderr: string): string[] {
  return stderr.split('\n').filter((l) => /^(error|hint)\b/.test(l));
}

function assertNoStack(run: Run): void {
  assert.doesNotMatch(run.stderr, /^\s+at .+:\d+:\d+\)?$/m, `stack trace on stderr:\n${run.stderr}`);
  assert.doesNotMatch(run.stdout, /^\s+at .+:\d+:\d+\)?$/m);
}

describe('tokenwarden CLI conventions', () => {
  let dir = '';
  const runs = new Map<string, Run>();

  // Every case spawns a process; run them all at once up front so the file stays fast.
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tw-cli-conventions-'));
    writeFileSync(join(dir, 'corrupt.yaml'), 'store:\n  driver: sqlite\n   url: [unclosed\n');
    writeFileSync(join(dir, 'typo-detection.yaml'), 'detection:\n  probing:\n    distinctThreshhold: 40\n');
    const data = (name: string) => join(dir, `data-${name}`);
    // Each spawn loads every package from source (seconds of CPU), so keep the list short; the
    // finer points of config errors are covered by packages/config/test without a process.
    const cases: Array<[string, string[], Record<string, string>?]> = [
      ['help', ['--help']],
      ['version', ['--version']],
      ['unknown-command', ['frobnicate']],
      ['unknown-flag', ['migrate', '--frobnicate', '--data', data('flag')]],
      ['bad-enum', ['migrate', '--data', data('enum')], { TOKENWARDEN_STORE__DRIVER: 'mysql' }],
      ['bad-detection', ['worker', '--config', join(dir, 'typo-detection.yaml'), '--data', data('detection')]],
      ['corrupt-file-json', ['migrate', '--json', '--config', join(dir, 'corrupt.yaml'), '--data', data('corrupt')]],
      [
        'unwritable-output',
        ['report', 'tw_k_nothing', '--data', data('report'), '--format', 'html', '--out', join(dir, 'no-such-dir', 'r.html')],
      ],
      ['detect-json', ['detect', join(dir, 'one.jsonl'), '--json']],
      ['revoke-empty', ['revoke', '', '--data', data('revoke-empty')]],
      ['revoke-unknown', ['revoke', 'key_00000000000000000000000000', '--data', data('revoke-unknown')]],
    ];
    writeFileSync(
      join(dir, 'one.jsonl'),
      `${JSON.stringify({ id: 'e1', time: '2026-01-05T10:00:00Z', credential_id: 'k1', source_ip: '203.0.113.9', outcome: 'success', source_system: 'gateway' })}\nnot json\n`,
    );
    const results = await Promise.all(cases.map(([, args, env]) => runCli(args, { cwd: root, env })));
    for (const [i, [name]] of cases.entries()) runs.set(name, results[i] as Run);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const get = (name: string): Run => runs.get(name) ?? assert.fail(`no run ${name}`);

  test('--help prints usage and the commands on stdout, exit 0', () => {
    const run = get('help');
    assert.equal(run.code, 0);
    assert.match(run.stdout, /^Usage: tokenwarden \[options\] \[command\]/m);
    assert.match(run.stdout, /--version/);
    assert.match(run.stdout, /^\s+migrate\b/m);
    assert.deepEqual(errorLines(run.stderr), []);
  });

  test('--version prints the package version, exit 0', () => {
    const run = get('version');
    const pkg = JSON.parse(readFileSync(join(root, 'packages/cli/package.json'), 'utf8')) as { version: string };
    assert.equal(run.code, 0);
    assert.equal(run.stdout.trim(), pkg.version);
  });

  test('an unknown command exits 2 with a usage message on stderr', () => {
    const run = get('unknown-command');
    assert.equal(run.code, 2);
    assert.match(run.stderr, /unknown command 'frobnicate'/);
    assert.match(run.stderr, /--help/);
    assert.equal(run.stdout, '');
    assertNoStack(run);
  });

  test('an unknown flag exits 2 with a usage message and touches nothing', () => {
    const run = get('unknown-flag');
    assert.equal(run.code, 2);
    assert.match(run.stderr, /unknown option '--frobnicate'/);
    assert.match(run.stderr, /--help/);
    assert.equal(run.stdout, '');
    assertNoStack(run);
    assert.equal(existsSync(join(dir, 'data-flag')), false, 'nothing created');
  });

  test('a bad config value prints error TW_CONFIG_INVALID with key, value, allowed values and a hint; exit 2', () => {
    const run = get('bad-enum');
    assert.equal(run.code, 2);
    assert.deepEqual(errorLines(run.stderr), [
      'error TW_CONFIG_INVALID: invalid config store.driver="mysql": expected one of "sqlite"|"postgres"',
      'hint: fix "store.driver" in the config file, environment or flags (set by environment variable TOKENWARDEN_STORE__DRIVER)',
    ]);
    assert.equal(run.stdout, '');
    assertNoStack(run);
    assert.equal(existsSync(join(dir, 'data-enum')), false, 'a bad config touches nothing on disk');
  });

  test('a misspelt detection threshold stops the worker before it opens anything, naming the key; exit 2', () => {
    const run = get('bad-detection');
    assert.equal(run.code, 2);
    assert.match(
      errorLines(run.stderr)[0] ?? '',
      /^error TW_DETECT_CONFIG_INVALID: detection config "probing\.distinctThreshhold" is not a known setting$/,
    );
    assert.match(errorLines(run.stderr)[1] ?? '', /^hint: probing settings: .*distinctThreshold/);
    assert.equal(run.stdout, '');
    assertNoStack(run);
    assert.equal(existsSync(join(dir, 'data-detection')), false, 'nothing created');
  });

  test('a path the operating system refuses is reported with its path and a hint, not as a bug; exit 2', () => {
    const run = get('unwritable-output');
    assert.equal(run.code, 2);
    const [error, hint] = errorLines(run.stderr);
    assert.match(error ?? '', /^error TW_NOT_FOUND: cannot open .*no-such-dir\/r\.html: no such file or directory$/);
    assert.match(hint ?? '', /^hint: /);
    assert.doesNotMatch(run.stderr, /TW_INTERNAL|this is a bug/);
    assertNoStack(run);
  });

  test('revoke: an empty argument is a usage error before anything is opened; an unknown key says where to look', () => {
    const empty = get('revoke-empty');
    assert.equal(empty.code, 2);
    assert.match(errorLines(empty.stderr)[0] ?? '', /^error TW_USAGE: nothing to revoke/);
    assert.equal(existsSync(join(dir, 'data-revoke-empty')), false, 'nothing created');
    const unknown = get('revoke-unknown');
    assert.equal(unknown.code, 2);
    const [error, hint] = errorLines(unknown.stderr);
    assert.equal(error, 'error TW_NOT_FOUND: key key_00000000000000000000000000 not found');
    assert.match(hint ?? '', /^hint: .*--data/);
  });

  test('detect --json: alerts stay JSON lines on stdout, the end-of-run summary is one JSON object on stderr', () => {
    const run = get('detect-json');
    assert.equal(run.code, 0);
    const summary = run.stderr
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, number>);
    assert.equal(summary.length, 1, run.stderr);
    assert.equal(summary[0]!.events, 1);
    assert.equal(summary[0]!.skipped, 1);
    for (const line of run.stdout.split('\n').filter(Boolean)) JSON.parse(line);
  });

  test('with --json a corrupt config file gives one JSON error on stderr: code, message naming file and line, hint; exit 2', () => {
    const run = get('corrupt-file-json');
    assert.equal(run.code, 2);
    const line = run.stderr.split('\n').find((l) => l.startsWith('{'));
    assert.ok(line, `no JSON error line in:\n${run.stderr}`);
    const parsed = JSON.parse(line) as { error: { code: string; message: string; hint?: string } };
    assert.equal(parsed.error.code, 'TW_CONFIG_INVALID');
    assert.match(parsed.error.message, /config file .*corrupt\.yaml is not valid YAML: .*line 2/);
    assert.ok(parsed.error.hint, 'a hint');
    assert.equal(run.stdout, '');
    assertNoStack(run);
    assert.equal(existsSync(join(dir, 'data-corrupt')), false, 'nothing created');
  });
});
