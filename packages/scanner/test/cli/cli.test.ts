import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { twToken } from '../fixtures.js';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const runner = fileURLToPath(new URL('./scan-cli-runner.ts', import.meta.url));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function spawnNode(args: string[], input: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', ...args], {
      cwd: root,
      env: { ...process.env, TOKENWARDEN_FROM_SOURCE: '1', NO_COLOR: '1' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c;
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(input);
  });
}

/** The real CLI entry point. */
const cli = (args: string[]) => spawnNode([join(root, 'packages/cli/src/main.ts'), ...args], '');

/** Several scan invocations in one process (stdin goes to the one that reads `-`). */
async function batch(runs: (string[] | { write: string; content: string })[], input = ''): Promise<Run[]> {
  const r = await spawnNode([runner, JSON.stringify(runs)], input);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as Run[];
}

let dir: string;
const secret = twToken();
const second = twToken();

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'tw-scan-cli-'));
  writeFileSync(join(dir, 'app.env'), `A=1\nKEY=${secret}\n`);
  chmodSync(join(dir, 'app.env'), 0o600);
  writeFileSync(join(dir, 'clean.txt'), 'nothing to see\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n');
  writeFileSync(join(dir, 'rules.yaml'), 'scanner:\n  rules:\n    - id: evil-rule\n      keywords: [x]\n      regex: "(a+)+$"\n');
});

after(() => rmSync(dir, { recursive: true, force: true }));

