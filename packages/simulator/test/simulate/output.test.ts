import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { AccessEvent, ATTACK_STAGES, matches, parseAs } from '@tokenwarden/core';
import {
  type CloudTrailRecord,
  DAMAGE_STAGES,
  HARD_NEGATIVES,
  type LabelsFile,
  NETWORKS,
  type OcsfApiActivity,
  type SimulationOptions,
  simulateToDirectory,
} from '@tokenwarden/simulator';

// Four services are enough for every service hard negative (CI runner, Terraform, posture scanner) and a CI key to replay.
const SMALL: SimulationOptions = { seed: 11, days: 8, users: 14, services: 4, attacks: 8, start: Date.UTC(2026, 10, 2) };

let dir: string;
let labels: LabelsFile;
let native: AccessEvent[];

function profileHome(profile: string, networkId: string): boolean {
  return profile.includes(`home ${networkId}`);
}

async function lines(path: string): Promise<string[]> {
  return (await readFile(path, 'utf8')).split('\n').filter((l) => l.length > 0);
}

async function cloudTrailRecords(root: string): Promise<CloudTrailRecord[]> {
  const files = (await readdir(join(root, 'cloudtrail'))).sort();
  const out: CloudTrailRecord[] = [];
  for (const f of files) {
    const doc = JSON.parse(gunzipSync(await readFile(join(root, 'cloudtrail', f))).toString('utf8')) as {
      Records: CloudTrailRecord[];
    };
    out.push(...doc.Records);
  }
  return out;
}

