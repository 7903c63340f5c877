import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createDetectionEngine } from '../../../src/engine/index.js';
import type { EnrichedEvent } from '../../../src/enriched-event.js';
import { AFTER, DAY, type EventSpec, ev, HOUR, run, T0 } from '../helpers/events.js';

// A key nobody in the logs has seen before, replayed from a VPS by a script.
const leaked: Omit<EventSpec, 'at' | 'op'> = { cred: 'AKIALEAKED', principal: 'ci-legacy', place: 'frankfurtVps', client: 'boto3' };
// The same kind of key used by a workload on its own instance (Amazon's network).
const workload: Omit<EventSpec, 'at' | 'op'> = { cred: 'ASIAAPP', principal: 'web-app', place: 'awsVirginia', client: 'boto3' };

interface Read {
  op: string;
  resource?: string;
  params?: Record<string, unknown>;
  error?: string;
}

function events(reads: readonly Read[], spec: Omit<EventSpec, 'at' | 'op'> = leaked, start = AFTER, gapMs = 2_000): EnrichedEvent[] {
  return reads.map((r, i) => {
    const e = ev({
      ...spec,
      at: start + i * gapMs,
      op: r.op,
      ...(r.resource ? { resource: r.resource } : {}),
      ...(r.error ? { error: r.error, outcome: 'failure' as const } : {}),
    });
    e.attributes = { aws_region: 'us-east-1', ...(r.params ? { requestParameters: r.params } : {}) };
    return e;
  });
}

const secret = (i: number): Read => ({ op: 'secretsmanager:GetSecretValue', resource: `secretId=prod-db-${i}` });
const listSecrets: Read = { op: 'secretsmanager:ListSecrets' };
const parameters = (names: string[], withDecryption = true): Read => ({ op: 'ssm:GetParameters', params: { names, withDecryption } });

function harvest(alerts: ReturnType<typeof run>) {
  return alerts.filter((a) => a.rule === 'attack_chain' && a.evidence.kind === 'secret_harvest');
}

