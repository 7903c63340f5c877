import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { expandInputs, openText } from '../../src/ingest/open-input.js';
import { fixture } from '../fixtures/paths.js';

const dir = mkdtempSync(join(tmpdir(), 'tw-open-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function readAll(iterable: AsyncIterable<string>): Promise<string> {
  let s = '';
  for await (const t of iterable) s += t;
  return s;
}

describe('expandInputs', () => {
  it('recurses directories in sorted order, skips hidden entries, and reports missing paths', async () => {
    const root = join(dir, 'tree');
    mkdirSync(join(root, 'b'), { recursive: true });
    writeFileSync(join(root, 'b', '2.log'), 'x');
    writeFileSync(join(root, 'a.log'), 'x');
    writeFileSync(join(root, '.hidden'), 'x');
    const { sources, unreadable } = await expandInputs([root, join(dir, 'missing.log'), '-']);
    assert.deepEqual(
      sources.map((s) => s.name),
      [join(root, 'a.log'), join(root, 'b', '2.log'), '-'],
    );
    assert.equal(unreadable.length, 1);
    assert.equal(unreadable[0]?.error.code, 'TW_INPUT_UNREADABLE');
    assert.match(unreadable[0]?.error.message ?? '', /no such file/);
  });

  it('means stdin when no PATH is given', async () => {
    assert.deepEqual((await expandInputs([])).sources, [{ name: '-' }]);
  });
});

describe('openText', () => {
  it('gunzips by magic bytes whatever the name', async () => {
    const text = readFileSync(fixture('native.jsonl'), 'utf8');
    const p = join(dir, 'native.log');
    writeFileSync(p, gzipSync(text));
    assert.equal(await readAll(await openText({ name: p })), text);
  });

  it('yields what a truncated .gz holds, then raises the gzip error', async () => {
    const text = 'line\n'.repeat(20_000);
    const gz = gzipSync(text);
    const p = join(dir, 'cut.gz');
    writeFileSync(p, gz.subarray(0, Math.floor(gz.length / 2)));
    let got = '';
    await assert.rejects(async () => {
      for await (const t of await openText({ name: p })) got += t;
    }, /unexpected end of file/);
    assert.ok(got.length > 0 && text.startsWith(got));
  });

  it('reads stdin from the given stream', async () => {
    const stdin = Readable.from([Buffer.from('héllo\n')]);
    assert.equal(await readAll(await openText({ name: '-' }, { stdin })), 'héllo\n');
  });

  it('decodes a buffer larger than one decoding piece, with multi-byte characters across every piece boundary', async () => {
    // 3-byte and 4-byte characters at every offset mod 64 KiB: some straddle each piece boundary.
    const text = 'a€😀é\n'.repeat(60_000);
    const bytes = Buffer.from(text);
    assert.ok(bytes.length > 4 * 65_536);
    const stdin = Readable.from([bytes.subarray(0, 200_001), bytes.subarray(200_001)]);
    const chunks: string[] = [];
    for await (const t of await openText({ name: '-' }, { stdin })) chunks.push(t);
    assert.equal(chunks.join(''), text);
    // No chunk string reaches V8's large-object size (128 KiB).
    assert.ok(Math.max(...chunks.map((c) => c.length)) <= 65_536);
    const p = join(dir, 'wide.txt');
    writeFileSync(p, bytes);
    assert.equal(await readAll(await openText({ name: p })), text);
  });

  it('reads a regular file (size known, as expandInputs gives it) with synchronous reads: the same text, gzip and early stops included', async () => {
    const text = 'a€😀é\n'.repeat(60_000);
    const p = join(dir, 'sync.txt');
    writeFileSync(p, text);
    const size = Buffer.byteLength(text);
    const chunks: string[] = [];
    let bytes = 0;
    for await (const t of await openText({ name: p, size }, { onBytes: (n) => (bytes += n) })) chunks.push(t);
    assert.equal(chunks.join(''), text);
    assert.equal(bytes, size);
    assert.ok(Math.max(...chunks.map((c) => c.length)) <= 65_536);
    const gz = join(dir, 'sync.gz');
    writeFileSync(gz, gzipSync(text));
    assert.equal(await readAll(await openText({ name: gz, size: 1 })), text);
    const empty = join(dir, 'empty.txt');
    writeFileSync(empty, '');
    assert.equal(await readAll(await openText({ name: empty, size: 0 })), '');
    // Stopping after the first chunk closes the descriptor.
    const open = () => (existsSync('/proc/self/fd') ? readdirSync('/proc/self/fd').length : 0);
    const before = open();
    for (let i = 0; i < 50; i++) {
      for await (const _ of await openText({ name: p, size })) break;
    }
    assert.equal(open(), before);
    await assert.rejects(() => openText({ name: join(dir, 'gone.txt'), size: 1 }), { code: 'TW_INPUT_UNREADABLE' });
  });

  it('throws TW_INPUT_UNREADABLE for a file it may not read', async (t) => {
    if (process.getuid?.() === 0) {
      t.skip('root reads everything');
      return;
    }
    const p = join(dir, 'secret.log');
    writeFileSync(p, 'x');
    chmodSync(p, 0o000);
    await assert.rejects(() => openText({ name: p }), { code: 'TW_INPUT_UNREADABLE' });
  });
});
