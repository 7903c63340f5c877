import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { deliverWebhook, formatSlack, type SignalPayload, signWebhook, verifyWebhookSignature } from '@tokenwarden/response';

const payload: SignalPayload = {
  id: 'sig_1',
  type: 'alert',
  time: '2026-11-02T03:00:00.000Z',
  severity: 'critical',
  title: 'Attack chain on key_1',
  text: 'persistence reached',
  credential: 'key_1',
  data: {},
};

describe('webhooks', () => {
  it('sign and verify with a timestamped HMAC, refusing tampering, other secrets and stale timestamps', () => {
    const now = Date.now();
    const t = Math.floor(now / 1000);
    const header = signWebhook('s3cret', '{"a":1}', t);
    assert.ok(verifyWebhookSignature('s3cret', header, '{"a":1}', 300, now));
    assert.ok(!verifyWebhookSignature('s3cret', header, '{"a":2}', 300, now));
    assert.ok(!verifyWebhookSignature('other', header, '{"a":1}', 300, now));
    assert.ok(!verifyWebhookSignature('s3cret', header, '{"a":1}', 300, now + 301_000));
    assert.ok(!verifyWebhookSignature('s3cret', undefined, '{"a":1}'));
    assert.ok(!verifyWebhookSignature('s3cret', 'garbage', '{"a":1}'));
  });

  it('formats Slack messages with a text fallback and blocks', () => {
    const m = formatSlack(payload);
    assert.match(m.text, /critical/);
    assert.ok(Array.isArray(m.blocks) && m.blocks.length >= 2);
  });

  it('deliver signed bodies, retry 5xx, and stop on 4xx', async () => {
    const received: { path: string | undefined; sig: string | undefined; body: string }[] = [];
    let failures = 1;
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        received.push({ path: req.url, sig: req.headers['x-tokenwarden-signature'] as string | undefined, body });
        if (req.url === '/bad') res.writeHead(400).end();
        else if (failures-- > 0) res.writeHead(503).end();
        else res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const ok = await deliverWebhook({ url: `${base}/hook`, secret: 'k', format: 'json' }, payload);
      assert.equal(ok.ok, true);
      assert.equal(ok.attempts, 2);
      const last = received.at(-1)!;
      assert.ok(verifyWebhookSignature('k', last.sig, last.body));
      assert.equal(JSON.parse(last.body).id, 'sig_1');
      const bad = await deliverWebhook({ url: `${base}/bad`, secret: 'k', format: 'slack', retries: 3 }, payload);
      assert.equal(bad.ok, false);
      assert.equal(bad.status, 400);
      assert.equal(received.filter((r) => r.path === '/bad').length, 1, 'a 4xx is not retried');
      assert.ok(Array.isArray(JSON.parse(received.at(-1)!.body).blocks), 'slack format');
    } finally {
      server.close();
    }
  });
});
