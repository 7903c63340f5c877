import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { fixture } from '../fixtures/paths.js';

const bin = fileURLToPath(new URL('../../../cli/bin/tokenwarden.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'tw-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function detect(args: string[], stdin?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, 'detect', '--quiet', ...args], {
      env: { ...process.env, TOKENWARDEN_FROM_SOURCE: '1' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin ?? '');
  });
}

// A stolen key: probed from one network, then used from another far away to create a key and stop logging.
function attackTrail(): string {
  const rec = (i: number, minute: number, ip: string, source: string, name: string, ua: string) => ({
    eventVersion: '1.08',
    userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/alice', accessKeyId: 'AKIAEXAMPLEVICTIM001' },
    eventTime: new Date(Date.UTC(2026, 2, 1, 9, minute)).toISOString(),
    eventSource: source,
    eventName: name,
    sourceIPAddress: ip,
    userAgent: ua,
    eventID: `e-${i}`,
  });
  const records = [];
  for (let d = 0; d < 20; d++)
    records.push(rec(d, d, '8.8.8.8', 's3.amazonaws.com', 'ListBuckets', 'aws-cli/2.15.0 Python/3.11 Darwin/23.0'));
  records.push(rec(100, 30, '185.220.101.1', 'sts.amazonaws.com', 'GetCallerIdentity', 'curl/8.5.0'));
  records.push(rec(101, 31, '185.220.101.1', 'iam.amazonaws.com', 'CreateAccessKey', 'curl/8.5.0'));
  records.push(rec(102, 32, '185.220.101.1', 'cloudtrail.amazonaws.com', 'StopLogging', 'curl/8.5.0'));
  return JSON.stringify({ Records: records });
}

