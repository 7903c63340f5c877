import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type RawRecord, splitRecords } from '../../src/ingest/record-splitter.js';

async function collect(chunks: string[], maxRecordChars?: number): Promise<RawRecord[]> {
  async function* gen() {
    yield* chunks;
  }
  const out: RawRecord[] = [];
  for await (const r of splitRecords(gen(), { maxRecordChars })) out.push(r);
  return out;
}

describe('splitRecords', () => {
  it('splits lines across chunk boundaries, with CRLF and blank lines, keeping line numbers', async () => {
    const out = await collect(['{"a":1}\r\n\n{"b"', ':2}\n{"c":3}']);
    assert.deepEqual(out, [
      { kind: 'line', text: '{"a":1}', line: 1 },
      { kind: 'line', text: '{"b":2}', line: 3 },
      { kind: 'line', text: '{"c":3}', line: 4 },
    ]);
  });

  it('reports and skips an over-long line without buffering it, and goes on', async () => {
    const big = 'x'.repeat(5000);
    const out = await collect(['{"ok":1}\n', big.slice(0, 2500), big.slice(2500), '\n{"ok":2}\n'], 1000);
    assert.equal(out.length, 3);
    assert.deepEqual(out[0], { kind: 'line', text: '{"ok":1}', line: 1 });
    assert.equal(out[1]?.kind, 'issue');
    assert.equal(out[1]?.line, 2);
    assert.match((out[1] as { reason: string }).reason, /longer than 1000/);
    assert.deepEqual(out[2], { kind: 'line', text: '{"ok":2}', line: 3 });
  });

  it('cuts a pretty-printed CloudTrail {"Records":[...]} file into elements with their first line', async () => {
    const text = '{\n  "Records": [\n    {"eventName": "A", "x": "}{]["},\n    {"eventName": "B",\n "n": {"d": [1]}}\n  ]\n}\n';
    const out = await collect([text.slice(0, 20), text.slice(20)]);
    assert.deepEqual(
      out.map((r) => [r.kind, r.line]),
      [
        ['element', 3],
        ['element', 4],
      ],
    );
    assert.deepEqual(JSON.parse((out[1] as { text: string }).text), { eventName: 'B', n: { d: [1] } });
  });

  it('cuts a JSON array (Okta export), reports non-object elements and a truncated tail', async () => {
    const out = await collect(['[{"a":1}, 42, "s",\n{"b":', '2}, {"c":']);
    assert.deepEqual(
      out.map((r) => r.kind),
      ['element', 'issue', 'issue', 'element', 'issue'],
    );
    assert.match((out[4] as { reason: string }).reason, /truncated/);
  });

  it('turns a read error into one issue after the records already read', async () => {
    async function* failing() {
      yield '{"a":1}\n{"b":';
      throw new Error('unexpected end of file');
    }
    const out: RawRecord[] = [];
    for await (const r of splitRecords(failing())) out.push(r);
    assert.equal(out.length, 2);
    assert.equal(out[0]?.kind, 'line');
    assert.equal(out[1]?.kind, 'issue');
    assert.match((out[1] as { reason: string }).reason, /unexpected end of file/);
  });
  it('reports text after the end of a CloudTrail file or JSON array with its line, after the records', async () => {
    const trail = await collect(['{"Records":[{"a":1},\n{"b":2}]}\n', 'debug: upload done\n{"c":3}\n']);
    assert.deepEqual(
      trail.map((r) => [r.kind, r.line]),
      [
        ['element', 1],
        ['element', 2],
        ['issue', 3],
      ],
    );
    assert.match((trail[2] as { reason: string }).reason, /after the end of the JSON/);
    const okta = await collect(['[{"a":1}]\n\n  ,{"b":2}]\n']);
    assert.deepEqual(
      okta.map((r) => [r.kind, r.line]),
      [
        ['element', 1],
        ['issue', 3],
      ],
    );
    const extraKey = await collect(['{"Records":[{"a":1}], "next": 2}']);
    assert.deepEqual(
      extraKey.map((r) => r.kind),
      ['element', 'issue'],
    );
    assert.match((extraKey[1] as { reason: string }).reason, /after the "Records" array/);
    const unclosed = await collect(['{"Records":[{"a":1}]\n']);
    assert.deepEqual(
      unclosed.map((r) => r.kind),
      ['element', 'issue'],
    );
    assert.deepEqual(await collect(['[{"a":1}]\r\n\n']), [{ kind: 'element', text: '{"a":1}', line: 1, record: 1 }]);
  });

  it("numbers a one-line file's elements, its bad ones included, and starts again with each joined CloudTrail file", async () => {
    const big = `{"big":"${'x'.repeat(200)}"}`;
    const text = `{"Records":[{"a":1},7,${big},{"b":2}]}{"Records":[{"c":3},{"d":`;
    for (let cut = 1; cut < text.length; cut += 7) {
      const out = await collect([text.slice(0, cut), text.slice(cut)], 100);
      assert.deepEqual(
        out.map((r) => [r.kind, r.line, 'record' in r ? r.record : undefined]),
        [
          ['element', 1, 1],
          ['issue', 1, 2],
          ['issue', 1, 3],
          ['element', 1, 4],
          ['element', 1, 1],
          ['issue', 1, 2],
        ],
        `cut at ${cut}`,
      );
    }
  });

  it('cuts the records of CloudTrail files joined with cat, whatever the chunk boundaries', async () => {
    const joined = '{"Records":[{"a":1}]}{"Records":[{"b":2}]}\n{\n "Records" : [\n{"c":3}]}\n';
    const expected = [
      ['element', 1],
      ['element', 1],
      ['element', 4],
    ];
    for (let cut = 1; cut < joined.length; cut++) {
      const out = await collect([joined.slice(0, cut), joined.slice(cut)]);
      assert.deepEqual(
        out.map((r) => [r.kind, r.line]),
        expected,
        `cut at ${cut}`,
      );
    }
  });
  it('cuts CloudWatch Logs subscription records that Firehose writes one after another with no newline', async () => {
    const record = (n: number) =>
      JSON.stringify({ messageType: 'DATA_MESSAGE', owner: '1', logGroup: 'g', logEvents: [{ id: String(n), message: '{"a":"}{"}' }] });
    const text = `${record(1)}${record(2)}\n${record(3)}`;
    for (let cut = 1; cut < text.length; cut += 7) {
      const out = await collect([text.slice(0, cut), text.slice(cut)]);
      assert.deepEqual(
        out.map((r) => [r.kind, r.line]),
        [
          ['element', 1],
          ['element', 1],
          ['element', 2],
        ],
        `cut at ${cut}`,
      );
      assert.equal((out[1] as { text: string }).text, record(2));
    }
    const truncated = await collect([`${record(1)}${record(2).slice(0, 30)}`]);
    assert.deepEqual(
      truncated.map((r) => r.kind),
      ['element', 'issue'],
    );
  });
});
