import assert from 'node:assert/strict';
import { isIP } from 'node:net';
import { describe, it } from 'node:test';
import { canonicalIpv4ToInt, ipv4ToInt } from '@tokenwarden/core';
import { createUserAgentParser } from '../../src/enrich/user-agent.js';
import { eventTimeText, normaliseIp, parseEventTime } from '../../src/ingest/time-and-ip.js';

describe('ingest fast paths give the answers of the general paths', () => {
  it('a plain dotted quad is recognised exactly as net.isIP does, and keyed by its value', () => {
    const samples = [
      '1.2.3.4',
      '0.0.0.0',
      '255.255.255.255',
      '256.1.1.1',
      '01.2.3.4',
      '1.2.3',
      '1.2.3.4.5',
      '1..2.3',
      ' 1.2.3.4',
      '1.2.3.4 ',
      '1.2.3.04',
    ];
    let s = 12345;
    for (let i = 0; i < 3000; i++) {
      s = (Math.imul(s, 1_664_525) + 1_013_904_223) >>> 0;
      const parts = [s & 0xff, (s >>> 8) & 0x1ff, (s >>> 17) & 0xff, (s >>> 25) & 0x7f];
      samples.push(parts.map((p, k) => (k === i % 4 && i % 7 === 0 ? `0${p}` : String(p))).join('.'));
    }
    for (const ip of samples) {
      const v = canonicalIpv4ToInt(ip);
      assert.equal(v >= 0, isIP(ip) === 4, ip);
      if (v >= 0) assert.equal(v, ipv4ToInt(ip), ip);
    }
  });

  it('normaliseIp still cleans what is not a plain address', () => {
    assert.equal(normaliseIp('203.0.113.9'), '203.0.113.9');
    assert.equal(normaliseIp(' 203.0.113.9 '), '203.0.113.9');
    assert.equal(normaliseIp('203.0.113.9:443'), '203.0.113.9');
    assert.equal(normaliseIp('::FFFF:203.0.113.9'), '203.0.113.9');
    assert.equal(normaliseIp('203.0.113.09'), undefined);
  });

  it('times within one hour and across hours, days and years read like Date.parse', () => {
    const start = Date.UTC(2025, 11, 31, 22, 59, 58, 999);
    for (let i = 0; i < 20_000; i++) {
      const ts = start + i * 997;
      const iso = new Date(ts).toISOString();
      assert.equal(parseEventTime(iso), ts, iso);
      assert.equal(eventTimeText(iso, ts), iso);
    }
    // A text read earlier must not vouch for another time.
    const a = '2026-01-01T00:00:00.000Z';
    parseEventTime(a);
    assert.equal(eventTimeText(a, Date.parse(a) + 1), '2026-01-01T00:00:00.001Z');
  });

  it('the user-agent cache answers like a fresh parse, empty text included', () => {
    const cached = createUserAgentParser();
    const agents = [
      '',
      '-',
      'curl/8.5.0',
      'aws-cli/2.15.0 Python/3.11.6 Linux/6.5.0',
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/126.0 Safari/537.36',
    ];
    for (let round = 0; round < 3; round++) {
      for (const ua of agents) assert.deepEqual(cached.parse(ua), createUserAgentParser().parse(ua), ua);
    }
    assert.equal(cached.parse(undefined), undefined);
  });
});
