/**
 * Detection benchmark: full pipeline (parse + enrich + engine) against a parse-only baseline
 * (read lines + JSON.parse) over the same generated file in the same run; memory per tracked
 * credential as credentials grow; p99 per-event latency in streaming mode.
 *
 *   node --conditions=source --import tsx bench/detect/run.ts [--events 1000000] [--credentials 20000] [--max-credentials 1000000]
 *
 * Writes bench/results/detect.json.
 */
import { createReadStream, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import v8 from 'node:v8';
import vm from 'node:vm';
import {
  createDetectionEngine,
  createEnricher,
  createIpIntel,
  type EnrichedEvent,
  parseNativeRecord,
  runDetectionPipeline,
} from '@tokenwarden/detection';
import { prng, randomPublicIp, writeNativeEvents } from './generate-events.js';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}
const EVENTS = arg('events', 1_000_000);
const CREDENTIALS = arg('credentials', 20_000);
const MAX_CREDENTIALS = arg('max-credentials', 1_000_000);
const MEMORY_BUDGET_MS = arg('memory-budget-s', 90) * 1000;

const dir = mkdtempSync(join(tmpdir(), 'tw-bench-detect-'));
const file = join(dir, 'events.jsonl');
const log = (m: string) => process.stderr.write(`${m}\n`);

