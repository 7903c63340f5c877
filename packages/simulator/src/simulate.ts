import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { TokenWardenError } from '@tokenwarden/core';
import { toCloudTrail } from './formats/cloudtrail.js';
import { toNative } from './formats/native.js';
import { toOcsf } from './formats/ocsf.js';
import type { LabelsFile } from './model/labels.js';
import { ACCOUNT_ID } from './model/sim-event.js';
import { TextSink } from './output-sink.js';
import { planScenario, type SimulationOptions } from './scenario.js';
import { mergeByTime } from './traffic/merge.js';

/** Output formats of `tokenwarden simulate`. */
export type SimulationFormat = 'native' | 'ocsf' | 'cloudtrail';

/** What a simulation run wrote. */
export interface SimulationSummary {
  events: number;
  credentials: number;
  attacks: number;
  /** Paths written, relative to the output directory. */
  files: string[];
  start: string;
  end: string;
}

/** Name of a CloudTrail log file for one UTC day, in the shape AWS uses (`<account>_CloudTrail_<region>_<time>_<id>.json.gz`). */
function cloudTrailFileName(dayMs: number): string {
  const d = new Date(dayMs).toISOString();
  return `${ACCOUNT_ID}_CloudTrail_us-east-1_${d.slice(0, 4)}${d.slice(5, 7)}${d.slice(8, 10)}T0000Z_sim.json.gz`;
}

/**
 * Generates a simulation and streams it to `dir`: `events.native.jsonl`, `events.ocsf.jsonl`,
 * `cloudtrail/*.json.gz` (one `{"Records":[...]}` file per UTC day) and `labels.json`. Events
 * are generated lazily and merged in time order, so memory does not grow with the event count.
 *
 * @example
 * ```ts
 * const summary = await simulateToDirectory({ ...DEFAULT_SIMULATION, seed: 3 }, './sim', ['native']);
 * console.log(summary.events);
 * ```
 */
export async function simulateToDirectory(
  options: SimulationOptions,
  dir: string,
  formats: readonly SimulationFormat[],
  onProgress?: (events: number, time: number) => void,
): Promise<SimulationSummary> {
  try {
    await makeDirectories(dir);
  } catch (e) {
    throw new TokenWardenError('TW_INPUT_UNREADABLE', `cannot create output directory ${dir}`, {
      hint: 'choose a writable --out directory',
      cause: e,
    });
  }
  const scenario = planScenario(options);
  const files: string[] = [];
  const native = formats.includes('native') ? await TextSink.open(join(dir, 'events.native.jsonl')) : undefined;
  if (native) files.push('events.native.jsonl');
  const ocsf = formats.includes('ocsf') ? await TextSink.open(join(dir, 'events.ocsf.jsonl')) : undefined;
  if (ocsf) files.push('events.ocsf.jsonl');
  const ctDir = join(dir, 'cloudtrail');
  // An earlier run's event files would mix with this run's (and be scored against this run's labels): every file a
  // simulation writes is removed first, the formats not asked for this time included. Only our own names go.
  for (const name of ['events.native.jsonl', 'events.ocsf.jsonl'] as const) {
    if (!files.includes(name)) await rm(join(dir, name), { force: true });
  }
  const oldTrail = await readdir(ctDir).catch(() => [] as string[]);
  for (const f of oldTrail) if (/_CloudTrail_.*_sim\.json\.gz$/.test(f)) await rm(join(ctDir, f));
  if (formats.includes('cloudtrail')) await mkdir(ctDir, { recursive: true });
  let trail: TextSink | undefined;
  let trailDay = -1;
  let trailCount = 0;
  let events = 0;
  for (const ev of mergeByTime(scenario.streams)) {
    events++;
    if (native) await native.write(`${JSON.stringify(toNative(ev))}\n`);
    if (ocsf) await ocsf.write(`${JSON.stringify(toOcsf(ev, ACCOUNT_ID))}\n`);
    if (formats.includes('cloudtrail')) {
      const day = Math.floor(ev.time / 86_400_000) * 86_400_000;
      if (day !== trailDay) {
        if (trail) {
          await trail.write(']}\n');
          await trail.close();
        }
        const name = cloudTrailFileName(day);
        trail = await TextSink.open(join(ctDir, name), true);
        files.push(`cloudtrail/${name}`);
        await trail.write('{"Records":[');
        trailDay = day;
        trailCount = 0;
      }
      await (trail as TextSink).write(`${trailCount > 0 ? ',\n' : '\n'}${JSON.stringify(toCloudTrail(ev, ACCOUNT_ID))}`);
      trailCount++;
    }
    if (onProgress && events % 50_000 === 0) onProgress(events, ev.time);
  }
  if (trail) {
    await trail.write(']}\n');
    await trail.close();
  }
  await native?.close();
  await ocsf?.close();
  const labels: LabelsFile = {
    format: 'tokenwarden-sim-labels',
    version: 1,
    seed: options.seed,
    start: new Date(options.start).toISOString(),
    end: new Date(scenario.end).toISOString(),
    events,
    credentials: scenario.credentials,
  };
  await writeFile(join(dir, 'labels.json'), `${JSON.stringify(labels, null, 1)}\n`);
  files.push('labels.json');
  return {
    events,
    credentials: scenario.credentials.length,
    attacks: scenario.credentials.filter((c) => c.label === 'attack').length,
    files,
    start: labels.start,
    end: labels.end,
  };
}

/**
 * `mkdir -p`, one level at a time from the deepest existing ancestor. Node's recursive mkdir spins forever on a
 * file system that answers ENOENT for a child of an existing directory (`/proc/nope`); one level at a time, that
 * is an error at once.
 */
async function makeDirectories(dir: string): Promise<void> {
  const missing: string[] = [];
  let at = resolve(dir);
  for (;;) {
    try {
      if ((await stat(at)).isDirectory()) break;
      throw new TokenWardenError('TW_INPUT_UNREADABLE', `${at} is not a directory`);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    missing.push(at);
    const parent = dirname(at);
    if (parent === at) break;
    at = parent;
  }
  for (let i = missing.length - 1; i >= 0; i--) {
    try {
      await mkdir(missing[i] as string);
    } catch (e) {
      // Made meanwhile by another process: fine.
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
}
