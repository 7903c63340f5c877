/**
 * Profiling harness: scans a generated tree in-process (no raw-read rounds, no pool unless asked),
 * so a CPU profile shows where one scanning thread spends its time.
 *
 *   node --conditions=source --import tsx bench/scan/profile-scan.ts [--mb 200] [--workers 0] [--dir DIR] [--profile out.cpuprofile]
 *
 * `--dir` reuses (or creates once) a tree there instead of a temporary one.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCpuProfile } from '../detect/cpu-profile.js';
import { importBuiltScanner } from './built-scanner.js';
import { generateTree } from './generate.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
// The scanner as shipped (dist/): from the sources each worker thread would first boot tsx.
const { runScan } = await importBuiltScanner();
const mb = Number(arg('mb') ?? 200);
const workers = Number(arg('workers') ?? 0);
const given = arg('dir');
const dir = given ?? mkdtempSync(join(tmpdir(), 'tw-prof-scan-'));
try {
  if (!given || !existsSync(join(dir, 'pkg0'))) generateTree(dir, mb << 20, 8);
  await runScan({ paths: [dir], workers }); // warm: page cache, JIT
  const stop = await startCpuProfile(process.argv);
  const t = performance.now();
  const report = await runScan({ paths: [dir], workers });
  const seconds = (performance.now() - t) / 1000;
  await stop();
  process.stderr.write(`${report.findings.length} findings in ${seconds.toFixed(2)} s: ${Math.round(mb / seconds)} MB/s\n`);
} finally {
  if (!given) rmSync(dir, { recursive: true, force: true });
}
