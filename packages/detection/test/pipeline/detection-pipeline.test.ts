import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import type { Alert } from '@tokenwarden/core';
import { createEnricher } from '../../src/enrich/enricher.js';
import { createIpIntel } from '../../src/enrich/ip-intel.js';
import type { InputIssue } from '../../src/ingest/types.js';
import { type DetectionPipelineOptions, runDetectionPipeline } from '../../src/pipeline/detection-pipeline.js';
import { fixture } from '../fixtures/paths.js';
import { createRecordingEngine } from './recording-engine.js';

const dir = mkdtempSync(join(tmpdir(), 'tw-pipe-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const intel = createIpIntel({ asnPath: fixture('asn-small.csv'), geoipPath: false });

async function run(paths: string[], extra: Partial<DetectionPipelineOptions> = {}) {
  const engine = createRecordingEngine();
  const alerts: Alert[] = [];
  const issues: InputIssue[] = [];
  const unreadable: string[] = [];
  const summary = await runDetectionPipeline(paths, {
    engine,
    enrich: createEnricher({ ipIntel: intel }),
    onAlert: (a) => {
      alerts.push(a);
    },
    onIssue: (i) => issues.push(i),
    onUnreadable: (p) => unreadable.push(p),
    ...extra,
  });
  return { engine, alerts, issues, unreadable, summary };
}

describe('detection pipeline', () => {
  it('reads a directory of mixed formats (and a .gz), enriches, orders by event time and emits alerts', async () => {
    const logs = join(dir, 'mixed');
    mkdirSync(join(logs, 'sub'), { recursive: true });
    for (const f of ['cloudtrail-file.json', 'ocsf.jsonl', 'okta-array.json', 'nginx.log']) copyFileSync(fixture(f), join(logs, f));
    writeFileSync(join(logs, 'sub', 'native.jsonl.gz'), gzipSync(readFileSync(fixture('native.jsonl'))));
    const { engine, alerts, issues, summary } = await run([logs], { lateToleranceMs: 7 * 86_400_000 });
    assert.deepEqual(summary.formats, { cloudtrail: 4, nginx: 3, okta: 2, ocsf: 2, native: 3 });
    assert.equal(summary.events, 13);
    assert.equal(summary.ignored, 1);
    assert.deepEqual(
      issues.map((i) => [i.source.replace(`${logs}/`, ''), i.line, i.reason]),
      [['nginx.log', 4, 'unknown record format (neither JSON nor an nginx/Apache access-log line)']],
    );
    const times = engine.events.map((e) => e.ts);
    assert.deepEqual(
      times,
      [...times].sort((a, b) => a - b),
      'events reach the engine in event-time order',
    );
    const google = engine.events.find((e) => e.source_ip === '8.8.8.8');
    assert.equal(google?.geo?.asn, 15169);
    assert.equal(google?.client?.scripted, true);
    assert.deepEqual(alerts.map((a) => a.rule).sort(), ['end_of_input', 'token_lifecycle', 'token_lifecycle', 'token_lifecycle']);
    assert.ok(alerts.some((a) => a.credential === 'AKIAEXAMPLEALICE0001' && a.time === '2026-03-01T10:03:00.000Z'));
  });

  it('reports every kind of bad input with file:line and processes the rest', async () => {
    const good = (id: string, time: string) => JSON.stringify({ id, time, credential_id: 'c1', outcome: 'success', source_ip: '8.8.8.8' });
    const lines = [
      good('a', '2026-03-01T00:00:00Z'),
      '{"id": "broken", ',
      `{"id":"big","pad":"${'x'.repeat(2_000_000)}"}`,
      good('future', '2999-01-01T00:00:00Z'),
      good('past', '1970-01-02T00:00:00Z'),
      JSON.stringify({ id: 'ip', time: '2026-03-01T00:00:00Z', credential_id: 'c1', outcome: 'success', source_ip: 'localhost' }),
      '\u0000\u0001garbage',
      good('b', '2026-03-01T00:00:01Z'),
    ];
    const p = join(dir, 'bad.jsonl');
    writeFileSync(p, `${lines.join('\n')}\n`);
    const cut = join(dir, 'cut.jsonl.gz');
    const gz = gzipSync(`${good('z1', '2026-03-01T00:00:02Z')}\n`.repeat(5000));
    writeFileSync(cut, gz.subarray(0, gz.length - 40));
    const { engine, issues, unreadable, summary } = await run([p, join(dir, 'nope.log'), cut]);
    assert.deepEqual(
      issues.filter((i) => i.source === p).map((i) => [i.line, i.reason.replace(/\d{4}-.*Z/, 'T')]),
      [
        [2, 'not valid JSON (at column 18)'],
        [3, 'line longer than 1048576 characters, skipped'],
        [4, 'timestamp T is in the future'],
        [5, 'timestamp T is too far in the past'],
        [6, 'source_ip is not an IP address'],
        [7, 'unknown record format (neither JSON nor an nginx/Apache access-log line)'],
      ],
    );
    const gzIssue = issues.find((i) => i.source === cut);
    assert.match(gzIssue?.reason ?? '', /input ended with an error: unexpected end of file/);
    assert.deepEqual(unreadable, [join(dir, 'nope.log')]);
    assert.equal(summary.unreadable, 1);
    assert.deepEqual(
      engine.events.filter((e) => e.credential_key === 'c1' && e.id.length === 1).map((e) => e.id),
      ['a', 'b'],
    );
    assert.ok(engine.events.filter((e) => e.id === 'z1').length > 4000, 'the readable part of a truncated .gz is processed');
  });

  it('skips a file of no known format with one message', async () => {
    const p = join(dir, 'notes.txt');
    writeFileSync(p, 'hello world\n'.repeat(50));
    const { issues, summary } = await run([p]);
    assert.equal(issues.length, 10);
    assert.match(issues[9]?.reason ?? '', /no known log format in the first 10 records; rest of the file skipped/);
    assert.equal(summary.records, 10);
  });

  it('reads stdin for "-" and with no PATH', async () => {
    const text = readFileSync(fixture('cloudtrail-lines.jsonl'));
    const { summary } = await run([], { stdin: Readable.from([text]) });
    assert.equal(summary.events, 2);
    const dash = await run(['-'], { stdin: Readable.from([text]) });
    assert.equal(dash.summary.formats.cloudtrail, 2);
  });

  it('gives the same events, alerts and issues however the input bytes are cut (file vs seeded random stdin chunks)', async () => {
    // ~400 KB over several 64 KiB decoding pieces: multi-byte text, bad lines and lifecycle alerts throughout.
    let seed = 7;
    const rnd = () => {
      seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0;
      return seed / 4_294_967_296;
    };
    const lines: string[] = [];
    for (let i = 0; i < 1_500; i++) {
      if (i % 97 === 13) lines.push('{"id": "broken", ');
      else if (i % 211 === 5) lines.push('x'.repeat(300));
      else
        lines.push(
          JSON.stringify({
            id: `e-${i}`,
            time: new Date(Date.UTC(2026, 0, 5) + i * 1_000).toISOString(),
            credential_id: `cred-€-${i % 37}`,
            principal: `usér-${i % 37}`,
            source_ip: `8.8.${i % 5}.${1 + (i % 200)}`,
            user_agent: `agent/😀 ${'pad '.repeat(40)}`,
            operation: 'GET /v1/orders',
            outcome: 'success',
            lifecycle: i % 50 === 0 ? 'token.revoked_use' : undefined,
          }),
        );
    }
    const bytes = Buffer.from(`${lines.join('\n')}\n`);
    assert.ok(bytes.length > 5 * 65_536);
    const p = join(dir, 'cut.jsonl');
    writeFileSync(p, bytes);
    const fromFile = await run([p]);
    const pieces: Buffer[] = [];
    for (let at = 0; at < bytes.length; ) {
      const n = 1 + Math.floor(rnd() * (rnd() < 0.2 ? 200_000 : 3_000));
      pieces.push(bytes.subarray(at, at + n));
      at += n;
    }
    const fromStdin = await run(['-'], { stdin: Readable.from(pieces) });
    const view = (r: Awaited<ReturnType<typeof run>>) => ({
      events: r.engine.events.map((e) => [e.id, e.ts, e.credential_key, e.principal, e.user_agent, e.origin?.line]),
      alerts: r.alerts,
      issues: r.issues.map((i) => [i.line, i.reason]),
      summary: r.summary,
    });
    assert.ok(fromFile.alerts.length > 10 && fromFile.issues.length > 10);
    assert.deepEqual(view(fromStdin), view(fromFile));
  });

  it('honours an explicit input format', async () => {
    const { summary, issues } = await run([fixture('native.jsonl')], { inputFormat: 'cloudtrail' });
    assert.equal(summary.events, 0);
    assert.equal(issues.length, 3);
  });
  it('merges files by event time: two regions of an S3 export, each a week long, reach the engine in order with no late event', async () => {
    const trail = join(dir, 'export');
    const record = (minute: number, region: string) => ({
      eventVersion: '1.09',
      eventTime: new Date(Date.UTC(2026, 9, 1) + minute * 60_000).toISOString(),
      eventSource: 'ec2.amazonaws.com',
      eventName: 'DescribeInstances',
      awsRegion: region,
      sourceIPAddress: '8.8.8.8',
      userAgent: 'aws-cli/2.15.30',
      userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::123456789012:user/ana', accessKeyId: 'AKIAEXAMPLEANA000001' },
    });
    // Directory order reads all of us-east-1 before eu-west-1: a week apart from the engine's point of view.
    for (const [region, offset] of [
      ['eu-west-1', 1],
      ['us-east-1', 0],
    ] as const) {
      for (let day = 0; day < 7; day++) {
        mkdirSync(join(trail, region, `${day}`), { recursive: true });
        const records = Array.from({ length: 24 }, (_, h) => record(day * 1440 + h * 60 + offset * 30, region));
        writeFileSync(join(trail, region, `${day}`, 'trail.json.gz'), gzipSync(JSON.stringify({ Records: records })));
      }
    }
    writeFileSync(join(trail, 'digest.txt'), 'not a log\n'.repeat(12));
    const { engine, summary, issues } = await run([trail]);
    assert.equal(summary.events, 336);
    assert.equal(summary.late, 0);
    assert.deepEqual(
      issues.map((i) => i.reason),
      [
        ...Array(9).fill('unknown record format (neither JSON nor an nginx/Apache access-log line)'),
        'no known log format in the first 10 records; rest of the file skipped',
      ],
      'a file with no event is still read (last) and reported once',
    );
    const times = engine.events.map((e) => e.ts);
    assert.deepEqual(
      times,
      [...times].sort((a, b) => a - b),
    );
  });
});