async function baseline(): Promise<{ seconds: number; events: number }> {
  const t = performance.now();
  let n = 0;
  const rl = createInterface({ input: createReadStream(file), crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of rl) {
    if (line.length === 0) continue;
    const o = JSON.parse(line) as { id?: string };
    if (o.id) n++;
  }
  return { seconds: (performance.now() - t) / 1000, events: n };
}

async function fullPipeline(intel: ReturnType<typeof createIpIntel>, withEngine = true) {
  const engine = withEngine ? createDetectionEngine() : { process: () => [], flush: () => [], stats: () => ({}) };
  let alerts = 0;
  let issues = 0;
  const t = performance.now();
  const summary = await runDetectionPipeline([file], {
    engine,
    enrich: createEnricher({ ipIntel: intel }),
    onAlert: () => {
      alerts++;
    },
    onIssue: () => {
      issues++;
    },
  });
  return { seconds: (performance.now() - t) / 1000, events: summary.events, alerts, issues, engine: engine.stats() };
}

function streamingLatency(intel: ReturnType<typeof createIpIntel>, lines: string[]) {
  const engine = createDetectionEngine();
  const enrich = createEnricher({ ipIntel: intel });
  const samples = new Float64Array(lines.length);
  for (let i = 0; i < lines.length; i++) {
    const t = performance.now();
    const outcome = parseNativeRecord(JSON.parse(lines[i] as string), { source: 'bench', line: i + 1 });
    if (outcome.kind === 'event') engine.process(enrich(outcome.event));
    samples[i] = performance.now() - t;
  }
  samples.sort();
  const q = (p: number) => Number((samples[Math.min(samples.length - 1, Math.floor(p * samples.length))] as number).toFixed(4));
  return { events: lines.length, p50_ms: q(0.5), p99_ms: q(0.99), p999_ms: q(0.999), max_ms: q(1) };
}

function memoryPerCredential() {
  const engine = createDetectionEngine();
  const rnd = prng(7);
  const geos = Array.from({ length: 64 }, (_, i) => ({
    country: ['US', 'DE', 'FR', 'GB', 'JP', 'BR', 'IN', 'CA'][i % 8] as string,
    city: `city-${i}`,
    lat: -60 + rnd() * 120,
    lon: -180 + rnd() * 360,
    asn: 64_512 + i,
    as_org: `Example Net ${i}`,
    asn_kind: 'residential' as const,
  }));
  const clients = [
    { family: 'Chrome', os: 'Mac OS', device: 'desktop', scripted: false },
    { family: 'aws-cli', os: 'Linux', scripted: true },
  ];
  const ips = Array.from({ length: 4096 }, () => randomPublicIp(rnd));
  const checkpoints = [50_000, 100_000, 250_000, 500_000, 750_000, 1_000_000].filter((c) => c <= MAX_CREDENTIALS);
  gc();
  const base = { heap: process.memoryUsage().heapUsed, rss: process.memoryUsage().rss };
  const points: Array<{
    credentials: number;
    tracked: number;
    heap_mb: number;
    rss_mb: number;
    heap_bytes_per_credential: number;
    rss_bytes_per_credential: number;
  }> = [];
  const start = performance.now();
  const t0 = Date.UTC(2026, 0, 5);
  let c = 0;
  let seq = 0;
  for (const target of checkpoints) {
    for (; c < target; c++) {
      // Four events per credential: enough to fill its place, client, time and operation sketches.
      for (let k = 0; k < 4; k++) {
        const ts = t0 + seq * 10;
        const event: EnrichedEvent = {
          id: `m-${seq++}`,
          time: new Date(ts).toISOString(),
          ts,
          credential_id: `cred-${c}`,
          credential_key: `cred-${c}`,
          principal: `user-${c}`,
          source_ip: ips[(c * 4 + k) % ips.length],
          operation: `GET /v1/r${k}`,
          outcome: 'success',
          status: 200,
          source_system: 'gateway',
          geo: geos[(c + k) % geos.length],
          client: clients[c % 2],
        };
        engine.process(event);
      }
    }
    gc();
    const mem = process.memoryUsage();
    const tracked = engine.stats().credentials;
    const heap = mem.heapUsed - base.heap;
    const rss = mem.rss - base.rss;
    points.push({
      credentials: target,
      tracked,
      heap_mb: Number((heap / 1048576).toFixed(1)),
      rss_mb: Number((rss / 1048576).toFixed(1)),
      heap_bytes_per_credential: Math.round(heap / Math.max(1, tracked)),
      rss_bytes_per_credential: Math.round(rss / Math.max(1, tracked)),
    });
    log(`  memory: ${target} credentials (${tracked} tracked): heap +${points.at(-1)?.heap_mb} MB, rss +${points.at(-1)?.rss_mb} MB`);
    if (performance.now() - start > MEMORY_BUDGET_MS) {
      log(`  memory: stopping at ${target} credentials (time budget)`);
      break;
    }
  }
  return { points, seconds: Number(((performance.now() - start) / 1000).toFixed(1)) };
}

async function main(): Promise<void> {
  log(`generating ${EVENTS} native events for ${CREDENTIALS} credentials...`);
  const generated = await writeNativeEvents(file, EVENTS, CREDENTIALS);
  log(
    `  ${generated.distinct_ips} distinct IPs (${generated.distinct_ip_prefixes_24} /24s), ${generated.distinct_user_agents} distinct user agents: ${generated.description}`,
  );
  const bytes = statSync(file).size;

  const intel = createIpIntel();
  let t = performance.now();
  intel.lookup('8.8.8.8');
  intel.lookup('2001:4860:4860::8888');
  const intelLoadSeconds = (performance.now() - t) / 1000;
  log(`ip intel loaded in ${intelLoadSeconds.toFixed(2)} s`);

  // The machine is shared: interleave the three measurements over several rounds and keep each
  // one's best round, so a load spike during one of them does not decide the ratio.
  const rounds = arg('rounds', 2);
  let baseRate = 0;
  let ingestRate = 0;
  let fullRate = 0;
  let full: Awaited<ReturnType<typeof fullPipeline>> | undefined;
  for (let r = 1; r <= rounds; r++) {
    const base = await baseline();
    baseRate = Math.max(baseRate, base.events / base.seconds);
    const ingest = await fullPipeline(intel, false);
    ingestRate = Math.max(ingestRate, ingest.events / ingest.seconds);
    const run = await fullPipeline(intel);
    if (run.events / run.seconds > fullRate) {
      fullRate = run.events / run.seconds;
      full = run;
    }
    log(
      `round ${r}: baseline ${Math.round(base.events / base.seconds)}/s, ingestion ${Math.round(ingest.events / ingest.seconds)}/s, full ${Math.round(run.events / run.seconds)}/s (${run.alerts} alerts)`,
    );
  }
  if (!full) throw new Error('no round ran');

  log('streaming latency...');
  const lines: string[] = [];
  const rl = createInterface({ input: createReadStream(file) });
  for await (const line of rl) {
    lines.push(line);
    if (lines.length >= Math.min(200_000, EVENTS)) break;
  }
  rl.close();
  const latency = streamingLatency(intel, lines);
  lines.length = 0;
  log(`  p99 ${latency.p99_ms} ms`);

  log('memory per tracked credential...');
  t = performance.now();
  const memory = memoryPerCredential();

  const result = {
    benchmark: 'detect',
    date: new Date().toISOString(),
    node: process.version,
    machine_note: 'shared 2-core machine under load from other jobs; absolute rates are noisy, the ratio is measured in the same run',
    input: { events: EVENTS, credentials: CREDENTIALS, bytes, repetition: generated },
    ip_intel_load_seconds: Number(intelLoadSeconds.toFixed(2)),
    method: 'best of N interleaved rounds per measurement (baseline, ingestion only, full)',
    rounds,
    baseline: { what: 'readline + JSON.parse', events_per_second: Math.round(baseRate) },
    full_pipeline: {
      what: 'split + format detection + native parse + validation + reorder (5 min tolerance) + enrichment (DB-IP city, ASN, UA) + detection engine',
      events: full.events,
      seconds: Number(full.seconds.toFixed(2)),
      events_per_second: Math.round(fullRate),
      alerts: full.alerts,
      issues: full.issues,
      engine: full.engine,
    },
    ingestion_only: {
      what: 'the same pipeline with a no-op engine: split, parse, validate, reorder, enrich',
      events_per_second_best: Math.round(ingestRate),
      ratio_to_baseline: Number((ingestRate / baseRate).toFixed(3)),
    },
    ratio_full_to_baseline: Number((fullRate / baseRate).toFixed(3)),
    ratio_target: 0.5,
    streaming_latency: latency,
    memory_per_credential: memory,
  };
  mkdirSync(new URL('../results/', import.meta.url), { recursive: true });
  writeFileSync(new URL('../results/detect.json', import.meta.url), `${JSON.stringify(result, null, 2)}\n`);
  log(JSON.stringify({ ratio: result.ratio_full_to_baseline, full: fullRate, base: baseRate, p99: latency.p99_ms }, null, 0));
}

try {
  await main();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
