import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../support/run-cli.js';

// The token service's lifetimes and DPoP nonce policy were settings no config file, environment
// variable or flag could reach ("expected one of the known keys ..."): the `token` section sets them.
describe('the token config section', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'tw-cli-token-config-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const createKey = (ttl: string, extra: string[] = [], env: Record<string, string> = {}) =>
    runCli(['keys', 'create', '--subject', 'ci', '--scopes', 'read', '--ttl', ttl, '--data', dir, '--json', ...extra], { env });

  it('takes the API-key maximum from a config file', async () => {
    const file = join(dir, 'tokenwarden.json');
    writeFileSync(file, JSON.stringify({ token: { max_key_ttl: '400d', access_token_ttl: '10m', dpop_require_nonce: true } }));
    const run = await createKey('380d', ['--config', file]);
    assert.equal(run.code, 0, run.stderr);
    assert.match((JSON.parse(run.stdout) as { key: string }).key, /^tw_k_/);
  });

  it('takes it from the environment, and refuses a key longer than it', async () => {
    const run = await createKey('200d', [], { TOKENWARDEN_TOKEN__MAX_KEY_TTL: '100d' });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /lifetime must be between 1 ms and 100 days/);
  });

  it('refuses an access-token lifetime over one hour, naming the key', async () => {
    const run = await createKey('1d', [], { TOKENWARDEN_TOKEN__ACCESS_TOKEN_TTL: '2h' });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /token\.access_token_ttl/);
  });

  it('refuses an unknown key in the section', async () => {
    const run = await createKey('1d', [], { TOKENWARDEN_TOKEN__ACCESS_TTL: '300' });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /access_ttl/);
  });
});
