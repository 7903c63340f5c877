import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createDetectionEngine } from '../../../src/engine/index.js';
import { AFTER, aliceHistory, byRule, DAY, ev, HOUR, MIN, pages, run, T0 } from '../helpers/events.js';

function readerHistory(days: number) {
  const out = [];
  for (let d = 0; d < days; d++) {
    for (let h = 9; h < 17; h++) {
      for (let i = 0; i < 20; i++) {
        out.push(
          ev({
            cred: 'AKIAREAD',
            principal: 'reporting',
            place: 'londonOffice',
            client: 'boto3',
            at: T0 + d * DAY + h * HOUR + i * 2 * MIN,
            op: 's3:GetObject',
            resource: `arn:aws:s3:::reports/${d}/${h}/${i}.csv`,
            bytes: 50_000,
          }),
        );
      }
    }
  }
  return out;
}

describe('detector: data never accessed before', () => {
  it('reports the first read of a secret the credential never touched', () => {
    const engine = createDetectionEngine();
    run(engine, aliceHistory());
    const alerts = run(engine, [
      ev({
        at: AFTER,
        cred: 'AKIAALICE',
        principal: 'alice',
        place: 'londonHome',
        client: 'chromeMac',
        op: 'secretsmanager:GetSecretValue',
        resource: 'arn:aws:secretsmanager:eu-west-2:1:secret:prod/db',
      }),
    ]);
    const [a] = byRule(alerts, 'data_access');
    assert.ok(a);
    assert.equal(a.evidence.kind, 'new_resource');
    assert.equal(a.stage, 'collection');
  });

  it('reports a read-volume spike against the hourly baseline', () => {
    const engine = createDetectionEngine();
    run(engine, readerHistory(14));
    const burst = [];
    for (let i = 0; i < 2000; i++) {
      burst.push(
        ev({
          cred: 'AKIAREAD',
          principal: 'reporting',
          place: 'londonOffice',
          client: 'boto3',
          at: T0 + 15 * DAY + 11 * HOUR + i * 1000,
          op: 's3:GetObject',
          resource: `arn:aws:s3:::reports/x/${i}`,
          bytes: 50_000,
        }),
      );
    }
    const alerts = byRule(run(engine, burst), 'data_access');
    assert.ok(alerts.some((a) => a.evidence.kind === 'volume_spike'));
    assert.equal(alerts.filter((a) => a.evidence.kind === 'volume_spike').length, 1, 'one alert per spike hour');
  });

  it('pages a bulk download from a home network the credential never used', () => {
    // A stolen key's owner reads ~1 MB an hour from the office; the thief pulls one 38 MB export from a
    // residential line in another city. Neither the new network nor the volume pages alone; together they do.
    const engine = createDetectionEngine();
    run(engine, readerHistory(14));
    const grab = (place: 'manchesterCable' | 'londonOffice') =>
      ev({
        cred: 'AKIAREAD',
        principal: 'reporting',
        place,
        client: 'boto3',
        at: T0 + 15 * DAY + 11 * HOUR,
        op: 's3:GetObject',
        resource: 'arn:aws:s3:::reports/2026/full-export.csv',
        bytes: 38 * 1024 * 1024,
      });
    const stolen = run(engine, [grab('manchesterCable')]);
    const spike = byRule(stolen, 'data_access').find((a) => a.evidence.kind === 'volume_spike');
    assert.ok(spike, 'the 38 MB hour is a spike');
    assert.ok(pages(stolen).length > 0, `pages: ${stolen.map((a) => `${a.rule}/${a.severity}`).join(', ')}`);

    const owner = createDetectionEngine();
    run(owner, readerHistory(14));
    const busyDay = run(owner, [grab('londonOffice')]);
    assert.ok(byRule(busyDay, 'data_access').some((a) => a.evidence.kind === 'volume_spike' && a.evidence.familiar_context === true));
    assert.equal(pages(busyDay).length, 0, 'the owner pulling the same export from the office does not page');
  });

  it('hard negative: steady reads of the usual bucket', () => {
    const engine = createDetectionEngine();
    const history = readerHistory(16);
    const alerts = run(engine, history).filter((a) => a.time >= new Date(T0 + 10 * DAY).toISOString());
    assert.equal(byRule(alerts, 'data_access').length, 0);
  });
});
