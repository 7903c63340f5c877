import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildForensicReport, classifyAccess, renderHtml, renderMarkdown, resourceKind } from '@tokenwarden/response';
import { alert, ev } from '../fakes.js';

const events = [
  ev({
    id: 'e1',
    time: '2026-11-01T09:00:00.000Z',
    credential_id: 'key_1',
    method: 'GET',
    path: '/api/v1/projects',
    status: 200,
    source_ip: '198.51.100.7',
    user_agent: 'Mozilla/5.0',
    bytes_out: 1000,
  }),
  ev({
    id: 'e2',
    time: '2026-11-02T03:00:00.000Z',
    credential_id: 'key_1',
    method: 'GET',
    path: '/api/v1/me',
    status: 200,
    source_ip: '203.0.113.9',
    user_agent: 'curl/8.4.0',
    bytes_out: 200,
  }),
  ev({
    id: 'e3',
    time: '2026-11-02T03:00:05.000Z',
    credential_id: 'key_1',
    method: 'GET',
    path: '/api/v1/billing/invoices/42',
    status: 200,
    source_ip: '203.0.113.9',
    user_agent: 'curl/8.4.0',
    bytes_out: 50_000,
  }),
  ev({
    id: 'e4',
    time: '2026-11-02T03:00:09.000Z',
    credential_id: 'key_1',
    method: 'POST',
    path: '/api/v1/admin/keys',
    status: 201,
    source_ip: '203.0.113.9',
    user_agent: 'curl/8.4.0',
  }),
  ev({
    id: 'e5',
    time: '2026-11-02T03:00:10.000Z',
    credential_id: 'key_1',
    method: 'GET',
    path: '/api/v1/secret',
    status: 403,
    outcome: 'failure',
    source_ip: '203.0.113.9',
    user_agent: 'curl/8.4.0',
  }),
];
const alerts = [
  alert({ id: 'a1', time: '2026-11-02T03:00:00.000Z', credential: 'key_1', stage: 'capability_probe', summary: 'new country <script>' }),
];

describe('forensic report', () => {
  it('classifies reads and changes across HTTP and cloud operations', () => {
    assert.equal(classifyAccess(ev({ id: 'x', time: 't', method: 'GET' })), 'read');
    assert.equal(classifyAccess(ev({ id: 'x', time: 't', method: 'DELETE' })), 'change');
    assert.equal(classifyAccess(ev({ id: 'x', time: 't', operation: 'cloudtrail:StopLogging' })), 'change');
    assert.equal(classifyAccess(ev({ id: 'x', time: 't', operation: 's3:GetObject' })), 'read');
    assert.equal(classifyAccess(ev({ id: 'x', time: 't', operation: 'user.lifecycle.create' })), 'change');
    // What a leaked key is used for: launching compute, invoking models, copying objects, sending mail.
    for (const op of [
      'ec2:RunInstances',
      'ec2:RequestSpotInstances',
      'bedrock:InvokeModel',
      's3:CopyObject',
      'ses:SendEmail',
      'kms:ScheduleKeyDeletion',
    ])
      assert.equal(classifyAccess(ev({ id: 'x', time: 't', operation: op })), 'change', op);
    assert.equal(classifyAccess(ev({ id: 'x', time: 't', operation: 'kms:Decrypt' })), 'read');
    assert.equal(classifyAccess(ev({ id: 'x', time: 't', method: 'POST', status: 403, outcome: 'failure' })), 'other');
    assert.equal(resourceKind(ev({ id: 'x', time: 't', path: '/api/v2/users/123/roles' })), 'users');
    assert.equal(resourceKind(ev({ id: 'x', time: 't', operation: 'iam:CreateUser' })), 'iam');
  });

  it('covers exactly the requests since the first suspicious event', () => {
    const r = buildForensicReport({
      credential: 'key_1',
      events,
      alerts,
      locate: (ip) => (ip === '203.0.113.9' ? { country: 'NL', asn: 64500, as_org: 'Hosting BV' } : undefined),
    });
    assert.deepEqual(
      r.requests.map((q) => q.id),
      ['e2', 'e3', 'e4', 'e5'],
    );
    assert.equal(r.window.mode, 'since_first_suspicious');
    assert.deepEqual(r.totals, { requests: 4, reads: 2, changes: 1, failures: 1, bytes_out: 50_200, bytes_in: 0 });
    assert.deepEqual(r.countries, ['NL']);
    assert.equal(r.asns[0]?.asn, 64500);
    assert.equal(r.devices[0]?.user_agent, 'curl/8.4.0');
    const billing = r.resources.find((x) => x.kind === 'billing');
    assert.equal(billing?.reads, 1);
    assert.equal(r.resources.find((x) => x.kind === 'admin')?.changes, 1);
    assert.deepEqual(
      r.stages.map((s) => s.stage),
      ['capability_probe'],
    );
  });

  it('starts at the first request of the attack source when it came before the first alert', () => {
    const withIds = [alert({ id: 'a1', time: '2026-11-02T03:00:05.000Z', credential: 'key_1', event_ids: ['e3'] })];
    const r = buildForensicReport({ credential: 'key_1', events, alerts: withIds });
    assert.deepEqual(
      r.requests.map((q) => q.id),
      ['e2', 'e3', 'e4', 'e5'],
    );
    assert.ok(r.requests.every((q) => q.attack_source));
    assert.equal(r.first_suspicious_at, '2026-11-02T03:00:00.000Z');
  });

  it("does not open the window at an old low alert on the owner's own request", () => {
    // The owner once worked an odd hour (a low unusual-time alert on e1, a day before the attack):
    // that must not pull the owner's requests into what the attacker touched.
    const withOldLow = [
      alert({ id: 'a0', time: '2026-11-01T09:00:00.000Z', credential: 'key_1', severity: 'low', event_ids: ['e1'] }),
      alert({ id: 'a1', time: '2026-11-02T03:00:05.000Z', credential: 'key_1', severity: 'high', event_ids: ['e3'] }),
    ];
    const r = buildForensicReport({ credential: 'key_1', events, alerts: withOldLow });
    assert.deepEqual(
      r.requests.map((q) => q.id),
      ['e2', 'e3', 'e4', 'e5'],
    );
    assert.equal(r.first_suspicious_at, '2026-11-02T03:00:00.000Z');
    // With nothing but low alerts, the first of them still opens the window.
    const onlyLow = buildForensicReport({ credential: 'key_1', events, alerts: withOldLow.slice(0, 1) });
    assert.equal(onlyLow.first_suspicious_at, '2026-11-01T09:00:00.000Z');
  });

  it('covers all time when asked or when nothing was suspicious', () => {
    assert.equal(buildForensicReport({ credential: 'key_1', events, alerts, allTime: true }).requests.length, 5);
    assert.equal(buildForensicReport({ credential: 'key_1', events, alerts: [] }).requests.length, 5);
  });

  it('renders Markdown and a self-contained, escaped HTML page with a timeline', () => {
    const r = buildForensicReport({ credential: 'key_1', events, alerts });
    const md = renderMarkdown(r);
    assert.match(md, /Requests: \*\*4\*\*/);
    assert.match(md, /\/api\/v1\/admin\/keys/);
    const html = renderHtml(r);
    assert.match(html, /^<!doctype html>/);
    assert.match(html, /<svg[^>]+aria-label="request timeline"/);
    assert.doesNotMatch(html, /<script/i, 'no script and the alert summary is escaped');
    assert.match(html, /new country &lt;script&gt;/);
    assert.doesNotMatch(html, /(src|href)="https?:/, 'no external asset');
  });
});
