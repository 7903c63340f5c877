// The scanner of this checkout against the scanner of another commit, in one process on one
// generated tree: alternating rounds of raw read, the other commit's one-thread scan, raw read and
// this one's, so both see the same load on a shared machine. Prints JSON (not written to
// bench/results: it compares code versions, not a release).
//
//   node --conditions=source --import tsx bench/scan/compare.ts --against 7f55409 [--mb 50] [--rounds 3]
//
// The other commit's packages/scanner is extracted with `git archive` into a temporary directory
// that links this checkout's node_modules, and imported from its TypeScript sources, as is this
// checkout's; findings must agree on the planted secrets.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateTree } from './generate.js';

type Scanner = typeof import('@tokenwarden/scanner');

const args = process.argv.slice(2);
const opt = (name: string, fallback: string) => (args.includes(name) ? (args[args.indexOf(name) + 1] ?? fallback) : fallback);
const against = opt('--against', '');
if (!/^[0-9a-f]{7,40}$/i.test(against)) throw new Error('--against <commit> is required (a commit id)');
const mb = Number(opt('--mb', '50')) || 50;
const rounds = Math.max(1, Number(opt('--rounds', '3')) || 3);
const repo = fileURLToPath(new URL('../../', import.meta.url));

function listFiles(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) listFiles(p, out);
    else out.push(p);
  }
  return out;
}

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

const work = mkdtempSync(join(tmpdir(), 'tw-bench-compare-'));
try {
  const oldRoot = join(work, 'old');
  execFileSync('sh', ['-c', `mkdir -p "${oldRoot}" && git -C "${repo}" archive ${against} packages/scanner | tar -x -C "${oldRoot}"`]);
  symlinkSync(join(repo, 'node_modules'), join(oldRoot, 'node_modules'));
  const before = (await import(join(oldRoot, 'packages/scanner/src/index.ts'))) as Scanner;
  const now = (await import('@tokenwarden/scanner')) as Scanner;

  const tree = join(work, 'tree');
  const planted = generateTree(tree, mb << 20, 8);
  const files = listFiles(tree);
  const megabytes = files.reduce((n, f) => n + readFileSync(f).length, 0) / 1048576;
  const rawRead = () => {
    const t = performance.now();
    for (const f of files) readFileSync(f);
    return performance.now() - t;
  };
  const scan = async (s: Scanner) => {
    const t = performance.now();
    const c = cpuMs();
    const report = await s.runScan({ paths: [tree], workers: 0 });
    const found = new Set(report.findings.map((f) => `${f.file}:${f.line}:${f.secret}`));
    return {
      ms: performance.now() - t,
      cpuMs: cpuMs() - c,
      planted: planted.filter((p) => found.has(`${p.file}:${p.line}:${p.secret}`)).length,
    };
  };
  const perRound: Record<string, number>[] = [];
  for (let r = 0; r < rounds; r++) {
    const rawBefore = rawRead();
    const a = await scan(before);
    const rawNow = rawRead();
    const b = await scan(now);
    const round = {
      before_mb_per_s: megabytes / (a.ms / 1000),
      now_mb_per_s: megabytes / (b.ms / 1000),
      speedup_wall: a.ms / b.ms,
      speedup_cpu: a.cpuMs / b.cpuMs,
      before_vs_raw_read: a.ms / rawBefore,
      now_vs_raw_read: b.ms / rawNow,
      before_planted_found: a.planted,
      now_planted_found: b.planted,
    };
    perRound.push(round);
    process.stderr.write(`round ${r + 1}: ${JSON.stringify(round, (_k, v) => (typeof v === 'number' ? Math.round(v * 100) / 100 : v))}\n`);
  }
  const median = (key: string) => {
    const xs = perRound.map((r) => r[key] as number).sort((x, y) => x - y);
    return Math.round((xs[Math.floor(xs.length / 2)] as number) * 100) / 100;
  };
  const result = {
    benchmark: 'scan-compare',
    command: `node ${process.execArgv.join(' ')} bench/scan/compare.ts --against ${against} --mb ${mb} --rounds ${rounds}`,
    date: new Date().toISOString(),
    loadavg_at_end: loadavg().map((n) => Math.round(n * 100) / 100),
    tree: { files: files.length, megabytes: Math.round(megabytes * 100) / 100, planted_secrets: planted.length },
    median: Object.fromEntries(Object.keys(perRound[0] ?? {}).map((k) => [k, median(k)])),
  };
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
