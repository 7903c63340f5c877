// The fallback load generator when wrk is not installed: autocannon in its own process (never in
// the service's), given a LoadSpec as JSON in argv; prints one LoadResult JSON line.
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import type { LoadResult, LoadSpec } from './load.js';

const spec = JSON.parse(process.argv[2] as string) as LoadSpec;
const bodies = spec.bodiesFile
  ? readFileSync(spec.bodiesFile, 'utf8')
      .split('\n')
      .filter((l) => l.length > 0)
  : undefined;
const result = await autocannon({
  url: spec.url,
  connections: spec.connections,
  duration: spec.seconds,
  method: 'POST',
  headers: spec.headers,
  ...(bodies ? { requests: bodies.map((body) => ({ method: 'POST' as const, body })) } : { body: spec.body ?? '' }),
});
const out: LoadResult = {
  rps: Math.round(result.requests.average),
  non2xx: result.non2xx,
  errors: result.errors,
  p50_ms: result.latency.p50,
  p99_ms: result.latency.p99,
};
process.stdout.write(`${JSON.stringify(out)}\n`);
