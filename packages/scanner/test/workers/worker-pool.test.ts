import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { withoutLoaders } from '../../src/worker-pool.js';

describe('worker pool flags', () => {
  it('drops module loader, preload and condition flags, in both spellings, and keeps the rest', () => {
    assert.deepEqual(
      withoutLoaders([
        '--conditions=source',
        '--import',
        'tsx',
        '--max-old-space-size=512',
        '--import=tsx/esm',
        '--loader',
        'ts-node/esm',
        '--experimental-loader=x',
        '-r',
        'dotenv/config',
        '--require=y',
        '--enable-source-maps',
        '-C',
        'source',
      ]),
      ['--max-old-space-size=512', '--enable-source-maps'],
    );
    assert.deepEqual(withoutLoaders([]), []);
    // A parent run as `node --input-type=module -e CODE`: the worker must not get its entry point.
    assert.deepEqual(withoutLoaders(['--input-type=module', '-e', 'await run()', '--max-old-space-size=64']), ['--max-old-space-size=64']);
    assert.deepEqual(withoutLoaders(['--eval=x', '-p', '1', '--input-type', 'module']), []);
  });
});
