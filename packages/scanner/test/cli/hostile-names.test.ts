import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { formatText, terminalSafe } from '@tokenwarden/scanner';
import { zipSync } from 'fflate';
import { twToken } from '../fixtures.js';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const runner = fileURLToPath(new URL('./scan-cli-runner.ts', import.meta.url));

function scan(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', runner, JSON.stringify([['scan', ...args]])], {
      cwd: root,
      env: { ...process.env, TOKENWARDEN_FROM_SOURCE: '1', NO_COLOR: '1' },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c;
    });
    child.stderr.on('data', (c: Buffer) => {
      err += c;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(err));
      resolve((JSON.parse(out) as { code: number; stdout: string; stderr: string }[])[0] as never);
    });
  });
}

// ESC (CSI and OSC sequences), BEL, CR/LF, C1 CSI and a right-to-left override.
const CONTROLS = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u202e]/;
const HOSTILE = 'ev\u001b[31mRED\u001b]0;pwned\u0007\nline2\u202etxt.env';

// Line by line: the report's own newlines are the only control characters it may hold.
function noControls(text: string): void {
  for (const line of text.split('\n')) assert.doesNotMatch(line, CONTROLS);
}

let dir: string;
const secret = twToken();

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'tw-scan-names-'));
  writeFileSync(join(dir, HOSTILE), `t=${secret}\n`);
  const member = '\u001b[2J\u009b31mred.env';
  writeFileSync(
    join(dir, 'many.zip'),
    zipSync({ [member]: Buffer.from(`k=${twToken()}\n`), 'bin\u001b[1A.dat': new Uint8Array([0, 1, 2, 0]) }),
  );
});

after(() => rmSync(dir, { recursive: true, force: true }));

describe('hostile names in the human report', () => {
  it('show control characters of file and archive member names as escapes, on stdout and stderr', async () => {
    const r = await scan([dir]);
    assert.equal(r.code, 1);
    noControls(r.stdout);
    noControls(r.stderr);
    assert.match(r.stdout, /ev\\e\[31mRED\\e\]0;pwned\\x07\\nline2\\u202etxt\.env/);
    assert.match(r.stdout, /many\.zip!\\e\[2J\\x9b31mred\.env/);
    assert.match(r.stderr, /skipped .*many\.zip!bin\\e\[1A\.dat: binary/);
    // One line per file header: the newline in the name forged no line of its own.
    assert.equal(r.stdout.split('\n').filter((l) => l.startsWith('line2')).length, 0);
  });

  it('keep the names exact in JSON (escaped by JSON itself)', async () => {
    const r = await scan([dir, '--format', 'json']);
    const files = (JSON.parse(r.stdout) as { findings: { file: string }[] }).findings.map((f) => f.file);
    assert.ok(files.includes(join(dir, HOSTILE)), files.join(', '));
  });

  it('terminalSafe leaves ordinary text, unicode and backslashes as they are', () => {
    assert.equal(terminalSafe('src/Größe\\config.ts'), 'src/Größe\\config.ts');
    assert.equal(terminalSafe('a\tb\rc\u0000'), 'a\\tb\\rc\\x00');
    const text = formatText(
      [
        {
          rule: 'r',
          description: 'd',
          file: 'x\u001b]0;t\u0007.env',
          line: 1,
          column: 1,
          match: 'tw_k…',
          severity: 'high',
          confidence: 'high',
          author: 'Eve\u001b[2K',
          commit: 'abc',
          date: '2026-01-01',
        } as never,
      ],
      true,
    );
    noControls(text.replace(/\u001b\[[0-9;]*m/g, ''));
  });
});
