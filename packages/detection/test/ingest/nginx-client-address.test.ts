import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isCdnEdge } from '../../src/ingest/parsers/cdn-edges.js';
import { createNginxParser } from '../../src/ingest/parsers/nginx.js';

const parse = createNginxParser();

function clientOf(remoteAddr: string, xff: string): string | undefined {
  const line = `${remoteAddr} - - [01/Mar/2026:13:00:00 +0000] "GET /api/v1/me HTTP/1.1" 200 12 "-" "curl/8.5.0" "${xff}" "Bearer tw_at_0123456789abcdef"`;
  const out = parse(line, { source: 'access.log', line: 1 });
  return out.kind === 'event' ? out.event.source_ip : undefined;
}

describe('nginx: the client address behind proxies', () => {
  it('behind our load balancer, a forged X-Forwarded-For entry left of the one the balancer appended is ignored', () => {
    // The thief sends "X-Forwarded-For: 99.44.12.8" (the victim's office); the balancer appends the real address.
    assert.equal(clientOf('10.0.1.23', '99.44.12.8, 45.77.10.3'), '45.77.10.3');
    assert.equal(clientOf('10.0.1.23', '45.77.10.3'), '45.77.10.3');
    // Internal hops (a corporate proxy's inside address, a second balancer) are skipped from the right.
    assert.equal(clientOf('10.0.1.23', '10.8.0.4, 198.51.100.23, 10.0.0.9'), '198.51.100.23');
  });

  it('behind Cloudflare, the client is the address the edge appended, IPv4 and IPv6 edges alike', () => {
    assert.equal(clientOf('162.158.90.12', '73.22.10.5'), '73.22.10.5');
    assert.equal(clientOf('172.70.34.5', '99.44.12.8, 45.77.10.3'), '45.77.10.3');
    assert.equal(clientOf('2a06:98c1:3120::3', '2001:db8:1::7'), '2001:db8:1::7');
    // Cloudflare in front of our balancer: edge, then balancer.
    assert.equal(clientOf('10.0.1.23', '73.22.10.5, 162.158.90.12'), '73.22.10.5');
  });

  it('behind Fastly, the same: the address its edge appended (IPv4 and IPv6 edges)', () => {
    assert.equal(clientOf('151.101.2.10', '99.44.12.8, 45.77.10.3'), '45.77.10.3');
    assert.equal(clientOf('2a04:4e42:200::77', '2001:db8:1::7'), '2001:db8:1::7');
    // Fastly shielding: an edge forwards to a shield POP, which connects to us.
    assert.equal(clientOf('199.232.16.5', '73.22.10.5, 151.101.64.9'), '73.22.10.5');
  });

  it('a public connecting address that is no CDN edge is the client, whatever the header says', () => {
    assert.equal(clientOf('203.0.113.9', '198.51.100.77'), '203.0.113.9');
  });

  it('knows Cloudflare’s edge ranges and nothing around them', () => {
    for (const ip of ['173.245.48.1', '104.16.0.0', '104.23.255.255', '172.71.255.254', '2606:4700:10::6816:1', '2c0f:f248::1']) {
      assert.equal(isCdnEdge(ip), true, ip);
    }
    for (const ip of ['173.245.64.0', '104.15.255.255', '172.63.255.255', '73.22.10.5', '2606:4701::1', '10.0.0.1', 'not-an-ip']) {
      assert.equal(isCdnEdge(ip), false, ip);
    }
  });

  it('knows Fastly’s edge ranges and nothing around them', () => {
    for (const ip of [
      '151.101.0.1',
      '151.101.255.255',
      '199.232.1.1',
      '23.235.47.255',
      '146.75.127.1',
      '2a04:4e40::1',
      '2a04:4e42:ffff::1',
    ]) {
      assert.equal(isCdnEdge(ip), true, ip);
    }
    for (const ip of ['151.100.255.255', '151.102.0.0', '23.235.48.0', '146.75.128.0', '2a04:4e41::1', '2a04:4e43::1']) {
      assert.equal(isCdnEdge(ip), false, ip);
    }
  });
});
