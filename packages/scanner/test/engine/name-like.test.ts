import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { looksLikeName, scanString } from '@tokenwarden/scanner';
import { B62, B64URL, HEX, prng } from '../fixtures.js';

const LOWER_ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';

describe('values that are names, not secrets', () => {
  it('tells the words of names, paths and hosts from random keys', () => {
    for (const name of [
      'roles/iam.serviceAccountTokenCreator',
      'run.googleapis.com/secrets',
      'projects/my-project/secrets/my-secret/versions/1',
      '_convert_oauth2_credentials',
      'V1ServiceAccountTokenProjection',
      'PKCS7PrivateKeyTypes',
    ])
      assert.ok(looksLikeName(name), name);
    for (const key of [
      'Zq8mK2vX9pL4nR7tW1yB6cD3fH5jS0aE',
      'AKIAIOSFODNN7EXAMPLE',
      'ZmssLNjJy2998hD4CTg2ejr2',
      'XT_Mafv_aUCGheuCaKY8P',
      'django-insecure-8k2zq9xv7mp3wr5ty1u6i0o4e',
    ])
      assert.ok(!looksLikeName(key), key);
  });

  it('almost never takes a random key for a name (seeded sample of each alphabet)', () => {
    const rand = prng(0x6e616d65);
    const sample = (charset: string, length: number) => {
      let s = '';
      for (let i = 0; i < length; i++) s += charset[Math.floor(rand() * charset.length)];
      return s;
    };
    for (const charset of [B62, B64URL, HEX, LOWER_ALNUM]) {
      let named = 0;
      for (let i = 0; i < 20000; i++) if (looksLikeName(sample(charset, 16))) named++;
      // A generic secret is 16 characters or more: at most 1 in 2,000 of the shortest ones lost.
      assert.ok(named <= 10, `${named} of 20000 random 16-character keys taken for names`);
      for (let i = 0; i < 5000; i++) assert.ok(!looksLikeName(sample(charset, 32)));
    }
  });

  it('keeps a class name, resource path or host assigned to a secret-like name out of the findings (gcloud SDK shapes)', () => {
    const text = [
      "ROLE_IAM_SERVICE_ACCOUNT_TOKEN_CREATOR = 'roles/iam.serviceAccountTokenCreator'",
      "SECRETS_ANNOTATION = 'run.googleapis.com/secrets'",
      "      'service_account_token': 'V1ServiceAccountTokenProjection'",
      '    secret_ref: projects/my-project/secrets/my-secret/versions/1',
      '<clientSecret>projects/acme-prod/secrets/oauthClient/versions/latest</clientSecret>',
    ].join('\n');
    assert.deepEqual(
      scanString(text, 'x.py').map((f) => f.rule),
      [],
    );
  });
});
