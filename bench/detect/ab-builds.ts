/**
 * Same-process A/B of two (or more) builds of the detection package: each round runs the whole pipeline over one
 * generated file once per build, in alternating order, and reports CPU µs per event (min, median, every round) and
 * the alerts. On a noisy shared host this is steadier than comparing separate runs.
 *
 *   cp -r packages/detection/dist bench/detect/.ab/old   # before the change; after it, again into .ab/new
 *   ln -s ../../../packages/detection/src bench/detect/.ab/src   # the shipped data files are found through ../../src
 *   node --import tsx bench/detect/ab-builds.ts .ab/old .ab/new [--events 300000] [--credentials 20000] [--rounds 8] [--no-engine | --engine-only]
 *
 * Build directories are relative to this file and must lie inside the repository (their imports resolve through
 * its node_modules).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as Detection from '@tokenwarden/detection';
import { writeNativeEvents } from './generate-events.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}
const flagsWithValue = new Set(['--events', '--credentials', '--rounds']);
const builds = process.argv.slice(2).filter((a, i, all) => !a.startsWith('--') && !flagsWithValue.has(all[i - 1] ?? ''));
const withEngine = !process.argv.includes('--no-engine');
const mods: (typeof Detection)[] = await Promise.all(builds.map((b) => import(`./${b}/index.js`)));
const dir = mkdtempSync(join(tmpdir(), 'tw-ab-detect-'));
const file = join(dir, 'events.jsonl');
try {
  await writeNativeEvents(file, arg('events', 300_000), arg('credentials', 20_000));
  const intels = mods.map((m) => {
    const intel = m.createIpIntel();
    intel.lookup('8.8.8.8');
    intel.lookup('2001:4860:4860::8888');
    return intel;
  });
  // --engine-only: each build parses and enriches the file once into memory, and the rounds time its engine alone.
  const engineOnly = process.argv.includes('--engine-only');
  const held: Detection.EnrichedEvent[][] = [];
  if (engineOnly) {
    for (const [b, m] of mods.entries()) {
      const events: Detection.EnrichedEvent[] = [];
      held.push(events);
      const collect = {
        process: (e: Detection.EnrichedEvent) => {
          events.push(e);
          return [];
        },
        flush: () => [],
      };
      await m.runDetectionPipeline([file], {
        engine: collect,
        enrich: m.createEnricher({ ipIntel: intels[b] }),
        onAlert: () => {},
        onIssue: () => {},
      });
    }
  }
  const micros: number[][] = builds.map(() => []);
  const alerts: number[][] = builds.map(() => []);
  for (let round = 0; round < arg('rounds', 8); round++) {
    for (let k = 0; k < mods.length; k++) {
      const b = round % 2 === 0 ? k : mods.length - 1 - k;
      const m = mods[b] as typeof Detection;
      let raised = 0;
      if (engineOnly) {
        const engine = m.createDetectionEngine();
        const events = held[b] as Detection.EnrichedEvent[];
        const cpu = process.cpuUsage();
        for (const e of events) raised += engine.process(e).length;
        const used = process.cpuUsage(cpu);
        micros[b]?.push((used.user + used.system) / events.length);
        alerts[b]?.push(raised);
        continue;
      }
      const engine = withEngine ? m.createDetectionEngine() : { process: () => [], flush: () => [], stats: () => ({}) };
      const cpu = process.cpuUsage();
      const summary = await m.runDetectionPipeline([file], {
        engine: engine as Detection.DetectionEngine,
        enrich: m.createEnricher({ ipIntel: intels[b] }),
        onAlert: () => {
          raised++;
        },
        onIssue: () => {},
      });
      const used = process.cpuUsage(cpu);
      micros[b]?.push((used.user + used.system) / summary.events);
      alerts[b]?.push(raised);
    }
  }
  builds.forEach((b, i) => {
    const all = micros[i] as number[];
    const sorted = [...all].sort((x, y) => x - y);
    const line = `${b}: min ${sorted[0]?.toFixed(2)} median ${sorted[sorted.length >> 1]?.toFixed(2)} µs CPU/event`;
    process.stdout.write(`${line} (rounds ${all.map((x) => x.toFixed(2)).join(' ')}), alerts ${[...new Set(alerts[i])].join(',')}\n`);
  });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
