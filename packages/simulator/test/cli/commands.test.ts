import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

const BIN = join(import.meta.dirname, '..', '..', '..', 'cli', 'bin', 'tokenwarden.js');
const EVAL_FIXTURES = join(import.meta.dirname, '..', 'eval', 'fixtures');

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, TOKENWARDEN_FROM_SOURCE: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

test('simulate and eval work from the command line', async () => {
  const out = await mkdtemp(join(tmpdir(), 'tw-sim-cli-'));
  try {
    const [sim, scored, missing] = await Promise.all([
      cli([
        'simulate',
        '--out',
        out,
        '--users',
        '9',
        '--services',
        '1',
        '--attacks',
        '1',
        '--days',
        '4',
        '--format',
        'native',
        '--seed',
        '5',
        '--json',
      ]),
      cli(['eval', '--alerts', join(EVAL_FIXTURES, 'alerts.jsonl'), '--labels', join(EVAL_FIXTURES, 'labels.json'), '--json']),
      cli(['eval', '--alerts', join(out, 'no-such-alerts.jsonl'), '--labels', join(EVAL_FIXTURES, 'labels.json')]),
    ]);

    assert.equal(sim.code, 0, sim.stderr);
    const summary = JSON.parse(sim.stdout) as { events: number; attacks: number; files: string[] };
    assert.ok(summary.events > 100);
    assert.equal(summary.attacks, 1);
    assert.deepEqual(summary.files, ['events.native.jsonl', 'labels.json']);
    assert.ok(existsSync(join(out, 'events.native.jsonl')));
    const labels = JSON.parse(await readFile(join(out, 'labels.json'), 'utf8')) as { events: number };
    assert.equal(labels.events, summary.events);

    assert.equal(scored.code, 0, scored.stderr);
    const report = JSON.parse(scored.stdout) as {
      alerts: number;
      malformed_lines: number;
      thresholds: { threshold: string; recall: number }[];
    };
    assert.equal(report.alerts, 8);
    assert.equal(report.malformed_lines, 3);
    assert.match(scored.stderr, /alerts\.jsonl:7: not JSON/);
    assert.match(scored.stderr, /alerts\.jsonl:11: invalid "severity"/);
    assert.equal(report.thresholds.find((t) => t.threshold === 'high')?.recall, 2 / 3);

    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /error TW_INPUT_UNREADABLE: cannot read alerts file .*no-such-alerts\.jsonl: ENOENT/);
    assert.match(missing.stderr, /hint: /);
  } finally {
    await rm(out, { recursive: true, force: true });
  }
});

test('simulate says when fewer attacks fit than were asked for', async () => {
  // QA: `--attacks 5` with five users gave one attack and no word of it; an evaluation then measures fewer than planned.
  const out = await mkdtemp(join(tmpdir(), 'tw-sim-few-'));
  try {
    const sim = await cli([
      'simulate',
      '--out',
      out,
      '--users',
      '5',
      '--services',
      '1',
      '--attacks',
      '5',
      '--days',
      '3',
      '--format',
      'native',
      '--json',
    ]);
    assert.equal(sim.code, 0, sim.stderr);
    const { attacks } = JSON.parse(sim.stdout) as { attacks: number };
    assert.ok(attacks < 5, `${attacks} attacks`);
    assert.match(sim.stderr, new RegExp(`warning: 5 attacks asked, ${attacks} fit in 3 day\\(s\\)`));
  } finally {
    await rm(out, { recursive: true, force: true });
  }
});
