import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseGatewayConfig } from '@tokenwarden/gateway';
import { gatewayIpInfo, hasLocationPolicy } from '../../src/adapters/gateway-ip-info.js';

describe('gateway IP lookup for location policies', () => {
  it('is needed only when a location policy is configured', () => {
    assert.equal(hasLocationPolicy(parseGatewayConfig({ routes: [{ path: '/**' }] })), false);
    const withPolicy = parseGatewayConfig({ routes: [{ path: '/admin/**', location: { deny_tor: true } }, { path: '/**' }] });
    assert.equal(hasLocationPolicy(withPolicy), true);
  });

  it("prefers the operator's ip_info table over the shipped data", () => {
    const config = parseGatewayConfig({ routes: [{ path: '/**' }], ip_info: [{ cidr: '8.8.8.0/24', country: 'ZZ', asn: 64500 }] });
    assert.deepEqual(gatewayIpInfo(config).lookup('8.8.8.8'), { country: 'ZZ', asn: 64500 });
  });
});
