import assert from 'node:assert/strict';
import fs, { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createEnricher } from '../../src/enrich/enricher.js';
import { createIpIntel } from '../../src/enrich/ip-intel.js';
import type { InputIssue } from '../../src/ingest/types.js';
import { runDetectionPipeline } from '../../src/pipeline/detection-pipeline.js';
import { createRecordingEngine } from './recording-engine.js';

const dir = mkdtempSync(join(tmpdir(), 'tw-peek-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const intel = createIpIntel({ geoipPath: false });

const call = (minute: number, identity: object, source = '198.51.100.7') => ({
  eventVersion: '1.09',
  userIdentity: identity,
  eventTime: `2026-10-05T08:${String(minute).padStart(2, '0')}:00Z`,
  eventSource: 'kms.amazonaws.com',
  eventName: 'Decrypt',
  awsRegion: 'eu-central-1',
  sourceIPAddress: source,
  userAgent: source,
  eventID: `e-${minute}`,
});
const service = { type: 'AWSService', invokedBy: 'secretsmanager.amazonaws.com' };
const user = { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/ana', accessKeyId: 'AKIAEXAMPLEANA00001' };

/** A CloudTrail S3 export in small: a file with callers, one of AWS service calls only (and a broken record), a digest. */
function exportDir(): string {
  const trail = join(dir, 'trail');
  mkdirSync(trail, { recursive: true });
  writeFileSync(join(trail, 'a-callers.json'), JSON.stringify({ Records: [call(1, user), call(2, user)] }));
  const services = [call(3, service, 'secretsmanager.amazonaws.com'), { ...call(4, service), eventTime: 'yesterday' }, call(5, service)];
  writeFileSync(join(trail, 'b-services.json'), JSON.stringify({ Records: services }));
  writeFileSync(
    join(trail, 'c-digest.json'),
    JSON.stringify({
      awsAccountId: '111122223333',
      digestStartTime: '2026-10-05T08:00:00Z',
      digestEndTime: '2026-10-05T09:00:00Z',
      logFiles: [],
    }),
  );
  return trail;
}

async function detect(paths: string[]) {
  const issues: InputIssue[] = [];
  const engine = createRecordingEngine();
  const summary = await runDetectionPipeline(paths, {
    engine,
    enrich: createEnricher({ ipIntel: intel }),
    onAlert: () => {},
    onIssue: (i) => issues.push(i),
  });
  return { summary, issues, events: engine.events.length };
}

describe('several input files: the look at each file for its first event time', () => {
  it('reads a file without any event once, and counts and reports it as reading it twice did', async () => {
    const trail = exportDir();
    const opened = new Map<string, number>();
    const openSync = fs.openSync;
    fs.openSync = ((path: fs.PathLike, ...rest: unknown[]) => {
      opened.set(String(path), (opened.get(String(path)) ?? 0) + 1);
      return (openSync as (...a: unknown[]) => number)(path, ...rest);
    }) as typeof fs.openSync;
    syncBuiltinESMExports();
    let together: Awaited<ReturnType<typeof detect>>;
    try {
      together = await detect([trail]);
    } finally {
      fs.openSync = openSync;
      syncBuiltinESMExports();
    }
    assert.equal(opened.get(join(trail, 'b-services.json')), 1, 'service calls only: read once');
    assert.equal(opened.get(join(trail, 'c-digest.json')), 1, 'digest: read once');
    assert.equal(opened.get(join(trail, 'a-callers.json')), 2, 'a file with events: looked at, then read');

    // The same counts and messages as each file read on its own.
    const alone = await Promise.all(['a-callers.json', 'b-services.json', 'c-digest.json'].map((f) => detect([join(trail, f)])));
    const sum = (k: 'records' | 'ignored' | 'events' | 'issues') => alone.reduce((n, r) => n + r.summary[k], 0);
    assert.deepEqual(
      {
        records: together.summary.records,
        ignored: together.summary.ignored,
        events: together.summary.events,
        issues: together.summary.issues,
      },
      { records: sum('records'), ignored: sum('ignored'), events: sum('events'), issues: sum('issues') },
    );
    assert.deepEqual(together.summary.formats, { cloudtrail: 5 });
    assert.deepEqual(
      together.issues,
      alone.flatMap((r) => r.issues),
    );
    assert.equal(together.issues.length, 1);
    assert.equal(together.events, 2);
  });
});
