import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createGzip } from 'node:zlib';
import { BUILTIN_RULES, compileRules } from '@tokenwarden/scanner';
import { zipSync } from 'fflate';
import { scanArchive } from '../../../src/sources/archive.js';
import { twToken } from '../../fixtures.js';

const compiled = compileRules(BUILTIN_RULES);
const MB = 1 << 20;

// gzip of `size` zero bytes (after `prefix`), compressed as it streams: the test itself never
// holds the decompressed bytes, so the peak RSS it measures is the scanner's.
async function gzipOfZeros(prefix: Uint8Array, size: number): Promise<Buffer> {
  const gz = createGzip({ level: 9 });
  const out: Buffer[] = [];
  gz.on('data', (c: Buffer) => out.push(c));
  const done = new Promise((resolve) => gz.on('end', resolve));
  gz.write(prefix);
  const zeros = Buffer.alloc(MB);
  for (let left = size; left > 0; left -= MB) {
    if (!gz.write(zeros.subarray(0, Math.min(MB, left)))) await new Promise((r) => gz.once('drain', r));
  }
  gz.end();
  await done;
  return Buffer.concat(out);
}

function tarHeader(name: string, size: number): Buffer {
  const h = Buffer.alloc(512);
  h.write(name, 0);
  h.write('0000644\0', 100);
  h.write('0000000\0', 108);
  h.write('0000000\0', 116);
  h.write(`${size.toString(8).padStart(11, '0')}\0`, 124);
  h.write('00000000000\0', 136);
  h.write('        ', 148);
  h.write('0', 156);
  h.write('ustar\0', 257);
  h.write('00', 263);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return h;
}

function peakRssGrowth(run: () => void): number {
  const before = process.resourceUsage().maxRSS * 1024;
  run();
  return process.resourceUsage().maxRSS * 1024 - before;
}

describe('archive bombs', () => {
  // First: the peak RSS is the process's, and the other bombs must not have raised it already.
  it('inflate the entries of a zip a group at a time, not all at once', () => {
    const secret = twToken();
    const files: Record<string, Uint8Array> = { 'a.env': Buffer.from(`key=${secret}\n`) };
    // 30 entries of 3 MB each (under the 4 MB limit): 90 MB held at once before.
    const zeros = new Uint8Array(3 * MB);
    for (let i = 0; i < 30; i++) files[`z${i}.txt`] = zeros;
    const zip = zipSync(files, { level: 1 });
    let r: ReturnType<typeof scanArchive> | undefined;
    const growth = peakRssGrowth(() => {
      r = scanArchive(zip, 'zip', 'many.zip', compiled, { archiveDepth: 0, maxEntryBytes: 4 * MB });
    });
    assert.deepEqual(
      r?.findings.map((f) => [f.file, f.secret]),
      [['many.zip!a.env', secret]],
    );
    assert.ok(growth < 25 * MB, `peak RSS grew by ${Math.round(growth / MB)} MB`);
  });

  it('skip a gzip that inflates past the limit without inflating it whole (bounded memory)', async () => {
    const bomb = await gzipOfZeros(Buffer.from('x=1\n'), 600 * MB);
    assert.ok(bomb.length < 1 * MB);
    let r: ReturnType<typeof scanArchive> | undefined;
    const growth = peakRssGrowth(() => {
      r = scanArchive(bomb, 'gzip', 'bomb.gz', compiled, { archiveDepth: 0, maxEntryBytes: 4 * MB });
    });
    assert.deepEqual(r?.skipped, [{ file: 'bomb.gz', reason: `decompressed size over ${4 * MB} bytes` }]);
    // Inflating it at once took the 600 MB and more.
    assert.ok(growth < 150 * MB, `peak RSS grew by ${Math.round(growth / MB)} MB`);
  });

  it('stream a tar.gz bomb: the secret before the huge entry is found, the entry skipped, inflating stopped', async () => {
    const secret = twToken();
    const body = Buffer.from(`key=${secret}\n`);
    const prefix = Buffer.concat([tarHeader('a.env', body.length), body, Buffer.alloc(512 - body.length), tarHeader('zeros', 600 * MB)]);
    const bomb = await gzipOfZeros(prefix, 600 * MB);
    let r: ReturnType<typeof scanArchive> | undefined;
    const growth = peakRssGrowth(() => {
      r = scanArchive(bomb, 'gzip', 'bomb.tgz', compiled, { archiveDepth: 0, maxEntryBytes: 4 * MB });
    });
    assert.deepEqual(
      r?.findings.map((f) => [f.file, f.secret]),
      [['bomb.tgz!a.env', secret]],
    );
    assert.deepEqual(r?.skipped, [{ file: 'bomb.tgz', reason: `decompressed size over ${16 * MB} bytes: the rest was not scanned` }]);
    assert.ok(growth < 150 * MB, `peak RSS grew by ${Math.round(growth / MB)} MB`);
  });
});