describe('simulate output', () => {
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tw-sim-'));
    await simulateToDirectory(SMALL, dir, ['native', 'ocsf', 'cloudtrail']);
    labels = JSON.parse(await readFile(join(dir, 'labels.json'), 'utf8')) as LabelsFile;
    native = (await lines(join(dir, 'events.native.jsonl'))).map((l, i) =>
      parseAs(AccessEvent, JSON.parse(l), { source: 'events.native.jsonl', line: i + 1 }),
    );
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('is byte-identical for the same seed and differs for another seed', async () => {
    const again = await mkdtemp(join(tmpdir(), 'tw-sim-'));
    const other = await mkdtemp(join(tmpdir(), 'tw-sim-'));
    try {
      await simulateToDirectory(SMALL, again, ['native', 'cloudtrail']);
      await simulateToDirectory({ ...SMALL, seed: 12 }, other, ['native']);
      assert.deepEqual(await readFile(join(again, 'events.native.jsonl')), await readFile(join(dir, 'events.native.jsonl')));
      assert.deepEqual(await readFile(join(again, 'labels.json')), await readFile(join(dir, 'labels.json')));
      const ct = (await readdir(join(dir, 'cloudtrail'))).sort();
      assert.deepEqual((await readdir(join(again, 'cloudtrail'))).sort(), ct);
      for (const f of ct) assert.deepEqual(await readFile(join(again, 'cloudtrail', f)), await readFile(join(dir, 'cloudtrail', f)), f);
      assert.notDeepEqual(await readFile(join(other, 'events.native.jsonl')), await readFile(join(dir, 'events.native.jsonl')));
    } finally {
      await rm(again, { recursive: true, force: true });
      await rm(other, { recursive: true, force: true });
    }
  });

  test('native events are valid AccessEvents in time order with unique ids', () => {
    assert.ok(native.length > 3_000, `expected a realistic volume, got ${native.length}`);
    assert.equal(labels.events, native.length);
    const ids = new Set<string>();
    let prev = '';
    for (const e of native) {
      assert.ok(matches(AccessEvent, e));
      assert.equal(e.source_system, 'native');
      assert.ok(e.credential_id?.startsWith('AKIA'));
      assert.ok(e.time >= prev, `out of order at ${e.id}`);
      prev = e.time;
      assert.ok(!ids.has(e.id), `duplicate id ${e.id}`);
      ids.add(e.id);
    }
  });

  test('OCSF events are API Activity with the fields detectors read', async () => {
    const ocsf = (await lines(join(dir, 'events.ocsf.jsonl'))).map((l) => JSON.parse(l) as OcsfApiActivity);
    assert.equal(ocsf.length, native.length);
    for (const [i, o] of ocsf.entries()) {
      assert.equal(o.class_uid, 6003);
      assert.equal(o.category_uid, 6);
      assert.ok([1, 2, 3, 4, 99].includes(o.activity_id));
      assert.equal(o.type_uid, 600300 + o.activity_id);
      assert.equal(typeof o.time, 'number');
      assert.equal(o.time, Date.parse(native[i]?.time ?? ''));
      assert.equal(o.actor.session.credential_uid, native[i]?.credential_id);
      assert.equal(typeof o.actor.user.name, 'string');
      assert.equal(o.src_endpoint.ip, native[i]?.source_ip);
      assert.ok(['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].includes(o.http_request.http_method));
      assert.ok(o.http_request.url.path.startsWith('/v1/'));
      assert.equal(typeof o.http_request.user_agent, 'string');
      assert.equal(typeof o.api.operation, 'string');
      assert.ok(
        (o.status === 'Success' && o.status_id === 1) ||
          (o.status === 'Failure' && o.status_id === 2 && typeof o.api.response?.error === 'string'),
      );
      assert.equal(o.metadata.uid, native[i]?.id);
      assert.equal(typeof o.metadata.product.name, 'string');
    }
  });

  test('CloudTrail files hold AWS-shaped records, one file per day', async () => {
    const files = await readdir(join(dir, 'cloudtrail'));
    assert.equal(files.length, SMALL.days);
    for (const f of files) assert.match(f, /^\d{12}_CloudTrail_us-east-1_\d{8}T0000Z_sim\.json\.gz$/);
    const records = await cloudTrailRecords(dir);
    assert.equal(records.length, native.length);
    const byId = new Map(native.map((e) => [e.id, e]));
    for (const r of records) {
      const n = byId.get(r.eventID);
      assert.ok(n, `CloudTrail eventID ${r.eventID} is not a native event id`);
      assert.equal(r.eventVersion, '1.10');
      assert.equal(r.eventType, 'AwsApiCall');
      assert.match(r.eventTime, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
      assert.equal(r.eventTime, `${n.time.slice(0, 19)}Z`);
      assert.match(r.eventSource, /^[a-z0-9-]+\.amazonaws\.com$/);
      assert.equal(`${r.eventSource.split('.')[0]}:${r.eventName}`, n.operation);
      assert.equal(r.userIdentity.type, 'IAMUser');
      assert.equal(r.userIdentity.accessKeyId, n.credential_id);
      assert.equal(r.userIdentity.userName, n.principal);
      assert.match(r.userIdentity.arn, /^arn:aws:iam::\d{12}:user\//);
      assert.equal(r.sourceIPAddress, n.source_ip);
      assert.equal(r.userAgent, n.user_agent);
      assert.equal(typeof r.readOnly, 'boolean');
      assert.equal(r.recipientAccountId, r.userIdentity.accountId);
      assert.equal(r.errorCode !== undefined, n.outcome === 'failure');
      if (r.errorCode) assert.equal(typeof r.errorMessage, 'string');
      // The native form's `interactive` as real CloudTrail carries it (QA: only native said who was at the console).
      assert.equal(r.sessionCredentialFromConsole, n.interactive === true ? 'true' : undefined);
    }
  });

  test('labels are consistent with the events', () => {
    const ids = new Map(native.map((e) => [e.id, e]));
    const attacks = labels.credentials.filter((c) => c.label === 'attack');
    assert.equal(attacks.length, SMALL.attacks);
    assert.deepEqual(new Set(attacks.map((a) => a.attack?.kind)).size, 8, 'eight attacks play the eight variants');
    for (const c of attacks) {
      const a = c.attack;
      assert.ok(a);
      assert.ok(a.event_ids.length > 0);
      for (const id of a.event_ids) {
        const e = ids.get(id);
        assert.ok(e, `attack event ${id} missing from the events`);
        assert.equal(e.credential_id, c.credential);
        assert.ok(e.time >= a.start && e.time <= a.end);
      }
      assert.ok(a.start <= a.end);
      assert.equal(a.stages[0]?.stage, 'validity_check');
      for (const s of a.stages) assert.ok(ATTACK_STAGES.includes(s.stage));
      if (a.kind === 'partial_recon') assert.equal(a.first_damage, null);
      else {
        assert.ok(a.first_damage !== null && a.first_damage > a.start, `${a.kind} reaches damage after it starts`);
        const damage = native.find((e) => e.time === a.first_damage && a.event_ids.includes(e.id));
        assert.ok(damage && damage.outcome === 'success');
        assert.ok(a.stages.some((s) => DAMAGE_STAGES.has(s.stage)));
      }
      // Every attacked credential has the victim's own benign history before the attack, but the dormant key,
      // which has none at all.
      const before = native.filter((e) => e.credential_id === c.credential && e.time < a.start);
      if (a.kind === 'dormant_key' || a.kind === 'leaked_key_abuse')
        assert.equal(before.length, 0, `${c.principal} is not used before the attack`);
      else assert.ok(before.length >= 20, `${c.principal} has a baseline before the attack (${before.length})`);
      // The attacker never uses the victim's networks' ASN set for the hosting/Tor/VPN variants.
      if (['smash_and_grab', 'partial_recon', 'concurrent_use', 'ci_token_replay', 'dormant_key', 'leaked_key_abuse'].includes(a.kind)) {
        const kinds = a.source.networks.map((id) => NETWORKS.find((n) => n.id === id)?.kind);
        assert.ok(
          kinds.every((k) => k === 'hosting' || k === 'vpn' || k === 'tor'),
          `${a.kind} comes from ${kinds.join(',')}`,
        );
      }
    }
  });

  test('people keep their habits: daytime in their zone, and a traveller never outruns a plane', () => {
    const people = labels.credentials.filter((c) => c.holder === 'user' && c.label === 'benign' && c.hard_negative === 'none');
    let checkedPeople = 0;
    let checkedTrips = 0;
    for (const c of people) {
      const zone = /in ([A-Za-z_]+\/[A-Za-z_]+)/.exec(c.profile)?.[1] as string;
      const hours = native
        .filter((e) => e.credential_id === c.credential)
        .map((e) =>
          Number(new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: 'numeric', hourCycle: 'h23' }).format(new Date(e.time))),
        );
      if (hours.length < 50) continue;
      checkedPeople++;
      const daytime = hours.filter((h) => h >= 6 && h <= 23).length / hours.length;
      assert.ok(daytime > 0.9, `${c.principal} works mostly in the day in ${zone} (${daytime})`);
    }
    for (const c of labels.credentials.filter((x) => x.hard_negative === 'traveller')) {
      const events = native.filter((e) => e.credential_id === c.credential);
      const homeBlocks = new Set(events.slice(0, 30).map((e) => e.source_ip?.split('.').slice(0, 3).join('.')));
      const abroad = events.findIndex((e) => {
        const net = NETWORKS.find((n) => n.blocks.includes(e.source_ip?.split('.').slice(0, 3).join('.') ?? ''));
        return net?.kind === 'residential' && !homeBlocks.has(net.blocks[0]) && !profileHome(c.profile, net.id);
      });
      if (abroad <= 0) continue;
      checkedTrips++;
      const gapHours = (Date.parse(events[abroad]?.time ?? '') - Date.parse(events[abroad - 1]?.time ?? '')) / 3_600_000;
      assert.ok(gapHours >= 3, `${c.principal} reaches the destination after a flight (${gapHours.toFixed(1)} h)`);
      assert.equal(
        new Set(events.map((e) => e.user_agent?.replace(/ md\/command#\S+/, '').replace(/\d+/g, ''))).size,
        1,
        'same laptop and browser while travelling',
      );
    }
    assert.ok(checkedPeople > 0 && checkedTrips > 0, `checked ${checkedPeople} people and ${checkedTrips} trips`);
  });

  test('every hard-negative category is present among benign credentials', () => {
    const present = new Set(labels.credentials.filter((c) => c.label === 'benign').map((c) => c.hard_negative));
    for (const h of HARD_NEGATIVES) assert.ok(present.has(h), `missing hard negative ${h}`);
  });

  test('the key rotation creates the new key from the old one and deletes the old one with the new one', () => {
    const rotated = labels.credentials.filter((c) => c.hard_negative === 'key_rotation');
    assert.ok(rotated.length >= 2);
    const [oldKey, newKey] = rotated;
    const create = native.find((e) => e.credential_id === oldKey?.credential && e.operation === 'iam:CreateAccessKey');
    const del = native.find((e) => e.credential_id === newKey?.credential && e.operation === 'iam:DeleteAccessKey');
    assert.ok(create && del && create.time < del.time);
    assert.equal(create.source_ip?.split('.').slice(0, 3).join('.'), del.source_ip?.split('.').slice(0, 3).join('.'));
    assert.ok(!native.some((e) => e.credential_id === oldKey?.credential && e.time > (del?.time ?? '')));
  });
});

describe('simulateToDirectory output directory', () => {
  const tiny: SimulationOptions = { seed: 1, days: 1, users: 2, services: 1, attacks: 1, start: Date.UTC(2026, 10, 2) };

  test('creates missing parents, and fails at once (no spin) where the file system cannot hold a directory', {
    timeout: 20_000,
  }, async () => {
    const base = await mkdtemp(join(tmpdir(), 'tw-sim-dirs-'));
    try {
      const summary = await simulateToDirectory(tiny, join(base, 'a', 'b'), ['native']);
      assert.ok(summary.files.includes('events.native.jsonl'));
      // Node's own recursive mkdir loops forever on procfs; a refused directory must be an error.
      await assert.rejects(simulateToDirectory(tiny, '/proc/tokenwarden-nope/x', ['native']), /cannot create output directory/);
    } finally {
      await rm(base, { recursive: true, force: true });
    }
  });

  test("a second run into the same directory leaves none of the first run's events beside its labels", async () => {
    // QA: native and OCSF files of seed 1 stayed next to seed 2's CloudTrail and labels; `detect` read both runs.
    const dir = await mkdtemp(join(tmpdir(), 'tw-sim-again-'));
    try {
      await simulateToDirectory(tiny, dir, ['native', 'ocsf', 'cloudtrail']);
      await writeFile(join(dir, 'notes.txt'), 'mine');
      await simulateToDirectory({ ...tiny, seed: 2 }, dir, ['cloudtrail']);
      assert.deepEqual((await readdir(dir)).sort(), ['cloudtrail', 'labels.json', 'notes.txt']);
      await simulateToDirectory({ ...tiny, seed: 3 }, dir, ['native']);
      assert.deepEqual((await readdir(dir)).sort(), ['cloudtrail', 'events.native.jsonl', 'labels.json', 'notes.txt']);
      assert.deepEqual(await readdir(join(dir, 'cloudtrail')), []);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
