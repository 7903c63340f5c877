import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { seededRandom } from '@tokenwarden/core';
import { createEnricher } from '../../src/enrich/enricher.js';
import { runDetectionPipeline } from '../../src/pipeline/detection-pipeline.js';
import { fixture } from '../fixtures/paths.js';
import { createRecordingEngine } from '../pipeline/recording-engine.js';

const dir = mkdtempSync(join(tmpdir(), 'tw-fuzz-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('pipeline fuzzing over corrupted .gz and binary files (seeded)', () => {
  it('reports and goes on: 120 corrupted inputs never throw out of the pipeline', async () => {
    const sources = ['cloudtrail-file.json', 'okta-array.json', 'native.jsonl', 'ocsf.jsonl'].map((f) =>
      gzipSync(readFileSync(fixture(f))),
    );
    const paths: string[] = [];
    for (let seed = 1; seed <= 120; seed++) {
      const rnd = seededRandom(seed);
      const bytes = Buffer.from(sources[seed % sources.length] as Buffer);
      const mode = seed % 3;
      let out: Buffer;
      if (mode === 0) out = bytes.subarray(0, Math.floor(rnd() * bytes.length));
      else if (mode === 1) {
        out = Buffer.from(bytes);
        for (let k = 0; k < 1 + Math.floor(rnd() * 8); k++) out[10 + Math.floor(rnd() * (out.length - 10))] = Math.floor(rnd() * 256);
      } else out = Buffer.from(Array.from({ length: Math.floor(rnd() * 2000) }, () => Math.floor(rnd() * 256)));
      const p = join(dir, `f${seed}.bin`);
      writeFileSync(p, out);
      paths.push(p);
    }
    paths.push(fixture('native.jsonl'));
    const engine = createRecordingEngine();
    let issues = 0;
    const summary = await runDetectionPipeline(paths, {
      engine,
      enrich: createEnricher(),
      onAlert: () => {},
      onIssue: () => {
        issues++;
      },
    });
    assert.equal(summary.inputs, 121);
    assert.ok(issues > 0);
    assert.ok(
      engine.events.some((e) => e.id === 'n-3'),
      'the clean file after the corrupt ones is processed',
    );
  });
});
