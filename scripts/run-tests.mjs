#!/usr/bin/env node
// Runs every test file under packages/*/test (and bench/**/*.test.ts) with node:test through tsx,
// from the TypeScript sources (`--conditions=source`). Node 20 does not expand globs in --test,
// so the file list is built here. Fails when no test file is found or no test ran.
//
//   node scripts/run-tests.mjs                 # everything
//   node scripts/run-tests.mjs packages/store  # only files under these paths
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const filters = process.argv.slice(2).map((f) => relative(root, join(process.cwd(), f)));

function walk(dir, out) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    if (e.name === 'node_modules' || e.name === 'dist' || e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (/\.test\.ts$/.test(e.name)) out.push(relative(root, p));
  }
  return out;
}

const files = [...walk(join(root, 'packages'), []), ...walk(join(root, 'bench'), [])]
  .filter((f) => filters.length === 0 || filters.some((flt) => f.startsWith(flt)))
  .sort();
if (files.length === 0) {
  console.error('run-tests: no test files found');
  process.exit(1);
}
for (const f of files) statSync(join(root, f));

const started = Date.now();
const child = spawn(
  process.execPath,
  [
    '--conditions=source',
    '--import',
    'tsx',
    // See the file: keeps --test-force-exit from cutting off a file's last verdicts.
    '--import',
    new URL('./test-exit-flush.mjs', import.meta.url).href,
    '--test',
    '--test-reporter=spec',
    `--test-concurrency=${process.env.TEST_CONCURRENCY ?? 2}`,
    // A test that never settles fails after 10 minutes, and a file whose tests are done exits even
    // if a failed test left a server or timer open: either would otherwise hang the whole run.
    '--test-timeout=600000',
    '--test-force-exit',
    ...files,
  ],
  { cwd: root, stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, TOKENWARDEN_FROM_SOURCE: '1', NODE_ENV: 'test' } },
);
// The spec reporter prints its totals (`ℹ tests N`) and then, when something failed, the details
// of every failure, so the totals are picked up line by line rather than from the output's tail.
const totals = {};
let partial = '';
child.stdout.setEncoding('utf8');
child.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  const lines = (partial + chunk.toString()).split('\n');
  partial = lines.pop() ?? '';
  for (const line of lines) {
    const m = /^ℹ (tests|pass|fail|cancelled|skipped) (\d+)$/.exec(line.trimEnd());
    if (m) totals[m[1]] = Number(m[2]);
  }
});
child.on('close', (code) => {
  const { tests = 0, pass = 0, fail = 0, cancelled = 0, skipped = 0 } = totals;
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`\n${files.length} test files in ${secs}s`);
  console.log(`${pass} passed, ${fail} failed, ${cancelled} cancelled, ${skipped} skipped`);
  if (tests === 0) {
    console.error('run-tests: no test ran');
    process.exit(1);
  }
  process.exit(code === 0 && fail === 0 && cancelled === 0 ? 0 : 1);
});
