#!/usr/bin/env node
// Runs one benchmark (or all): `npm run bench -- gateway` runs bench/gateway/run.ts from source.
// Each benchmark measures against a baseline in the same run and writes bench/results/<area>.json.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const benchDir = join(root, 'bench');
const all = readdirSync(benchDir, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(benchDir, d.name, 'run.ts')))
  .map((d) => d.name)
  .sort();
const wanted = process.argv.slice(2);
const unknown = wanted.filter((w) => !all.includes(w));
if (unknown.length > 0) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')}; available: ${all.join(', ')}`);
  process.exit(2);
}
let failed = false;
for (const area of wanted.length > 0 ? wanted : all) {
  console.error(`== bench ${area}`);
  const r = spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', join(benchDir, area, 'run.ts')], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, TOKENWARDEN_FROM_SOURCE: '1' },
  });
  if (r.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
