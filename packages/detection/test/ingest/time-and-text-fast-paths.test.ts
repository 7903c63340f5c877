import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import { openText } from '../../src/ingest/open-input.js';
import { eventTimeText, formatIsoTime, parseEventTime } from '../../src/ingest/time-and-ip.js';

/** Deterministic pseudo-random integers, so a failure is reproducible. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1_664_525) + 1_013_904_223) >>> 0;
    return s;
  };
}

describe('event time fast paths', () => {
  it('reads canonical UTC times exactly as Date.parse does, with and without milliseconds', () => {
    const next = lcg(7);
    for (let i = 0; i < 5000; i++) {
      const ts = Date.UTC(1995, 0, 1) + (next() % 40_000) * 86_400_000 + (next() % 86_400_000);
      const iso = new Date(ts).toISOString();
      assert.equal(parseEventTime(iso), ts, iso);
      const noMs = `${iso.slice(0, 19)}Z`;
      assert.equal(parseEventTime(noMs), Date.parse(noMs), noMs);
    }
  });

  it('leaves out-of-range and odd forms to the general parser, which gives the same answers as before', () => {
    for (const s of [
      '2024-02-29T12:00:00Z',
      '2026-13-01T00:00:00Z',
      '2026-01-32T00:00:00Z',
      '2026-01-01T23:60:00Z',
      '2000-02-29T00:00:00.000Z',
      '0050-01-01T00:00:00.000Z',
      '2026-01-01T00:00:00.1a3Z',
      ' 2026-01-01T00:00:00Z ',
      '2026-11-30T10:00:00+02:00',
    ]) {
      const general = Date.parse(s.trim());
      assert.equal(parseEventTime(s), Number.isFinite(general) ? general : undefined, s);
    }
  });

  it('refuses a time that names no real instant, which Date.parse would move to another day', () => {
    // QA: an Okta `published` of 31 November was read as 1 December, and the alerts carried that time.
    for (const s of [
      '2026-11-31T10:00:00.000Z',
      '2026-02-30T10:00:00Z',
      '2023-02-29T12:00:00Z',
      '1900-02-29T00:00:00.000Z',
      '2026-11-31T10:00:00+01:00',
      '2026-11-31 10:00:00',
      '2026-04-31T10:00',
      '2026-01-01T24:00:00Z',
      '2026-01-01T23:59:60Z',
    ]) {
      assert.equal(parseEventTime(s), undefined, s);
    }
    assert.equal(parseEventTime('2024-02-29 10:00'), Date.UTC(2024, 1, 29, 10, 0));
  });

  it('rejects epoch numbers beyond the largest date instead of failing to format them later', () => {
    assert.equal(parseEventTime(1e20), undefined);
    assert.equal(parseEventTime(8.64e15), 8.64e15);
  });

  it('formats times exactly like toISOString, including across second boundaries and odd values', () => {
    const next = lcg(11);
    let ts = Date.UTC(2026, 0, 5);
    for (let i = 0; i < 20_000; i++) {
      ts += next() % 700;
      assert.equal(formatIsoTime(ts), new Date(ts).toISOString());
    }
    for (const odd of [0, 999, 1000, -1, 1.5, 253_402_300_800_000, 8.64e15]) {
      assert.equal(formatIsoTime(odd), new Date(odd).toISOString(), String(odd));
    }
  });

  it("reuses the source's text only when it is already the canonical form of the same instant", () => {
    const text = '2026-01-02T03:04:05.123Z';
    assert.equal(eventTimeText(text, Date.parse(text)), text);
    assert.equal(eventTimeText('2026-01-02T03:04:05Z', Date.parse(text.replace('.123', ''))), '2026-01-02T03:04:05.000Z');
    assert.equal(eventTimeText(1767323045, 1767323045000), '2026-01-02T03:04:05.000Z');
  });
});

describe('text decoding', () => {
  it('drops a leading byte-order mark and keeps multi-byte characters split across chunks', async () => {
    const bytes = Buffer.from('\ufeff{"a":"é€😀"}\n', 'utf8');
    // Split inside the 4-byte emoji and inside the 3-byte euro sign.
    const cuts = [5, 11, 14, bytes.length];
    const chunks: Buffer[] = [];
    let at = 0;
    for (const c of cuts) {
      chunks.push(bytes.subarray(at, c));
      at = c;
    }
    let text = '';
    for await (const t of await openText({ name: '-' }, { stdin: Readable.from(chunks) })) text += t;
    assert.equal(text, '{"a":"é€😀"}\n');
  });

  it('replaces invalid UTF-8 with U+FFFD instead of failing', async () => {
    let text = '';
    for await (const t of await openText({ name: '-' }, { stdin: Readable.from([Buffer.from([0x7b, 0xff, 0x7d, 0x0a])]) })) text += t;
    assert.equal(text, '{\ufffd}\n');
  });
});
