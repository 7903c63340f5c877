import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, test } from 'node:test';
import { TokenWardenError } from '@tokenwarden/core';
import { type AlertProblem, evaluateAlerts, formatEvalReport, readAlerts, readLabels, type ThresholdScore } from '@tokenwarden/simulator';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const OCSF_SEVERITY_ID: Record<string, number> = { low: 2, medium: 3, high: 4, critical: 5 };

async function run(alertsPath = join(FIXTURES, 'alerts.jsonl')) {
  const labels = await readLabels(join(FIXTURES, 'labels.json'));
  const problems: AlertProblem[] = [];
  const report = await evaluateAlerts(
    labels,
    readAlerts(alertsPath, (p) => problems.push(p)),
  );
  return { report, problems };
}

const at = (ts: ThresholdScore[], t: string): ThresholdScore => ts.find((x) => x.threshold === t) as ThresholdScore;

describe('evaluateAlerts on hand-made labels and alerts', () => {
  test('reports malformed lines with their line numbers and keeps going', async () => {
    const { report, problems } = await run();
    assert.deepEqual(
      problems.map((p) => [p.line, p.reason.split(':')[0]]),
      [
        [7, 'not JSON'],
        [9, 'missing or invalid "time" (ISO 8601 expected)'],
        [11, 'invalid "severity" (expected low|medium|high|critical)'],
      ],
    );
    assert.ok(problems.every((p) => p.source.endsWith('alerts.jsonl')));
    assert.equal(report.alerts, 8);
    assert.equal(report.unlabelled_alerts, 1);
    assert.equal(report.unlabelled_credentials, 1);
  });

  test('computes precision, recall and false pages per threshold', async () => {
    const { report } = await run();
    const high = at(report.thresholds, 'high');
    // Flagged at high: FAST (true), SLOW (true), MISS (alert before its attack: false), BENIGN1 (false).
    assert.equal(high.flagged, 4);
    assert.equal(high.caught, 2);
    assert.equal(high.attacks, 3);
    assert.equal(high.precision, 0.5);
    assert.equal(high.recall, 2 / 3);
    assert.equal(high.benign, 4);
    assert.equal(high.benign_paged, 1);
    assert.equal(high.false_pages_per_1000, 250);
    assert.equal(high.attack_credentials_paged_outside_attack, 1);

    const low = at(report.thresholds, 'low');
    // Adds BENIGN3 (low) and the unlabelled credential (medium).
    assert.equal(low.flagged, 6);
    assert.equal(low.caught, 2);
    assert.equal(low.benign_paged, 2);
    assert.equal(low.precision, 2 / 6);

    const critical = at(report.thresholds, 'critical');
    assert.equal(critical.caught, 1);
    assert.equal(critical.flagged, 1);
    assert.equal(critical.precision, 1);
    assert.equal(critical.false_pages_per_1000, 0);
  });

  test('measures time to detect and catches before damage at second resolution', async () => {
    const { report } = await run();
    const high = at(report.thresholds, 'high');
    // FAST: 5 min after start, before damage at 01:10. SLOW: the alert is raised by the damage event itself (same second): not before.
    assert.equal(high.attacks_with_damage, 2);
    assert.equal(high.caught_before_damage, 1);
    assert.equal(high.before_damage_share, 0.5);
    assert.equal(high.ttd_median_s, 300);
    assert.equal(high.ttd_p90_s, 86_400.4);
    const medium = at(report.thresholds, 'medium');
    // At medium, SLOW is caught 30 min after its start (a4), before its damage.
    assert.equal(medium.caught_before_damage, 2);
    assert.equal(medium.ttd_median_s, 300);
    assert.equal(medium.ttd_p90_s, 1800);
    const critical = at(report.thresholds, 'critical');
    assert.equal(critical.caught_before_damage, 0);
    assert.equal(critical.ttd_median_s, 720);
  });

  test('breaks results down per attack, rule and hard-negative category', async () => {
    const { report } = await run();
    const fast = report.attacks.find((a) => a.kind === 'smash_and_grab');
    assert.deepEqual(
      { caught: fast?.caught, ttd: fast?.ttd_s, before: fast?.before_damage, max: fast?.max_severity, rules: fast?.rules },
      { caught: true, ttd: 300, before: true, max: 'critical', rules: ['attack_chain', 'new_place'] },
    );
    const miss = report.attacks.find((a) => a.kind === 'partial_recon');
    assert.deepEqual(
      { caught: miss?.caught, before: miss?.before_damage, max: miss?.max_severity },
      { caught: false, before: null, max: null },
    );

    const rule = (name: string) => report.rules.find((r) => r.rule === name);
    assert.deepEqual(rule('new_place'), { rule: 'new_place', true_alerts: 2, false_alerts: 1, true_pages: 1, false_pages: 0 });
    assert.deepEqual(rule('attack_chain'), { rule: 'attack_chain', true_alerts: 2, false_alerts: 0, true_pages: 2, false_pages: 0 });
    assert.deepEqual(rule('impossible_travel'), {
      rule: 'impossible_travel',
      true_alerts: 0,
      false_alerts: 1,
      true_pages: 0,
      false_pages: 1,
    });
    assert.deepEqual(rule('new_device'), { rule: 'new_device', true_alerts: 0, false_alerts: 1, true_pages: 0, false_pages: 1 });

    const cat = (name: string) => report.categories.find((c) => c.category === name);
    assert.deepEqual(cat('traveller'), { category: 'traveller', credentials: 2, paged: 1, alerts: 1, paged_principals: ['farid'] });
    assert.deepEqual(cat('on_call'), { category: 'on_call', credentials: 1, paged: 0, alerts: 1, paged_principals: [] });
    assert.deepEqual(cat('none'), { category: 'none', credentials: 1, paged: 0, alerts: 0, paged_principals: [] });
  });

  test('a custom paging threshold and grace change what counts', async () => {
    const labels = await readLabels(join(FIXTURES, 'labels.json'));
    const late = [
      {
        id: 'x',
        time: Date.parse('2026-11-05T03:00:00Z'),
        credential: 'AKIAATTACKFAST',
        rule: 'r',
        severity: 'medium' as const,
        stage: 'none',
      },
    ];
    const strict = await evaluateAlerts(labels, late, { pageThreshold: 'medium', graceMs: 3_600_000 });
    assert.equal(strict.attacks.find((a) => a.kind === 'smash_and_grab')?.caught, false);
    const lenient = await evaluateAlerts(labels, late, { pageThreshold: 'medium', graceMs: 2 * 3_600_000 });
    assert.equal(lenient.attacks.find((a) => a.kind === 'smash_and_grab')?.caught, true);
  });

  test('reads alerts from a stream for stdin', async () => {
    const labels = await readLabels(join(FIXTURES, 'labels.json'));
    const stdin = Readable.from(['{"time":"2026-11-05T01:05:00Z","credential":"AKIAATTACKFAST","rule":"r","severity":"critical"}\n']);
    const report = await evaluateAlerts(
      labels,
      readAlerts('-', () => assert.fail('no problem expected'), stdin),
    );
    assert.equal(report.attacks.find((a) => a.kind === 'smash_and_grab')?.caught, true);
  });

  test('scores OCSF Detection Findings (detect --output ocsf) like the native alerts they came from', async () => {
    const labels = await readLabels(join(FIXTURES, 'labels.json'));
    const native = readFileSync(join(FIXTURES, 'alerts.jsonl'), 'utf8')
      .split('\n')
      .flatMap((line) => {
        try {
          const a = JSON.parse(line) as { id?: string; time: string; credential: string; rule: string; severity: string; stage?: string };
          return typeof a.credential === 'string' && !Number.isNaN(Date.parse(a.time)) && OCSF_SEVERITY_ID[a.severity] ? [a] : [];
        } catch {
          return [];
        }
      });
    // Standard OCSF places only (no `unmapped`), as another tool's findings would have them.
    const findings = native.map((a) =>
      JSON.stringify({
        class_uid: 2004,
        time: Date.parse(a.time),
        severity_id: OCSF_SEVERITY_ID[a.severity],
        finding_info: { uid: a.id ?? 'x', title: a.rule, types: [a.rule, a.stage ?? 'none'] },
        actor: { session: { credential_uid: a.credential } },
      }),
    );
    const problems: AlertProblem[] = [];
    const fromOcsf = await evaluateAlerts(
      labels,
      readAlerts('-', (p) => problems.push(p), Readable.from([`${findings.join('\n')}\n`])),
    );
    const { report } = await run();
    assert.deepEqual(problems, []);
    assert.equal(fromOcsf.alerts, report.alerts);
    assert.deepEqual(fromOcsf.thresholds, report.thresholds);
    assert.deepEqual(fromOcsf.attacks, report.attacks);
    const badProblems: AlertProblem[] = [];
    const bad = await evaluateAlerts(
      labels,
      readAlerts(
        '-',
        (p) => badProblems.push(p),
        Readable.from([
          [
            '{"class_uid":2004,"time":1,"severity_id":4,"finding_info":{"title":"r"}}',
            '{"class_uid":2004,"time":"2026-01-01","severity_id":4,"finding_info":{"title":"r"},"actor":{"session":{"credential_uid":"k"}}}',
            '{"class_uid":2004,"time":1,"severity_id":0,"finding_info":{"title":"r"},"actor":{"session":{"credential_uid":"k"}}}',
            '{"class_uid":2004,"time":1,"severity_id":4,"finding_info":"r","actor":{"session":{"credential_uid":"k"}}}',
            '{"class_uid":2004,"time":1,"severity_id":4,"finding_info":{"title":"r"},"actor":["k"],"unmapped":7}',
          ].join('\n'),
        ]),
      ),
    );
    assert.equal(bad.alerts, 0);
    // Malformed findings are each reported with what is missing, and the stream goes on.
    assert.deepEqual(
      badProblems.map((p) => [p.line, p.reason.split(' (')[0]]),
      [
        [1, 'OCSF finding without "actor.session.credential_uid"'],
        [2, 'OCSF finding without a numeric "time"'],
        [3, 'OCSF finding with an unusable "severity_id"'],
        [4, 'OCSF finding without "finding_info.title"'],
        [5, 'OCSF finding without "actor.session.credential_uid"'],
      ],
    );
  });

  test('formats a text report with every section', async () => {
    const { report } = await run();
    const text = formatEvalReport(report);
    for (const heading of ['Per credential, by threshold', 'Attacks (at high)', 'Hard negatives', 'Rules'])
      assert.ok(text.includes(heading), heading);
    assert.match(text, /high\s+4\s+2\/3\s+50\.0%\s+66\.7%\s+250\.0 \(1\/4\)/);
  });

  test('missing and malformed inputs are clear errors', async () => {
    await assert.rejects(
      readLabels(join(FIXTURES, 'nope.json')),
      (e: unknown) => e instanceof TokenWardenError && e.code === 'TW_INPUT_UNREADABLE' && e.message.includes('nope.json'),
    );
    await assert.rejects(
      async () => {
        for await (const _ of readAlerts(join(FIXTURES, 'missing.jsonl'), () => {})) void _;
      },
      (e: unknown) => e instanceof TokenWardenError && e.code === 'TW_INPUT_UNREADABLE',
    );
    await assert.rejects(
      readLabels(join(FIXTURES, 'alerts.jsonl')),
      (e: unknown) => e instanceof TokenWardenError && e.code === 'TW_INPUT_MALFORMED',
    );
  });
});