describe('tokenwarden detect (CLI)', () => {
  it('prints one alert per line with the pinned fields, reports bad lines and unreadable paths (exit 2 after the rest); OCSF on request', async () => {
    const trail = join(dir, 'trail.json');
    writeFileSync(trail, attackTrail());
    const bad = join(dir, 'bad.jsonl');
    writeFileSync(bad, `${readFileSync(fixture('native.jsonl'), 'utf8')}{"id": oops\n`);
    const native = await detect([join(dir, 'missing.log'), trail, bad]);
    assert.equal(native.code, 2, native.stderr);
    assert.match(native.stderr, /error TW_INPUT_UNREADABLE: cannot read .*missing\.log: no such file or directory/);
    assert.match(native.stderr, /bad\.jsonl:4: not valid JSON/);
    const alerts = native.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.ok(alerts.length > 0, 'the readable inputs were processed');
    for (const a of alerts) {
      for (const k of ['id', 'time', 'credential', 'principal', 'rule', 'severity', 'score', 'stage', 'summary', 'evidence'])
        assert.ok(k in a, k);
      assert.match(String(a.severity), /^(low|medium|high|critical)$/);
      assert.ok(Number(a.score) >= 0 && Number(a.score) <= 100);
      assert.ok(!Number.isNaN(Date.parse(String(a.time))));
    }
    const victim = alerts.filter((a) => a.credential === 'AKIAEXAMPLEVICTIM001');
    assert.ok(victim.length > 0, 'the attack on the stolen key raises alerts');
    assert.ok(
      victim.every((a) => String(a.time) >= '2026-03-01T09:30:00.000Z'),
      'alert time is the triggering event time',
    );

    const ocsf = await detect(['--output', 'ocsf', '-'], attackTrail());
    assert.equal(ocsf.code, 0, ocsf.stderr);
    const findings = ocsf.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.ok(findings.length > 0);
    assert.ok(findings.every((f) => f.class_uid === 2004 && f.category_uid === 2 && typeof f.time === 'number'));
  });
  it('names the bad record of a CloudTrail file written on one line by its position, and judges the rest', async () => {
    const records = (JSON.parse(attackTrail()) as { Records: Record<string, unknown>[] }).Records;
    records.splice(2, 0, { ...records[2], eventID: 'bad-ip', sourceIPAddress: 'not-an-ip' });
    records.splice(4, 0, { ...records[4], eventID: 'bad-time', eventTime: '2099-01-01T00:00:00Z' });
    const trail = join(dir, 'trail-one-line.json');
    writeFileSync(trail, JSON.stringify({ Records: records }));
    const out = await detect([trail]);
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stderr, /trail-one-line\.json:1: record 3: sourceIPAddress is neither an IP address nor an AWS service/);
    assert.match(out.stderr, /trail-one-line\.json:1: record 5: timestamp 2099-01-01T00:00:00\.000Z is in the future/);
    const rules = out.stdout
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { rule: string }).rule);
    assert.ok(rules.length > 0, 'the records after the bad ones are still judged');
  });

  it('takes detector thresholds from the config file and names a misspelt one before reading any input', async () => {
    const trail = join(dir, 'trail-config.json');
    writeFileSync(trail, attackTrail());
    const typo = join(dir, 'typo.yaml');
    writeFileSync(typo, 'detection:\n  probing:\n    distinctThreshhold: 40\n');
    const refused = await detect(['--config', typo, trail]);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /TW_DETECT_CONFIG_INVALID: .*"probing\.distinctThreshhold" is not a known setting/);
    assert.equal(refused.stdout, '');

    // Severity bands moved up: the same trail pages less.
    const strict = join(dir, 'strict.json');
    writeFileSync(strict, JSON.stringify({ detection: { risk: { mediumScore: 90, highScore: 98, criticalScore: 99 } } }));
    const [defaults, raised] = await Promise.all([detect([trail]), detect(['--config', strict, trail])]);
    assert.equal(raised.code, 0, raised.stderr);
    const pages = (out: string) =>
      out
        .trim()
        .split('\n')
        .filter((l) => /"severity":"(high|critical)"/.test(l)).length;
    assert.ok(pages(defaults.stdout) > 0, defaults.stderr);
    assert.ok(pages(raised.stdout) < pages(defaults.stdout));
  });

  it('shows at most --max-issues skipped records per input (100 by default), counts the rest, and reads the next input', async () => {
    const wrong = join(dir, 'native-read-as-cloudtrail.jsonl');
    const lines = Array.from({ length: 250 }, (_, i) =>
      JSON.stringify({ id: `e${i}`, time: '2026-03-01T09:00:00Z', credential_id: 'k1', source_ip: '8.8.8.8', method: 'GET', path: '/x' }),
    );
    writeFileSync(wrong, `${lines.join('\n')}\n`);
    const trail = join(dir, 'trail-after-noise.json');
    writeFileSync(trail, attackTrail());
    const out = await detect(['--input-format', 'cloudtrail', wrong, trail]);
    assert.equal(out.code, 0, out.stderr);
    const shown = out.stderr.split('\n').filter((l) => l.startsWith(`${wrong}:`) && /:\d+: /.test(l));
    assert.equal(shown.length, 100);
    assert.match(
      out.stderr,
      new RegExp(`${wrong.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: 150 more skipped record\\(s\\) not shown, from line 101`),
    );
    assert.ok(out.stdout.length > 0, 'the next input is still judged');
    const all = await detect(['--input-format', 'cloudtrail', '--max-issues', '0', wrong]);
    assert.equal(all.stderr.split('\n').filter((l) => /:\d+: CloudTrail record/.test(l)).length, 250);
  });

  it('always says a .gz was corrupt, however many garbage records came before it', async () => {
    // QA: flipped bytes in a gzip member decompress to garbage until the check fails at its end; the one line that
    // said so was hidden behind a hundred "not valid JSON" lines.
    const lines = Array.from({ length: 20_000 }, (_, i) =>
      JSON.stringify({
        id: `e${i}`,
        time: '2026-03-01T09:00:00Z',
        credential_id: `k${i % 50}`,
        source_ip: '8.8.8.8',
        method: 'GET',
        path: `/x/${i}`,
      }),
    );
    const packed = gzipSync(`${lines.join('\n')}\n`);
    for (let i = 0; i < 100; i++) packed[2_000 + i * 7] = (packed[2_000 + i * 7] as number) ^ 0x5a;
    const corrupt = join(dir, 'corrupt.jsonl.gz');
    writeFileSync(corrupt, packed);
    const out = await detect([corrupt]);
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stderr, /corrupt\.jsonl\.gz:\d+: input ended with an error: /);
  });
});
