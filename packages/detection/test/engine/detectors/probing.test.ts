import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createDetectionEngine } from '../../../src/engine/index.js';
import { AFTER, aliceHistory, byRule, DAY, type EventSpec, ev, HOUR, pages, run, T0 } from '../helpers/events.js';

const base: Omit<EventSpec, 'at'> = { cred: 'AKIAALICE', principal: 'alice', place: 'londonHome', client: 'chromeMac' };

describe('detector: probing and enumeration', () => {
  it('reports many distinct operations within seconds', () => {
    const engine = createDetectionEngine();
    run(engine, aliceHistory());
    const services = ['ec2', 'iam', 'lambda', 'rds', 'dynamodb', 'sqs', 'sns', 'kms'];
    const events = [];
    for (let i = 0; i < 40; i++)
      events.push(
        ev({ ...base, at: AFTER + i * 500, op: `${services[i % 8]}:List${['Things', 'Items', 'Keys', 'Roles', 'Users'][i % 5]}${i}` }),
      );
    const [a] = byRule(run(engine, events), 'probing');
    assert.ok(a);
    assert.equal(a.evidence.kind, 'enumeration');
  });

  it('reports a burst of AccessDenied', () => {
    const engine = createDetectionEngine();
    run(engine, aliceHistory());
    const events = [];
    for (let i = 0; i < 15; i++)
      events.push(ev({ ...base, at: AFTER + i * 1000, op: 'iam:ListUsers', outcome: 'failure', error: 'AccessDenied' }));
    const alerts = byRule(run(engine, events), 'probing');
    assert.ok(alerts.some((a) => a.evidence.kind === 'failure_burst'));
  });

  it("hard negative: a new scanner's first run, asking which repositories hold a lockfile, is medium; refusals still page", () => {
    // Blind API test #6: an SBOM scanner's first daily run got 404 for 10 of 17 file checks and paged high as
    // "10 authorization failures".
    const judge = (status: number) => {
      const engine = createDetectionEngine();
      const events = [];
      for (let i = 0; i < 17; i++)
        events.push(
          ev({
            cred: 'tok_sbom',
            principal: 'sbom-scanner',
            at: T0 + i * 2000,
            method: 'GET',
            path: `/api/v1/repos/northwind/repo-${i}/contents/package-lock.json`,
            status: i % 5 < 3 ? status : 200,
          }),
        );
      return byRule(run(engine, events), 'probing').filter((a) => a.evidence.kind === 'failure_burst');
    };
    const notFound = judge(404);
    assert.ok(notFound.length > 0);
    assert.deepEqual(pages(notFound), []);
    assert.ok(pages(judge(403)).length > 0);
  });

  it('reports sequential object ids on one endpoint (BOLA walk)', () => {
    const engine = createDetectionEngine();
    const events = [];
    for (let i = 0; i < 30; i++)
      events.push(
        ev({
          cred: 'tok_1',
          principal: 'bob',
          at: T0 + i * 1000,
          method: 'GET',
          path: `/api/invoices/${1000 + i}`,
          status: i % 3 === 0 ? 200 : 403,
        }),
      );
    const alerts = byRule(run(engine, events), 'probing');
    assert.ok(alerts.some((a) => a.evidence.kind === 'sequential_ids'));
  });

  it("hard negative: a posture scanner's daily sweep under fresh role session keys is its role's habit", () => {
    // Prowler-style: one role, a new session (new ASIA key) every day, hundreds of List/Describe/Get calls in minutes.
    const engine = createDetectionEngine();
    const principal = 'arn:aws:sts::111122223333:assumed-role/prowler-scan-role/ProwlerAssessmentSession';
    const events = [];
    for (let d = 0; d < 5; d++)
      for (let i = 0; i < 240; i++)
        events.push(
          ev({
            cred: `ASIASCAN${d}`,
            principal,
            at: T0 + d * DAY + 2 * HOUR + i * 1000,
            place: 'awsVirginia',
            client: 'boto3',
            op: `svc${i % 80}:Describe${i % 3}`,
          }),
        );
    const sweeps = byRule(run(engine, events), 'probing').filter((a) => a.evidence.kind === 'enumeration');
    assert.ok(sweeps.length > 0, 'the first sweep is reported');
    assert.deepEqual(
      sweeps.filter((a) => Date.parse(a.time) >= T0 + DAY).map((a) => a.summary),
      [],
      'later days are the habit of the role',
    );
  });

  it('reports the walk when the log names the route template beside the path it matched', () => {
    // An API framework logging `operation: "GET /v1/invoices/{id}"` and the real path: the ids are in the path.
    const engine = createDetectionEngine();
    const events = [];
    for (let i = 0; i < 30; i++)
      events.push(
        ev({
          cred: 'tok_2',
          principal: 'tenant42',
          at: T0 + i * 1000,
          op: 'GET /v1/invoices/{id}',
          method: 'GET',
          path: `/v1/invoices/${1000 + i}`,
        }),
      );
    const walks = byRule(run(engine, events), 'probing').filter((a) => a.evidence.kind === 'sequential_ids');
    assert.equal(walks.length, 1);
    assert.equal(walks[0]!.evidence.endpoint, 'GET /v1/invoices/{id}');
  });

  it('hard negative: a Terraform plan that always describes many resources', () => {
    const engine = createDetectionEngine();
    const plan = (start: number) => {
      const out = [];
      for (let i = 0; i < 80; i++)
        out.push(
          ev({
            cred: 'AKIATF',
            principal: 'terraform',
            place: 'awsVirginia',
            client: 'terraform',
            at: start + i * 300,
            op: `ec2:Describe${i}`,
          }),
        );
      return out;
    };
    const history = [];
    for (let d = 0; d < 10; d++) history.push(...plan(T0 + d * DAY + 10 * HOUR));
    run(engine, history);
    assert.equal(byRule(run(engine, plan(T0 + 11 * DAY + 10 * HOUR)), 'probing').length, 0);
  });

  it('hard negative: Terraform under fresh session keys each run reads everything it manages; boto3 doing so is a sweep', () => {
    // Atlantis assumes its role for every run: a new credential with no busiest window, 25+ describes in a minute
    // (54 medium alerts a month in a blind test). The same sweep from boto3, or refused, is still reported.
    const sweep = (cred: string, client: 'terraform' | 'boto3', refused = false) =>
      Array.from({ length: 30 }, (_, i) =>
        ev({
          at: AFTER + i * 1000,
          cred,
          principal: 'arn:aws:sts::111122223333:assumed-role/terraform/*',
          place: 'awsVirginia',
          client,
          op: `ec2:Describe${String.fromCharCode(65 + (i % 26))}${i}`,
          ...(refused && i % 2 === 0 ? { outcome: 'failure' as const, error: 'AccessDenied', status: 403 } : {}),
        }),
      );
    const enumeration = (alerts: ReturnType<typeof run>) => byRule(alerts, 'probing').filter((a) => a.evidence.kind === 'enumeration');
    assert.deepEqual(enumeration(run(createDetectionEngine(), sweep('ASIARUN1', 'terraform'))), []);
    assert.equal(enumeration(run(createDetectionEngine(), sweep('ASIARUN2', 'boto3'))).length, 1);
    // Refused half the time, it is reported (as the failure burst that comes first: one probing alert per hour).
    assert.ok(byRule(run(createDetectionEngine(), sweep('ASIARUN3', 'terraform', true)), 'probing').length > 0);
  });

  it('hard negative: a user opening a few records and failing once', () => {
    const engine = createDetectionEngine();
    run(engine, aliceHistory());
    const events = [
      ev({ ...base, at: AFTER, method: 'GET', path: '/api/invoices/17' }),
      ev({ ...base, at: AFTER + 2000, method: 'GET', path: '/api/invoices/18' }),
      ev({ ...base, at: AFTER + 4000, method: 'GET', path: '/api/invoices/93', status: 404 }),
    ];
    assert.equal(byRule(run(engine, events), 'probing').length, 0);
  });

  it('hard negative: a misconfigured job that has always been failing', () => {
    const engine = createDetectionEngine();
    const history = [];
    for (let i = 0; i < 400; i++) {
      history.push(
        ev({
          cred: 'AKIAJOB',
          principal: 'job',
          place: 'awsVirginia',
          client: 'boto3',
          at: T0 + i * 10 * 60_000,
          op: 'sqs:SendMessage',
          outcome: 'failure',
          error: 'AccessDenied',
        }),
      );
    }
    run(engine, history);
    const burst = [];
    for (let i = 0; i < 20; i++)
      burst.push(
        ev({
          cred: 'AKIAJOB',
          principal: 'job',
          place: 'awsVirginia',
          client: 'boto3',
          at: T0 + 5 * DAY + i * 1000,
          op: 'sqs:SendMessage',
          outcome: 'failure',
          error: 'AccessDenied',
        }),
      );
    assert.equal(byRule(run(engine, burst), 'probing').length, 0);
  });

  it('hard negative: a stale key a bad deploy retries, refused (401) on every call it ever made, is medium; a working key refused pages', () => {
    // Blind test #10: a customer's deploy shipped an old key; its servers sent it ~250 times in 4 minutes across their
    // usual endpoints, every call 401, and it paged high as "10 authorization failures", then as an attack chain.
    const paths = ['/v1/invoices', '/v1/customers', '/v1/invoices/17/finalize', '/v1/balance', '/v1/payouts'];
    const burst = (cred: string) =>
      Array.from({ length: 60 }, (_, i) =>
        ev({
          cred,
          place: 'awsVirginia',
          client: 'pythonRequests',
          at: AFTER + i * 1000,
          method: i % 5 === 2 ? 'POST' : 'GET',
          path: paths[i % paths.length] as string,
          status: 401,
        }),
      );
    const alerts = run(createDetectionEngine(), burst('lk_live_stale'));
    const bursts = byRule(alerts, 'probing').filter((a) => a.evidence.kind === 'failure_burst');
    assert.equal(bursts.length, 1);
    assert.equal(bursts[0]!.evidence.never_accepted, true);
    assert.deepEqual(pages(alerts), []);
    // The same burst from a key that had been working is someone holding a dead or stolen key: it pages.
    const engine = createDetectionEngine();
    run(engine, [ev({ cred: 'lk_live_used', place: 'awsVirginia', client: 'pythonRequests', at: AFTER - 60_000, path: '/v1/balance' })]);
    assert.ok(pages(byRule(run(engine, burst('lk_live_used')), 'probing')).length > 0);
  });
});
