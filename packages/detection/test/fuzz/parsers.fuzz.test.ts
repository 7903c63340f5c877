import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { seededRandom } from '@tokenwarden/core';
import { createRecordDecoder } from '../../src/ingest/parse-record.js';
import { splitRecords } from '../../src/ingest/record-splitter.js';
import { fixture } from '../fixtures/paths.js';

const FILES = ['cloudtrail-file.json', 'cloudtrail-lines.jsonl', 'ocsf.jsonl', 'okta-array.json', 'nginx.log', 'native.jsonl'].map((f) =>
  readFileSync(fixture(f), 'utf8'),
);
// The first CloudTrail record of the fixture as the envelopes carry it: inside an EventBridge event,
// and as a message of CloudWatch Logs subscription records written back to back (as Firehose does).
const firstTrailRecord = JSON.stringify((JSON.parse(FILES[0] as string) as { Records: unknown[] }).Records[0]);
const ENVELOPES = [
  JSON.stringify({ version: '0', 'detail-type': 'AWS API Call via CloudTrail', source: 'aws.iam', detail: JSON.parse(firstTrailRecord) }),
  [1, 2]
    .map((n) =>
      JSON.stringify({
        messageType: 'DATA_MESSAGE',
        owner: '111122223333',
        logGroup: 'trail',
        logStream: `s${n}`,
        subscriptionFilters: ['all'],
        logEvents: [{ id: String(n), timestamp: 1_700_000_000_000, message: firstTrailRecord }],
      }),
    )
    .join(''),
];
const SAMPLES = [...FILES, ...ENVELOPES];
const TOKENS = [
  '{',
  '}',
  '[',
  ']',
  '"',
  '\\',
  ',',
  ':',
  '\n',
  'null',
  '1e999',
  '-0',
  '"Records"',
  '"eventSource"',
  '"class_uid"',
  '"messageType"',
  '"logEvents"',
  '"detail-type"',
  '"__proto__"',
  '\u0000',
  '\uD800',
];

function mutate(text: string, rnd: () => number): string {
  let s = text;
  const edits = 1 + Math.floor(rnd() * 6);
  for (let i = 0; i < edits; i++) {
    const at = Math.floor(rnd() * (s.length + 1));
    const op = rnd();
    if (op < 0.3) s = s.slice(0, at) + s.slice(at + 1 + Math.floor(rnd() * 20));
    else if (op < 0.6) s = s.slice(0, at) + (TOKENS[Math.floor(rnd() * TOKENS.length)] as string) + s.slice(at);
    else if (op < 0.8) s = s.slice(0, at) + String.fromCharCode(Math.floor(rnd() * 0x3000)) + s.slice(at);
    else s = s.slice(0, at);
  }
  return s;
}

function randomBytesText(rnd: () => number): string {
  const n = Math.floor(rnd() * 300);
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(Math.floor(rnd() * 256));
  return s;
}

async function decodeAll(text: string, format: Parameters<typeof createRecordDecoder>[0]): Promise<number> {
  const decode = createRecordDecoder(format);
  async function* chunks() {
    // Random chunking exercises every boundary of the splitters.
    for (let i = 0; i < text.length; i += 7 + (i % 13)) yield text.slice(i, i + 7 + (i % 13));
  }
  let n = 0;
  for await (const raw of splitRecords(chunks(), { maxRecordChars: 4096 })) {
    for (const d of decode(raw, 'fuzz')) {
      n++;
      if (d.outcome.kind === 'event') {
        const e = d.outcome.event;
        assert.equal(typeof e.credential_key, 'string');
        assert.ok(Number.isFinite(e.ts));
        assert.ok(!Number.isNaN(Date.parse(e.time)));
      } else if (d.outcome.kind === 'error') {
        assert.ok(d.outcome.reason.length > 0 && d.outcome.reason.length < 300);
      }
    }
  }
  return n;
}

describe('parser fuzzing (seeded)', () => {
  it('never throws on 3,000 mutated and random inputs across every format', async () => {
    const formats = ['auto', 'cloudtrail', 'ocsf', 'okta', 'native', 'nginx'] as const;
    for (let seed = 1; seed <= 3000; seed++) {
      const rnd = seededRandom(seed);
      const text = seed % 5 === 0 ? randomBytesText(rnd) : mutate(SAMPLES[seed % SAMPLES.length] as string, rnd);
      const format = formats[seed % formats.length];
      try {
        await decodeAll(text, { format });
      } catch (e) {
        assert.fail(`seed ${seed} (${format}) threw: ${(e as Error).stack}`);
      }
    }
  });
});
