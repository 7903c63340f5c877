import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { runScan } from '@tokenwarden/scanner';
import { zipSync } from 'fflate';
import { crcToken, opensshKey, twToken } from '../fixtures.js';

let dir: string;
const T = {
  a: twToken(),
  b: twToken(),
  c: twToken(),
  zip: twToken(),
  tgz: twToken(),
  nested: twToken(),
  ignored: twToken(),
  nm: twToken(),
};

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'tw-scan-files-'));
  mkdirSync(join(dir, 'src/deep'), { recursive: true });
  writeFileSync(join(dir, 'src/app.ts'), `const x = 1;\nconst key = "${T.a}";\n`);
  writeFileSync(join(dir, 'src/deep/config.env'), `A=1\nB=2\nTOKEN=${T.b}\n`);
  writeFileSync(join(dir, 'image.bin'), Buffer.concat([Buffer.from([0x89, 0x50, 0x00, 0x01]), Buffer.from(T.c)]));
  writeFileSync(join(dir, 'latin.dat'), Buffer.from(Array.from({ length: 400 }, (_, i) => 0x80 + (i % 60))));
  mkdirSync(join(dir, 'node_modules/pkg'), { recursive: true });
  writeFileSync(join(dir, 'node_modules/pkg/index.js'), `k="${T.nm}"`);
  mkdirSync(join(dir, 'build'));
  writeFileSync(join(dir, 'build/out.js'), `k="${T.ignored}"`);
  writeFileSync(join(dir, '.gitignore'), 'build/\n');
  symlinkSync('..', join(dir, 'src/deep/loop'));
  writeFileSync(
    join(dir, 'bundle.zip'),
    zipSync({ 'inner/secret.txt': Buffer.from(`line\nz=${T.zip}\n`), 'nested.zip': zipSync({ 'n.txt': Buffer.from(`n=${T.nested}`) }) }),
  );
  mkdirSync(join(dir, 'tarsrc'));
  writeFileSync(join(dir, 'tarsrc/creds.txt'), `\n\ntoken ${T.tgz}\n`);
  spawnSync('tar', ['-czf', join(dir, 'release.tgz'), '-C', join(dir, 'tarsrc'), 'creds.txt']);
  rmSync(join(dir, 'tarsrc'), { recursive: true });
  writeFileSync(join(dir, 'broken.zip'), Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(60, 7)]));
  writeFileSync(
    join(dir, 'analysis.ipynb'),
    JSON.stringify(
      {
        cells: [
          { cell_type: 'markdown', source: ['# title\n', 'text\n'] },
          {
            cell_type: 'code',
            source: ['import os\n', `GH = "${crcToken('ghp_')}"\n`, 'print(GH)\n'],
            outputs: [{ output_type: 'stream', text: ['ok\n'] }],
          },
        ],
        nbformat: 4,
      },
      null,
      1,
    ),
  );
});

after(() => rmSync(dir, { recursive: true, force: true }));

const secretsOf = (findings: { secret: string }[]) => new Set(findings.map((f) => f.secret));

