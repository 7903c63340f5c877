import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { SET_EVENT_TYPES, SsfTransmitter } from '@tokenwarden/response';
import { exportJWK, generateKeyPair, jwtVerify } from 'jose';

describe('Shared Signals transmitter', () => {
  it('pushes signed SETs per RFC 8935 to the receivers that asked for the event', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const pushed: { path: string; type: string | undefined; auth: string | undefined; body: string }[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        pushed.push({ path: req.url ?? '', type: req.headers['content-type'], auth: req.headers.authorization, body });
        if (req.url === '/reject')
          res.writeHead(400, { 'content-type': 'application/json' }).end('{"err":"invalid_key","description":"unknown key"}');
        else res.writeHead(202).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const tx = new SsfTransmitter(
        { issuer: 'https://tw.example', key: privateKey, kid: 'k1', alg: 'ES256' },
        [
          {
            id: 'idp',
            endpoint: `${base}/idp`,
            audience: 'https://idp.example',
            authorization: 'Bearer rx',
            events_requested: [SET_EVENT_TYPES.sessionRevoked],
          },
          { id: 'saas', endpoint: `${base}/reject`, audience: 'https://saas.example' },
          {
            id: 'other',
            endpoint: `${base}/other`,
            audience: 'https://other.example',
            events_requested: [SET_EVENT_TYPES.credentialChange],
          },
        ],
        fetch,
        0,
      );
      const results = await tx.transmit({
        type: 'session-revoked',
        subject: { format: 'email', email: 'ana@example.com' },
        time: new Date('2026-11-02T03:00:00Z'),
        reason: 'token hijack',
      });
      assert.equal(results.length, 2, 'the receiver that did not ask for session-revoked gets nothing');
      const idp = results.find((r) => r.receiver === 'idp')!;
      assert.equal(idp.ok, true);
      const saas = results.find((r) => r.receiver === 'saas')!;
      assert.equal(saas.ok, false);
      assert.equal(saas.err, 'invalid_key');
      const req = pushed.find((p) => p.path === '/idp')!;
      assert.equal(req.type, 'application/secevent+jwt');
      assert.equal(req.auth, 'Bearer rx');
      const { payload, protectedHeader } = await jwtVerify(req.body, publicKey, {
        issuer: 'https://tw.example',
        audience: 'https://idp.example',
        typ: 'secevent+jwt',
      });
      assert.equal(protectedHeader.kid, 'k1');
      assert.deepEqual(payload.sub_id, { format: 'email', email: 'ana@example.com' });
      const event = (payload.events as Record<string, Record<string, unknown>>)[SET_EVENT_TYPES.sessionRevoked]!;
      assert.equal(event.event_timestamp, Date.parse('2026-11-02T03:00:00Z') / 1000);
      assert.deepEqual(event.reason_admin, { en: 'token hijack' });
      assert.ok(payload.jti && payload.iat);
      assert.ok(await exportJWK(publicKey));
    } finally {
      server.close();
    }
  });
});