describe('tokenwarden scan (CLI)', () => {
  it('prints JSON findings without the secret and exits 1 (real entry point)', async () => {
    const r = await cli(['scan', join(dir, 'app.env'), '--format', 'json']);
    assert.equal(r.code, 1, r.stderr);
    const doc = JSON.parse(r.stdout) as { findings: Record<string, unknown>[] };
    assert.equal(doc.findings.length, 1);
    const f = doc.findings[0] as Record<string, unknown>;
    assert.equal(f.file, join(dir, 'app.env'));
    assert.equal(f.line, 2);
    assert.equal(f.rule, 'tokenwarden-token');
    assert.match(String(f.secret_hash), /^[0-9a-f]{64}$/);
    assert.match(String(f.match), /^tw_k_/);
    assert.ok(!r.stdout.includes(secret) && !r.stderr.includes(secret), 'secret leaked into output');
  });

  it('exit codes, stdin, --show-secrets, SARIF 2.1.0 and baselines', async () => {
    const baseline = join(dir, 'baseline.json');
    const grow = join(dir, 'grow.env');
    const [clean, badFormat, unsafe, stdin, shown, sarif, written, accepted, fresh] = (await batch(
      [
        ['scan', join(dir, 'clean.txt')],
        ['scan', dir, '--format', 'yaml'],
        ['scan', dir, '--config', join(dir, 'rules.yaml')],
        ['scan', '-', '--format', 'json'],
        ['scan', join(dir, 'app.env'), '--show-secrets'],
        ['scan', join(dir, 'app.env'), '--format', 'sarif'],
        { write: grow, content: `KEY=${secret}\n` },
        ['scan', grow, '--write-baseline', baseline],
        ['scan', grow, '--baseline', baseline],
        { write: grow, content: `KEY=${secret}\nNEW=${second}\n` },
        ['scan', grow, '--baseline', baseline, '--format', 'json'],
      ],
      `x\n\ny=${second}\n`,
    )) as [Run, Run, Run, Run, Run, Run, Run, Run, Run];
    assert.equal(clean.code, 0, clean.stderr);
    assert.match(clean.stdout, /no secrets found/);
    assert.equal(badFormat.code, 2);
    assert.equal(unsafe.code, 2);
    assert.match(unsafe.stderr, /TW_SCAN_RULE_UNSAFE.*evil-rule/);

    assert.equal(stdin.code, 1);
    const f = (JSON.parse(stdin.stdout) as { findings: { file: string; line: number }[] }).findings[0];
    assert.deepEqual([f?.file, f?.line], ['-', 3]);

    assert.equal(shown.code, 1);
    assert.ok(shown.stdout.includes(secret), '--show-secrets prints the secret');
    assert.match(shown.stdout, /app\.env\n {2}2:5 /);

    assert.equal(sarif.code, 1);
    const log = JSON.parse(sarif.stdout) as {
      version: string;
      runs: {
        tool: { driver: { rules: { id: string; shortDescription: { text: string }; help: { text: string } }[] } };
        results: unknown[];
      }[];
    };
    assert.equal(log.version, '2.1.0');
    const rule = log.runs[0]?.tool.driver.rules[0];
    assert.equal(rule?.id, 'tokenwarden-token');
    assert.ok(rule?.shortDescription.text && rule.help.text);
    const result = log.runs[0]?.results[0] as {
      ruleId: string;
      level: string;
      locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; startColumn: number } } }[];
      partialFingerprints: Record<string, string>;
    };
    assert.equal(result.ruleId, 'tokenwarden-token');
    assert.equal(result.level, 'error');
    // The PATH was absolute: a file:// URI, as code-scanning UIs resolve absolute locations.
    assert.match(result.locations[0]?.physicalLocation.artifactLocation.uri ?? '', /^file:\/\/\/.*app\.env$/);
    assert.equal(result.locations[0]?.physicalLocation.region.startLine, 2);
    assert.equal(result.locations[0]?.physicalLocation.region.startColumn, 5);
    assert.match(Object.values(result.partialFingerprints)[0] ?? '', /^[0-9a-f]{64}$/);
    assert.ok(!sarif.stdout.includes(secret));

    assert.equal(written.code, 0, written.stderr);
    assert.equal(accepted.code, 0, accepted.stdout);
    assert.equal(fresh.code, 1);
    assert.equal((JSON.parse(fresh.stdout) as { findings: unknown[] }).findings.length, 1);
  });

  it('quotes nothing of a --baseline file that is not JSON (the wrong file named may hold a secret)', async () => {
    const named = join(dir, 'not-a-baseline.json');
    const [run] = (await batch([{ write: named, content: secret }, ['scan', join(dir, 'clean.txt'), '--baseline', named]])) as [Run];
    assert.equal(run.code, 2);
    assert.match(run.stderr, /TW_SCAN_BASELINE_INVALID/);
    assert.ok(!run.stderr.includes(secret.slice(0, 8)), run.stderr);
  });

  it('takes a previous JSON or SARIF report as the baseline, and describes custom rules in SARIF', async () => {
    const tree = join(dir, 'report tree');
    const rules = join(dir, 'acme.yaml');
    mkdirSync(tree, { recursive: true });
    writeFileSync(join(tree, 'a b%.env'), `KEY=${secret}\n`);
    writeFileSync(join(tree, 'acme.env'), 'ACME=acme_k9x2m4p7q1w8e5r3t6y0u2i4o6p8a1s3\n');
    writeFileSync(
      rules,
      'scanner:\n  rules:\n    - id: acme-key\n      description: ACME API key\n      keywords: [acme_]\n      regex: "acme_[a-z0-9]{32}"\n',
    );
    const [json, sarif] = (await batch([
      ['scan', tree, '--config', rules, '--format', 'json'],
      ['scan', tree, '--config', rules, '--format', 'sarif'],
    ])) as [Run, Run];
    assert.equal(json.code, 1, json.stderr);
    assert.equal((JSON.parse(json.stdout) as { findings: unknown[] }).findings.length, 2);
    const log = JSON.parse(sarif.stdout) as {
      runs: { tool: { driver: { rules: { id: string; shortDescription: { text: string } }[] } } }[];
    };
    const custom = log.runs[0]?.tool.driver.rules.find((r) => r.id === 'acme-key');
    assert.equal(custom?.shortDescription.text, 'ACME API key');
    writeFileSync(join(dir, 'report.json'), json.stdout);
    writeFileSync(join(dir, 'report.sarif'), sarif.stdout);
    const [fromJson, fromSarif] = (await batch([
      ['scan', tree, '--config', rules, '--baseline', join(dir, 'report.json')],
      ['scan', tree, '--config', rules, '--baseline', join(dir, 'report.sarif')],
    ])) as [Run, Run];
    assert.equal(fromJson.code, 0, fromJson.stdout + fromJson.stderr);
    assert.equal(fromSarif.code, 0, fromSarif.stdout + fromSarif.stderr);
  });
});