describe('directory scans', () => {
  it('walk the tree, open archives and notebooks, skip binaries, survive symlink loops and corrupt archives', async () => {
    const report = await runScan({ paths: [dir], workers: 0 });
    const secrets = secretsOf(report.findings);
    for (const k of ['a', 'b', 'zip', 'nested', 'tgz', 'ignored'] as const) assert.ok(secrets.has(T[k]), `missing ${k}`);
    assert.ok(!secrets.has(T.c), 'binary file was scanned');
    assert.ok(!secrets.has(T.nm), 'node_modules scanned by default');
    const app = report.findings.find((f) => f.secret === T.a);
    assert.equal(app?.file, join(dir, 'src/app.ts'));
    assert.equal(app?.line, 2);
    assert.equal(report.findings.find((f) => f.secret === T.zip)?.file, join(dir, 'bundle.zip!inner/secret.txt'));
    assert.equal(report.findings.find((f) => f.secret === T.tgz)?.line, 3);
    const nb = report.findings.find((f) => f.rule === 'github-pat');
    assert.equal(nb?.cell, 1);
    assert.ok(nb && nb.line > 1, 'notebook finding should point into the .ipynb file');
    const reasons = report.skipped.map((s) => `${s.file}: ${s.reason}`).join('\n');
    assert.match(reasons, /image\.bin: binary/);
    assert.match(reasons, /latin\.dat: binary \(invalid UTF-8\)/);
    assert.match(reasons, /broken\.zip: corrupt zip/);
  });

  it('scan as text a source file that mentions ustar where a tar header would have it (a tar library does)', async () => {
    const own = mkdtempSync(join(tmpdir(), 'tw-scan-ustar-'));
    try {
      const token = twToken();
      // ASCII only, so 'ustar' lands at byte 257, followed by a backslash rather than a NUL or space.
      const lead = `// tar constants\nconst API_KEY = '${token}';\nvar GNU_MAGIC = Buffer.from('`.padStart(257, ' ');
      writeFileSync(join(own, 'headers.js'), `${lead}ustar\\x20', 'binary')\n`);
      const report = await runScan({ paths: [own], workers: 0 });
      assert.deepEqual(report.skipped, []);
      assert.ok(secretsOf(report.findings).has(token));
    } finally {
      rmSync(own, { recursive: true, force: true });
    }
  });

  it('report bzip2 and xz archives (.tar.bz2, .tbz2, .tar.xz, .txz, .bz2) as skipped: not opened, not "binary"', async () => {
    const own = mkdtempSync(join(tmpdir(), 'tw-scan-bz-'));
    try {
      mkdirSync(join(own, 'src'));
      writeFileSync(join(own, 'src/creds.env'), `TOKEN=${twToken()}\n`);
      const made: [string, string[]][] = [
        ['a.tar.bz2', ['-cjf']],
        ['a.tbz2', ['-cjf']],
        ['a.tar.xz', ['-cJf']],
        ['a.txz', ['-cJf']],
      ];
      for (const [name, flags] of made) spawnSync('tar', [...flags, join(own, name), '-C', join(own, 'src'), 'creds.env']);
      spawnSync('bzip2', ['-k', join(own, 'src/creds.env')]);
      rmSync(join(own, 'src/creds.env'));
      // Text that merely starts like a bzip2 header is still text.
      const text = twToken();
      writeFileSync(join(own, 'notes.txt'), `BZh9 release notes\nkey = "${text}"\n`);
      for (const limits of [undefined, { chunkBytes: 128, overlapChars: 100, maxArchiveBytes: 1 << 20 }]) {
        const report = await runScan({ paths: [own], workers: 0, ...(limits ? { limits } : {}) });
        const reason = (f: string) => report.skipped.find((s) => s.file === join(own, f))?.reason ?? '';
        for (const f of ['a.tar.bz2', 'a.tbz2', 'src/creds.env.bz2']) assert.match(reason(f), /^bzip2-compressed: not opened/);
        for (const f of ['a.tar.xz', 'a.txz']) assert.match(reason(f), /^xz-compressed: not opened/);
        assert.deepEqual(
          report.findings.map((f) => f.secret),
          [text],
        );
      }
    } finally {
      rmSync(own, { recursive: true, force: true });
    }
  });

  it('respect .gitignore and include node_modules only on request', async () => {
    const report = await runScan({ paths: [dir], gitignore: true, includeNodeModules: true, workers: 0 });
    const secrets = secretsOf(report.findings);
    assert.ok(!secrets.has(T.ignored));
    assert.ok(secrets.has(T.nm));
  });

  it('give the same findings in worker threads', async () => {
    const inline = await runScan({ paths: [dir], workers: 0 });
    const pooled = await runScan({ paths: [dir], workers: 2 });
    const key = (f: { file: string; line: number; rule: string }) => `${f.file}:${f.line}:${f.rule}`;
    assert.deepEqual(pooled.findings.map(key).sort(), inline.findings.map(key).sort());
  });

  it('give the same findings and counts when this thread scans alongside a worker (more batches than a worker queues)', async () => {
    const many = mkdtempSync(join(tmpdir(), 'tw-scan-many-'));
    try {
      const planted: string[] = [];
      for (let i = 0; i < 400; i++) {
        const secret = i % 25 === 0 ? twToken() : undefined;
        if (secret) planted.push(secret);
        writeFileSync(join(many, `f${i}.ts`), `const a${i} = ${i};\n${secret ? `const key = "${secret}";\n` : ''}`);
      }
      const inline = await runScan({ paths: [many], workers: 0 });
      const pooled = await runScan({ paths: [many], workers: 2 });
      assert.equal(pooled.stats.files, 400);
      assert.equal(pooled.stats.bytes, inline.stats.bytes);
      assert.deepEqual(pooled.findings.map((f) => f.secret).sort(), [...planted].sort());
      assert.deepEqual(inline.findings.map((f) => f.secret).sort(), [...planted].sort());
    } finally {
      rmSync(many, { recursive: true, force: true });
    }
  });

  it('scan stdin', async () => {
    const token = twToken();
    const report = await runScan({ paths: ['-'], stdin: Readable.from([Buffer.from(`x\ny=${token}\n`)]) });
    assert.deepEqual(
      report.findings.map((f) => [f.file, f.line]),
      [['-', 2]],
    );
  });

  it('stream large files in chunks with correct line numbers across chunk boundaries', async () => {
    const big = mkdtempSync(join(tmpdir(), 'tw-scan-big-'));
    try {
      const lines: string[] = [];
      const tokens: string[] = [];
      for (let i = 0; i < 4000; i++) {
        if (i % 500 === 250) {
          const t = twToken();
          tokens.push(t);
          lines.push(`key_${i} = "${t}"`);
        } else lines.push(`const value_${i} = compute(${i}, "some text to fill the line up");`);
      }
      writeFileSync(join(big, 'big.ts'), lines.join('\n'));
      const report = await runScan({ paths: [big], workers: 0, limits: { chunkBytes: 4096, overlapChars: 256, maxArchiveBytes: 1 << 20 } });
      assert.deepEqual(
        report.findings.map((f) => f.line).sort((a, b) => a - b),
        tokens.map((_, k) => 251 + k * 500),
      );
    } finally {
      rmSync(big, { recursive: true, force: true });
    }
  });

  it('reports a token cut by a chunk boundary once, whole, as a file read at once would', async () => {
    // The chunk ending mid-token saw a shorter string, reported as another (generic) secret beside the whole token
    // the overlapping next chunk found; on a minified line that one's column counted from the chunk, not the line.
    // (A file between the chunk size and the sniff size was also read as binary: the unread sniff bytes were zeros.)
    const dir = mkdtempSync(join(tmpdir(), 'tw-scan-straddle-'));
    try {
      const limits = { chunkBytes: 4096, overlapChars: 256, maxArchiveBytes: 1 << 20 };
      for (const [name, text] of [
        ['minified.json', `${'x'.repeat(4050)},"api_token":"${twToken()}",${'y'.repeat(9000)}`],
        ['lines.env', `${'# filler line of text\n'.repeat(184)}API_TOKEN=${twToken()}\n${'z\n'.repeat(2000)}`],
      ] as const) {
        writeFileSync(join(dir, name), text);
        const whole = await runScan({ paths: [join(dir, name)], workers: 0 });
        const chunked = await runScan({ paths: [join(dir, name)], workers: 0, limits });
        assert.equal(whole.findings.length, 1, name);
        assert.deepEqual(
          chunked.findings.map((f) => [f.rule, f.line, f.column]),
          whole.findings.map((f) => [f.rule, f.line, f.column]),
          name,
        );
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('unsafe storage', () => {
  it('reports secrets in group/other-readable files, logs, shell history and loose credential files (SSH keys too) with a higher severity', async () => {
    const home = mkdtempSync(join(tmpdir(), 'tw-scan-home-'));
    try {
      const put = (rel: string, text: string, mode: number) => {
        mkdirSync(join(home, rel, '..'), { recursive: true });
        writeFileSync(join(home, rel), text);
        chmodSync(join(home, rel), mode);
      };
      const tokens = { priv: twToken(), open: twToken(), hist: twToken(), npmrc: twToken(), log: twToken() };
      put('private.env', `K=${tokens.priv}`, 0o600);
      put('shared.env', `K=${tokens.open}`, 0o644);
      put('.bash_history', `curl -H "x-api-key: ${tokens.hist}" https://api.acme.io\n`, 0o600);
      put('.npmrc', `//registry.acme.io/:_authToken=${tokens.npmrc}\n`, 0o644);
      put('logs/app.txt', `request with ${tokens.log}`, 0o600);
      const report = await runScan({ paths: [home], workers: 0 });
      const by = (t: string) => report.findings.find((f) => f.secret === t);
      assert.equal(by(tokens.priv)?.reason, undefined);
      assert.equal(by(tokens.priv)?.severity, 'critical');
      assert.match(by(tokens.open)?.reason ?? '', /readable by group and others \(mode 0644\)/);
      assert.match(by(tokens.hist)?.reason ?? '', /shell history/);
      assert.match(by(tokens.npmrc)?.reason ?? '', /credential file \.npmrc with loose mode 0644/);
      assert.match(by(tokens.log)?.reason ?? '', /log file/);
      put('.ssh/id_ed25519', opensshKey(), 0o644);
      put('.ssh/config', 'Host build\n  IdentityFile ~/.ssh/id_ed25519\n', 0o644);
      const homeReport = await runScan({ home: true, homeDir: home, workers: 0 });
      const sshKey = homeReport.findings.find((f) => f.rule === 'private-key-openssh');
      assert.match(sshKey?.reason ?? '', /credential file SSH private key with loose mode 0644/);
      assert.equal(sshKey?.file, join(home, '.ssh/id_ed25519'));
      assert.ok(secretsOf(homeReport.findings).has(tokens.hist));
      assert.ok(secretsOf(homeReport.findings).has(tokens.npmrc));
      assert.ok(!secretsOf(homeReport.findings).has(tokens.open), '--home reads only well-known credential locations');
      const medium = report.findings.find((f) => f.rule === 'npmrc-auth-token');
      assert.ok(!medium || medium.severity === 'critical', 'high raised to critical in a loose .npmrc');
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});

describe('a work tree', () => {
  it('reads .git/config, where a remote URL can hold a token, and no other .git internals', async () => {
    const tree = mkdtempSync(join(tmpdir(), 'tw-scan-dotgit-'));
    try {
      const inUrl = crcToken('ghp_');
      const inObjects = twToken();
      mkdirSync(join(tree, '.git/objects/ab'), { recursive: true });
      writeFileSync(join(tree, '.git/config'), `[remote "origin"]\n\turl = https://dev:${inUrl}@github.com/acme/app.git\n`);
      writeFileSync(join(tree, '.git/objects/ab/cdef'), `k=${inObjects}\n`);
      writeFileSync(join(tree, '.git/HEAD'), `ref: refs/heads/main\nk=${inObjects}\n`);
      const report = await runScan({ paths: [tree], gitignore: true, workers: 0 });
      assert.deepEqual(
        report.findings.map((f) => [f.file, f.line, f.secret]),
        [[join(tree, '.git/config'), 2, inUrl]],
      );
    } finally {
      rmSync(tree, { recursive: true, force: true });
    }
  });
});

describe('a Jupyter notebook as nbformat writes it', () => {
  it('points each finding at its line of the .ipynb file, outputs (written before the source) included', async () => {
    const tree = mkdtempSync(join(tmpdir(), 'tw-scan-nb-'));
    try {
      const [inSource, inOutput, later] = [crcToken('ghp_'), twToken(), twToken()];
      // nbformat sorts a cell's keys: cell_type, execution_count, metadata, outputs, source.
      const cell = (outputs: string[], source: string[]) => ({
        cell_type: 'code',
        execution_count: 1,
        metadata: {},
        outputs: outputs.length > 0 ? [{ name: 'stdout', output_type: 'stream', text: outputs }] : [],
        source,
      });
      const text = JSON.stringify(
        {
          cells: [
            cell([`token is ${inOutput}\n`, '\n'], ['\n', 'print(tok)\n']),
            cell([], ['\n', `GH = "${inSource}"\n`]),
            cell(['\n', `again ${later}\n`], ['x = 1\n']),
          ],
          metadata: {},
          nbformat: 4,
          nbformat_minor: 5,
        },
        null,
        1,
      );
      const file = join(tree, 'analysis.ipynb');
      writeFileSync(file, text);
      const lineOf = (s: string) => text.split('\n').findIndex((l) => l.includes(s)) + 1;
      const report = await runScan({ paths: [file], workers: 0 });
      const where = (s: string) => report.findings.filter((f) => f.secret === s).map((f) => [f.line, f.cell]);
      assert.deepEqual(where(inOutput), [[lineOf(inOutput), 0]]);
      assert.deepEqual(where(inSource), [[lineOf(inSource), 1]]);
      assert.deepEqual(where(later), [[lineOf(later), 2]]);
    } finally {
      rmSync(tree, { recursive: true, force: true });
    }
  });
});

describe('a pipe named as a path', () => {
  it('is read to its end like stdin (a FIFO, <(cat .env), /dev/stdin fed by a pipe)', { timeout: 20_000 }, async () => {
    const tree = mkdtempSync(join(tmpdir(), 'tw-scan-fifo-'));
    // A writer in its own process: it blocks until the scan opens the pipe, and is killed after.
    let writer: ChildProcess | undefined;
    try {
      const token = twToken();
      const fifo = join(tree, 'feed');
      spawnSync('mkfifo', [fifo]);
      writer = spawn('sh', ['-c', 'cat > "$0"', fifo], { stdio: ['pipe', 'ignore', 'ignore'] });
      writer.stdin?.end(`A=1\nKEY=${token}\n`);
      const report = await runScan({ paths: [fifo], workers: 0 });
      assert.deepEqual(
        report.findings.map((f) => [f.file, f.line, f.secret]),
        [[fifo, 2, token]],
      );
    } finally {
      writer?.kill('SIGKILL');
      rmSync(tree, { recursive: true, force: true });
    }
  });
});
