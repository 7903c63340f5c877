/**
 * Profiling harness for the engine alone: the generated events are parsed and enriched once into memory,
 * then a fresh engine judges them (best of `--rounds`), so a CPU profile shows only detector, learning and
 * profile-store work.
 *
 *   node --conditions=source --import tsx bench/detect/profile-engine.ts [--events 200000] [--credentials 10000] [--rounds 3] [--profile out.cpuprofile]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDetectionEngine, createEnricher, createIpIntel, type EnrichedEvent, runDetectionPipeline } from '@tokenwarden/detection';
import { startCpuProfile } from './cpu-profile.js';
import { writeNativeEvents } from './generate-events.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}
const dir = mkdtempSync(join(tmpdir(), 'tw-prof-engine-'));
const file = join(dir, 'events.jsonl');
try {
  await writeNativeEvents(file, arg('events', 200_000), arg('credentials', 10_000));
  const events: EnrichedEvent[] = [];
  await runDetectionPipeline([file], {
    engine: {
      process: (e) => {
        events.push(e);
        return [];
      },
      flush: () => [],
    },
    enrich: createEnricher({ ipIntel: createIpIntel() }),
    onAlert: () => {},
    onIssue: () => {},
  });
  const stopProfile = await startCpuProfile(process.argv);
  for (let r = 0; r < arg('rounds', 3); r++) {
    const engine = createDetectionEngine();
    let alerts = 0;
    const t = performance.now();
    const cpu0 = process.cpuUsage();
    for (const e of events) alerts += engine.process(e).length;
    const seconds = (performance.now() - t) / 1000;
    const cpu = process.cpuUsage(cpu0);
    // CPU time is what the engine costs; wall time also counts the other jobs on a shared machine.
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    process.stderr.write(
      `round ${r + 1}: ${events.length} events, ${((cpuSeconds * 1e6) / events.length).toFixed(2)} µs CPU/event (${((seconds * 1e6) / events.length).toFixed(2)} µs wall), ${alerts} alerts\n`,
    );
  }
  await stopProfile();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
