// Load generation for the token benchmark, always in a process of its own: wrk when it is on PATH
// (one thread, C and LuaJIT: it leaves the other core to the service), else autocannon in a child
// Node process (slower per request, so the numbers it gives are lower bounds).
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One load run: a POST with fixed headers and either one body or a file of bodies (one per line, cycled). */
export interface LoadSpec {
  url: string;
  headers: Record<string, string>;
  body?: string;
  bodiesFile?: string;
  connections: number;
  seconds: number;
}

/** What one run measured. */
export interface LoadResult {
  rps: number;
  non2xx: number;
  errors: number;
  p50_ms: number;
  p99_ms: number;
}

const root = fileURLToPath(new URL('../../', import.meta.url));

/** True when `wrk` runs here (Debian: `apt-get install -y wrk`) and BENCH_LOAD=autocannon does not ask for the fallback. */
export const hasWrk = process.env.BENCH_LOAD !== 'autocannon' && spawnSync('wrk', ['--version'], { stdio: 'ignore' }).error === undefined;

/** Which generator {@link runLoad} uses, for the bench output. */
export const generator = hasWrk
  ? 'wrk (separate process, 1 thread)'
  : process.env.BENCH_LOAD === 'autocannon'
    ? 'autocannon (separate Node process; BENCH_LOAD=autocannon)'
    : 'autocannon (separate Node process; wrk not on PATH)';

function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { cwd: root, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${cmd} failed: ${error.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

const lua = (s: string): string => JSON.stringify(s); // a JSON string literal is a valid Lua string literal here (ASCII)

function wrkScript(spec: LoadSpec): string {
  const lines = ['wrk.method = "POST"'];
  for (const [k, v] of Object.entries(spec.headers)) lines.push(`wrk.headers[${lua(k)}] = ${lua(v)}`);
  if (spec.bodiesFile) {
    // Requests cycle through the pool; wrk.format adds the content-length of each body.
    lines.push(
      'local bodies = {}',
      `for line in io.lines(${lua(spec.bodiesFile)}) do if #line > 0 then bodies[#bodies + 1] = line end end`,
      'local i = 0',
      'request = function()',
      '  i = i % #bodies + 1',
      '  return wrk.format(nil, nil, nil, bodies[i])',
      'end',
    );
  } else {
    lines.push(`wrk.body = ${lua(spec.body ?? '')}`);
  }
  // errors.status counts responses with status >= 400.
  lines.push(
    'done = function(summary, latency, requests)',
    '  local e = summary.errors',
    '  io.write(string.format(\'\\nRESULT {"requests":%d,"duration_us":%d,"non2xx":%d,"errors":%d,"p50_us":%d,"p99_us":%d}\\n\',',
    '    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,',
    '    latency:percentile(50), latency:percentile(99)))',
    'end',
  );
  return `${lines.join('\n')}\n`;
}

async function runWrk(spec: LoadSpec): Promise<LoadResult> {
  const dir = mkdtempSync(join(tmpdir(), 'tw-bench-wrk-'));
  try {
    const script = join(dir, 'load.lua');
    writeFileSync(script, wrkScript(spec));
    const out = await run('wrk', ['-t1', `-c${spec.connections}`, `-d${spec.seconds}s`, '-s', script, spec.url]);
    const line = out.split('\n').find((l) => l.startsWith('RESULT '));
    if (!line) throw new Error(`wrk printed no result:\n${out}`);
    const r = JSON.parse(line.slice(7)) as Record<string, number>;
    const n = r.requests as number;
    return {
      rps: Math.round(n / ((r.duration_us as number) / 1e6)),
      non2xx: r.non2xx as number,
      errors: r.errors as number,
      p50_ms: Number(((r.p50_us as number) / 1000).toFixed(2)),
      p99_ms: Number(((r.p99_us as number) / 1000).toFixed(2)),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function runAutocannon(spec: LoadSpec): Promise<LoadResult> {
  const out = await run(process.execPath, ['--import', 'tsx', 'bench/tokens/autocannon-child.ts', JSON.stringify(spec)]);
  return JSON.parse(out.trim().split('\n').pop() as string) as LoadResult;
}

/**
 * Drives `spec` from another process and returns its throughput and latency.
 *
 * @example
 * ```ts
 * const r = await runLoad({ url, headers, body: 'token=x', connections: 32, seconds: 4 });
 * ```
 */
export function runLoad(spec: LoadSpec): Promise<LoadResult> {
  return hasWrk ? runWrk(spec) : runAutocannon(spec);
}