describe('detector: secret harvest (many secrets read in minutes)', () => {
  it('a cold key that lists the vault and reads ten secrets from a VPS pages high at the tenth read', () => {
    const reads = [{ op: 'sts:GetCallerIdentity' }, listSecrets, ...Array.from({ length: 14 }, (_, i) => secret(i))];
    const found = harvest(run(createDetectionEngine(), events(reads)));
    assert.equal(found.length, 1);
    assert.equal(found[0]!.severity, 'high');
    assert.equal(found[0]!.stage, 'collection');
    assert.equal(found[0]!.evidence.secrets_read, 10);
    assert.equal(found[0]!.evidence.listed_first, true);
    assert.equal(found[0]!.evidence.outside_aws, true);
    assert.equal(found[0]!.time, new Date(AFTER + 11 * 2_000).toISOString());
  });

  it('the count of secrets and the window come from the config (secretHarvest)', () => {
    const reads = [{ op: 'sts:GetCallerIdentity' }, listSecrets, ...Array.from({ length: 14 }, (_, i) => secret(i))];
    assert.deepEqual(harvest(run(createDetectionEngine({ secretHarvest: { secrets: 20 } } as never), events(reads))), []);
    const found = harvest(run(createDetectionEngine({ secretHarvest: { secrets: 5, score: 90 } } as never), events(reads)));
    assert.equal(found.length, 1);
    assert.equal(found[0]!.evidence.secrets_read, 5);
    assert.ok(found[0]!.score >= 90, String(found[0]!.score));
    // Reads a minute apart, in a window of three minutes, never add up to five.
    const slow = createDetectionEngine({ secretHarvest: { secrets: 5, windowMinutes: 3 } } as never);
    assert.deepEqual(harvest(run(slow, events(reads, leaked, AFTER, 60_000))), []);
  });

  it('SSM parameters read with decryption in batches of ten, and Secrets Manager’s bulk API, page the same way', () => {
    const names = (b: number) => Array.from({ length: 10 }, (_, i) => `/prod/app/secret-${b}-${i}`);
    const ssm = harvest(
      run(createDetectionEngine(), events([{ op: 'ssm:DescribeParameters' }, parameters(names(0)), parameters(names(1))])),
    );
    assert.equal(ssm[0]?.severity, 'high');
    assert.equal(ssm[0]?.evidence.advanced_by, 'ssm:GetParameters');
    const batch = harvest(
      run(
        createDetectionEngine(),
        events([{ op: 'secretsmanager:BatchGetSecretValue', params: { secretIdList: Array.from({ length: 10 }, (_, i) => `prod/${i}`) } }]),
      ),
    );
    assert.equal(batch[0]?.severity, 'high');
    assert.equal(batch[0]?.evidence.bulk_api, true);
  });

  it('hard negatives: an app reading its three secrets at every boot for a month, then again; parameters read without decryption', () => {
    const engine = createDetectionEngine();
    const boots: EnrichedEvent[] = [];
    for (let d = 0; d < 30; d++) {
      for (let b = 0; b < 4; b++) boots.push(...events([secret(0), secret(1), secret(2)], workload, T0 + d * DAY + b * 6 * HOUR));
    }
    assert.equal(harvest(run(engine, boots)).length, 0);
    assert.equal(harvest(run(engine, events([secret(0), secret(1), secret(2)], workload))).length, 0);
    // Without decryption a SecureString comes back encrypted: a config loader listing its plain parameters.
    const plain = Array.from({ length: 3 }, (_, b) =>
      parameters(
        Array.from({ length: 10 }, (_, i) => `/cfg/${b}/${i}`),
        false,
      ),
    );
    assert.equal(harvest(run(createDetectionEngine(), events([{ op: 'ssm:DescribeParameters' }, ...plain]))).length, 0);
  });

  it('hard negatives: a deploy role reading the same fifteen secrets every day, a new session each day, pages at most once, medium, inside AWS', () => {
    const engine = createDetectionEngine();
    const alerts = [];
    for (let d = 0; d < 20; d++) {
      const session = {
        ...workload,
        cred: `ASIADEPLOY${d}`,
        principal: `arn:aws:sts::418295730164:assumed-role/deploy/botocore-session-${d}`,
      };
      alerts.push(
        ...run(engine, events([listSecrets, ...Array.from({ length: 15 }, (_, i) => secret(i))], session, T0 + d * DAY + 9 * HOUR)),
      );
    }
    const found = harvest(alerts);
    // Its first run, with nothing learned, is worth a look (a workload on Amazon's network); never a page, and
    // once the role's reads are known, nothing.
    assert.equal(found.length, 1, JSON.stringify(found.map((a) => [a.time, a.severity])));
    assert.equal(found[0]!.severity, 'medium');
  });

  it('hard negatives: Terraform reading the secrets it manages, refused reads, and fewer than ten secrets', () => {
    const reads = [listSecrets, ...Array.from({ length: 20 }, (_, i) => secret(i))];
    assert.equal(harvest(run(createDetectionEngine(), events(reads, { ...leaked, client: 'terraform' }))).length, 0);
    const refused = reads.map((r) => ({ ...r, error: 'AccessDeniedException' }));
    assert.equal(harvest(run(createDetectionEngine(), events(refused))).length, 0);
    const few = [listSecrets, ...Array.from({ length: 9 }, (_, i) => secret(i))];
    assert.equal(harvest(run(createDetectionEngine(), events(few))).length, 0);
  });

  it('Windows password data asked for on ten instances from outside AWS pages, refused or not; one instance does not', () => {
    const ask = (i: number): Read => ({
      op: 'ec2:GetPasswordData',
      resource: `instanceId=i-0a1b2c3d4e5f6${i}`,
      error: 'Client.UnauthorizedOperation',
    });
    const found = harvest(run(createDetectionEngine(), events(Array.from({ length: 30 }, (_, i) => ask(i)))));
    assert.equal(found.length, 1);
    assert.equal(found[0]!.severity, 'high');
    assert.equal(found[0]!.evidence.instance_passwords, true);
    assert.equal(harvest(run(createDetectionEngine(), events([ask(1), ask(1), ask(2)]))).length, 0);
    const inside = harvest(
      run(
        createDetectionEngine(),
        events(
          Array.from({ length: 12 }, (_, i) => ask(i)),
          workload,
        ),
      ),
    );
    assert.equal(inside[0]?.severity, 'medium');
  });

  it('reads spread over more than the window do not add up', () => {
    const reads = Array.from({ length: 12 }, (_, i) => secret(i));
    assert.equal(harvest(run(createDetectionEngine(), events(reads, leaked, AFTER, 20 * 60_000))).length, 0);
  });

  it('a learned person who never read secrets, replayed from the victim’s own town, pages once the context is suspicious', () => {
    const engine = createDetectionEngine();
    const history: EnrichedEvent[] = [];
    for (let d = 0; d < 30; d++)
      history.push(
        ...events(
          [{ op: 's3:ListBuckets' }, { op: 'ec2:DescribeInstances' }],
          { ...leaked, cred: 'AKIAKIM', principal: 'kim', place: 'londonHome', client: 'awsCli' },
          T0 + d * DAY + 10 * HOUR,
        ),
      );
    run(engine, history);
    const found = harvest(
      run(
        engine,
        events([listSecrets, ...Array.from({ length: 10 }, (_, i) => secret(i))], {
          cred: 'AKIAKIM',
          principal: 'kim',
          place: 'paris',
          client: 'awsCli',
        }),
      ),
    );
    assert.equal(found[0]?.severity, 'high');
    assert.equal((found[0]?.evidence.baseline as { learned: boolean } | undefined)?.learned, true);
  });
});
