import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createEnricher } from '../../src/enrich/enricher.js';
import type { IpIntel } from '../../src/enrich/ip-intel.js';
import { createUserAgentParser } from '../../src/enrich/user-agent.js';
import type { NormalisedEvent } from '../../src/ingest/types.js';

describe('user agents', () => {
  const ua = createUserAgentParser();
  it('recognises scripted clients and tools', () => {
    const cases: Array<[string, string]> = [
      ['curl/8.5.0', 'curl'],
      ['python-requests/2.31.0', 'python-requests'],
      ['Go-http-client/2.0', 'go-http-client'],
      ['aws-cli/2.15.0 Python/3.11.6 Linux/6.5.0 exe/x86_64.ubuntu.22', 'aws-cli'],
      ['Boto3/1.34.0 md/Botocore#1.34.0 ua/2.0 os/linux#6.5.0', 'boto3'],
      ['aws-sdk-go-v2/1.24.0 os/linux lang/go#1.21', 'aws-sdk-go'],
      ['okhttp/4.12.0', 'okhttp'],
      ['PostmanRuntime/7.36.0', 'postman'],
      ['APN/1.0 HashiCorp/1.0 Terraform/1.7.0 (+https://www.terraform.io) terraform-provider-aws/5.31.0', 'terraform'],
      ['APN/1.0 HashiCorp/1.0 Packer/1.10.3 (+https://www.packer.io) aws-sdk-go/1.50.20 (go1.21.8; linux; amd64)', 'packer'],
      // What the AWS provider really sends: the SDK it embeds is named too, after the tool.
      [
        'APN/1.0 HashiCorp/1.0 Terraform/1.6.6 (+https://www.terraform.io) terraform-provider-aws/5.31.0 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.24.0 os/linux lang/go#1.21.5 api/iam#1.27.0',
        'terraform',
      ],
      ['aws-sdk-go-v2/1.24.0 os/linux lang/go#1.21.5 md/GOOS#linux api/sts#1.26.6 pulumi-aws/6.18.0', 'pulumi'],
      ['kubectl/v1.29.0 (linux/amd64) kubernetes/abc', 'kubectl'],
      ['Mozilla/5.0 (Windows NT; Windows NT 10.0; en-US) WindowsPowerShell/5.1.19041', 'powershell'],
    ];
    for (const [text, family] of cases) {
      const c = ua.parse(text);
      assert.equal(c?.family, family, text);
      assert.equal(c?.scripted, true, text);
    }
    assert.equal(ua.parse('aws-cli/2.15.0 Python/3.11.6 Linux/6.5.0')?.os, 'Linux');
  });

  it('names offensive distributions and tools, and makes them clients of their own', () => {
    const kali = ua.parse('aws-cli/2.15.0 Python/3.11.6 Linux/6.5.0-kali3-amd64 exe/x86_64.kali.2024');
    assert.deepEqual(kali, { family: 'aws-cli', os: 'Kali Linux', scripted: true, offensive: 'Kali Linux' });
    assert.equal(ua.parse('Boto3/1.34.0 Python/3.11 Linux/6.1 Botocore/1.34.0 Pacu')?.family, 'boto3 (Pacu)');
    assert.equal(ua.parse('aws-sdk-go-v2/1.21.0 os/linux lang/go#1.21 stratus-red-team_0f1c')?.offensive, 'Stratus Red Team');
    assert.equal(ua.parse('TruffleHog')?.offensive, 'TruffleHog');
    assert.equal(ua.parse('sqlmap/1.7.2#stable (https://sqlmap.org)')?.offensive, 'sqlmap');
    for (const benign of [
      'aws-cli/2.15.0 Python/3.11.6 Linux/5.15.0-91-generic',
      'prowler/3.11',
      'Scout Suite/5.14',
      'Mozilla/5.0 (X11; Linux x86_64) Firefox/125.0',
    ]) {
      assert.equal(ua.parse(benign)?.offensive, undefined, benign);
    }
  });

  it('knows authenticator apps: a person’s phone, not a script', () => {
    for (const [text, family, os] of [
      ['Okta%20Verify/9.27.1 CFNetwork/1496.0.7 Darwin/23.5.0', 'Okta Verify', 'iOS'],
      ['OktaVerify/9.27.1 (iPhone; iOS 17.5.1; Scale/3.00)', 'Okta Verify', 'iOS'],
      ['Okta Verify/9.19.0 (Android 14; Pixel 8) okhttp/4.12.0', 'Okta Verify', 'Android'],
      ['DuoMobile/4.60.0 (iPhone; iOS 17.4)', 'Duo Mobile', 'iOS'],
    ] as const) {
      const info = ua.parse(text);
      assert.equal(info?.family, family, text);
      assert.equal(info?.os, os, text);
      assert.equal(info?.scripted, false, text);
      assert.equal(info?.authenticator, true, text);
    }
    // Not an authenticator: a script that names one later in its string.
    assert.notEqual(ua.parse('python-requests/2.31 OktaVerify')?.authenticator, true);
  });

  it('parses browsers as interactive, crawlers and the AWS console', () => {
    const chrome = ua.parse(
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
    );
    assert.equal(chrome?.family, 'Chrome');
    assert.equal(chrome?.os, 'Mac OS');
    assert.equal(chrome?.scripted, false);
    assert.equal(ua.parse('Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)')?.scripted, true);
    assert.deepEqual(ua.parse('console.amazonaws.com'), { family: 'aws-console', scripted: false });
    assert.equal(ua.parse(undefined), undefined);
  });
});

