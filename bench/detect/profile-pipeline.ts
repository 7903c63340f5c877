/**
 * Profiling harness: runs only the detection pipeline (no baseline, latency or memory phases) over
 * a generated file, so a CPU profile shows where the pipeline spends its time.
 *
 *   node --conditions=source --import tsx bench/detect/profile-pipeline.ts [--events 200000] [--credentials 10000] [--no-engine] [--warm-intel] [--profile out.cpuprofile]
 *
 * With `--profile`, a V8 CPU profile of the pipeline run alone (not the data generation or the
 * database loading) is written to that file.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDetectionEngine, createEnricher, createIpIntel, runDetectionPipeline } from '@tokenwarden/detection';
import { startCpuProfile } from './cpu-profile.js';
import { writeNativeEvents } from './generate-events.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}
const withEngine = !process.argv.includes('--no-engine');
const dir = mkdtempSync(join(tmpdir(), 'tw-prof-detect-'));
const file = join(dir, 'events.jsonl');
try {
  await writeNativeEvents(file, arg('events', 200_000), arg('credentials', 10_000));
  const intel = createIpIntel();
  intel.lookup('8.8.8.8');
  intel.lookup('2001:4860:4860::8888');
  // As in run.ts, where the measured runs share one IP intelligence whose cache earlier rounds filled: with
  // --warm-intel, a pass with a no-op engine first, so the profile shows the steady state, not first lookups.
  if (process.argv.includes('--warm-intel')) {
    const noop = { process: () => [], flush: () => [], stats: () => ({}) };
    await runDetectionPipeline([file], { engine: noop, enrich: createEnricher({ ipIntel: intel }), onAlert: () => {}, onIssue: () => {} });
  }
  const engine = withEngine ? createDetectionEngine() : { process: () => [], flush: () => [], stats: () => ({}) };
  const stopProfile = await startCpuProfile(process.argv);
  const t = performance.now();
  const summary = await runDetectionPipeline([file], {
    engine,
    enrich: createEnricher({ ipIntel: intel }),
    onAlert: () => {},
    onIssue: () => {},
  });
  const seconds = (performance.now() - t) / 1000;
  await stopProfile();
  process.stderr.write(`${summary.events} events in ${seconds.toFixed(2)} s: ${Math.round(summary.events / seconds)}/s\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
