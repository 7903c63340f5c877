import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { isErrorCode } from '@tokenwarden/core';
import { KEYS_FILE_NAME, parseReport, resolveIntakeConfig } from '../../src/intake/index.js';
import { startHarness } from '../support/harness.js';
import { githubHeaders, makeSigner, postReport, reportBody } from './support.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tw-intake-'));
  dirs.push(dir);
  return dir;
}
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function throwsConfig(fn: () => unknown, key: RegExp): void {
  assert.throws(fn, (e: unknown) => isErrorCode(e, 'TW_CONFIG_INVALID') && key.test((e as Error).message));
}

describe('intake configuration', () => {
  it('is disabled (undefined) when no signer is trusted', () => {
    assert.equal(resolveIntakeConfig(tempDir(), {}), undefined);
  });

  it("reads GitHub's public_keys document saved in the data directory, plus hmac_secrets", () => {
    const dir = tempDir();
    const signer = makeSigner('gh-key-1');
    writeFileSync(
      join(dir, KEYS_FILE_NAME),
      JSON.stringify({
        public_keys: [{ key_identifier: signer.keyIdentifier, key: signer.publicPem, is_current: true }],
        hmac_secrets: ['x'.repeat(40)],
      }),
    );
    const config = resolveIntakeConfig(dir, {});
    assert.ok(config);
    assert.deepEqual([...config.ecdsaKeys.keys()], ['gh-key-1']);
    assert.equal(config.hmacSecrets.length, 1);
    assert.equal(config.path, '/intake/secret-scanning');
    assert.equal(config.maxBodyBytes, 1024 * 1024);
  });

  it('rejects keys that are not ECDSA P-256, short secrets and broken files, naming the setting', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    throwsConfig(
      () => resolveIntakeConfig(tempDir(), { trustedKeys: [{ key_identifier: 'k', key: rsa }] }),
      /trusted_keys\[0\]\.key.*P-256/,
    );
    throwsConfig(
      () => resolveIntakeConfig(tempDir(), { trustedKeys: [{ key_identifier: 'k', key: 'not a pem' }] }),
      /trusted_keys\[0\]\.key/,
    );
    throwsConfig(() => resolveIntakeConfig(tempDir(), { hmacSecrets: ['short-secret'] }), /hmac_secrets\[0\]="<redacted>"/);
    const dir = tempDir();
    writeFileSync(join(dir, KEYS_FILE_NAME), '{ not json');
    throwsConfig(() => resolveIntakeConfig(dir, {}), /keys_file.*valid JSON/);
    throwsConfig(() => resolveIntakeConfig(tempDir(), { keysFile: join(tempDir(), 'missing.json') }), /keys_file.*readable file/);
  });

  it('does not mount the endpoint when unconfigured, and mounts it from the data-dir keys file', async () => {
    const plain = await startHarness();
    try {
      const body = '[]';
      const r = await postReport(`${plain.issuer}/intake/secret-scanning`, body, {});
      assert.equal(r.status, 404);
    } finally {
      await plain.close();
    }
    const signer = makeSigner('from-file');
    const dir = tempDir();
    writeFileSync(join(dir, KEYS_FILE_NAME), JSON.stringify([{ key_identifier: signer.keyIdentifier, key: signer.publicPem }]));
    const h = await startHarness({ intake: { keysFile: join(dir, KEYS_FILE_NAME) } });
    try {
      const key = await h.service.admin.createApiKey({ subject: 'file-configured', scopes: ['read'] });
      const body = reportBody([{ token: key.key }]);
      const r = await postReport(`${h.issuer}/intake/secret-scanning`, body, githubHeaders(signer, body));
      assert.equal(r.status, 200, r.text);
      assert.equal((await h.service.view.findKey(key.key))?.status, 'revoked');
    } finally {
      await h.close();
    }
  });
});

describe('report parsing', () => {
  it('accepts the partner format and defaults a missing source to unknown', () => {
    const items = parseReport(Buffer.from('[{"token":"abc","type":"t","url":" https://github.com/x "}]'), 10);
    assert.deepEqual(items, [{ token: 'abc', type: 't', url: 'https://github.com/x', source: 'unknown' }]);
  });

  it('reports the error position of invalid JSON without quoting the body', () => {
    const secret = 'tw_k_secretsecretsecretsecretsecret0123';
    try {
      parseReport(Buffer.from(`[{"token":"${secret}" "type":"t"}]`), 10);
      assert.fail('should throw');
    } catch (e) {
      assert.ok(isErrorCode(e, 'TW_INTAKE_MALFORMED'));
      assert.match((e as Error).message, /not valid JSON/);
      assert.equal((e as Error).message.includes('secret'), false);
    }
  });

  it('rejects invalid UTF-8, too many items and over-long fields', () => {
    const cases: [Buffer, RegExp][] = [
      [Buffer.from([0x5b, 0xff, 0x5d]), /not valid UTF-8/],
      [Buffer.from(JSON.stringify([1, 2, 3])), /3 items, more than the 2/],
      [Buffer.from(JSON.stringify([{ token: 'a'.repeat(9000), type: 't', url: 'u' }])), /item \[0\] "token" is longer than 8192/],
      [Buffer.from(JSON.stringify([{ token: '  ', type: 't', url: 'u' }])), /item \[0\] "token" is empty/],
      [Buffer.from(JSON.stringify([{ token: 'a', type: 't', url: 'u', source: 3 }])), /item \[0\] "source" must be a string/],
    ];
    for (const [body, message] of cases) {
      assert.throws(
        () => parseReport(body, 2),
        (e: unknown) => isErrorCode(e, 'TW_INTAKE_MALFORMED') && message.test((e as Error).message),
      );
    }
  });
});