describe('enricher', () => {
  const base: NormalisedEvent = {
    id: 'e',
    time: '2026-03-01T00:00:00.000Z',
    ts: Date.UTC(2026, 2, 1),
    credential_key: 'k',
    credential_id: 'k',
    outcome: 'success',
    source_system: 'okta',
  };
  const intel: IpIntel = {
    lookup: (ip) =>
      ip === '203.0.113.1' ? { country: 'DE', asn: 3320, as_org: 'Deutsche Telekom AG', asn_kind: 'residential' } : undefined,
  };
  const enrich = createEnricher({ ipIntel: intel });

  it('adds geo and client and drops the network hint', () => {
    const e = enrich({ ...base, source_ip: '203.0.113.1', user_agent: 'curl/8.0', network_hint: { city: 'Berlin', proxy: true } });
    assert.deepEqual(e.geo, { country: 'DE', city: 'Berlin', asn: 3320, as_org: 'Deutsche Telekom AG', asn_kind: 'vpn' });
    assert.equal(e.client?.family, 'curl');
    assert.equal('network_hint' in e, false);
  });

  it('fills geo from the source when the databases know nothing', () => {
    const e = enrich({ ...base, source_ip: '198.51.100.1', network_hint: { country: 'United States', asn: 15169, as_org: 'google' } });
    // The network's kind comes from the shipped lists, as for a network the databases know.
    assert.deepEqual(e.geo, { country: 'United States', asn: 15169, as_org: 'google', asn_kind: 'hosting' });
  });

  it('takes the kind of a network only the source names, so a company web gateway flagged as a proxy is no consumer VPN', () => {
    const zscaler = enrich({ ...base, source_ip: '198.51.100.2', network_hint: { asn: 53813, as_org: 'Zscaler, Inc.', proxy: true } });
    assert.equal(zscaler.geo?.asn_kind, 'security_proxy');
    const anonymiser = enrich({ ...base, source_ip: '198.51.100.3', network_hint: { as_org: 'Example Hosting Ltd', proxy: true } });
    assert.equal(anonymiser.geo?.asn_kind, 'vpn');
  });

  it('never calls a console session scripted', () => {
    const e = enrich({ ...base, interactive: true, user_agent: 'Coral/Netty4' });
    assert.equal(e.client?.scripted, false);
  });
});
