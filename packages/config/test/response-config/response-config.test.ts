import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  BaseConfig,
  createLogger,
  loadConfig,
  ResponseConfig,
  resolveResponseSignals,
  ScannerSection,
  validateConfig,
} from '@tokenwarden/config';
import { ConfigError } from '@tokenwarden/core';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
// The composition root (the CLI) builds its schema the same way: shared sections plus feature sections.
const Full = BaseConfig.extend({ response: ResponseConfig.default(ResponseConfig.parse({})), scanner: ScannerSection.optional() }).strict();
const ENV = { TW_TEST_HOOK_SECRET: 'env-hook-secret-0123456789', TW_TEST_SSF_AUTH: 'Bearer env-receiver-token-77' };
const SECRETS = ['env-hook-secret-0123456789', 'env-receiver-token-77', 'inline-secret-0123456789abcdef', 'inline-receiver-token-42'];

function failure(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ConfigError, `a ConfigError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected a ConfigError');
}

describe('the response section of tokenwarden.yaml', () => {
  it('loads one file with store, bus, log and response, with defaults filled in', () => {
    const cfg = loadConfig(Full, { file: fixture('tokenwarden.yaml') });
    assert.equal(cfg.log.level, 'warn');
    assert.equal(cfg.response.webhooks[0]?.format, 'json', 'format defaults to json');
    assert.equal(cfg.response.auto.max_actions_per_minute, 5);
    assert.deepEqual(cfg.response.auto.allowlist, { credentials: ['key_breakglass'], principals: ['oncall'] });
    assert.deepEqual(cfg.response.auto.policy[0]?.credential_kinds, ['api_key', 'service_account_token']);
    const empty = validateConfig(Full, {});
    assert.deepEqual(empty.response.webhooks, []);
    assert.equal(empty.response.auto.policy[0]?.min_severity, 'critical', 'the default policy contains on critical');
  });

  it('reads secrets from the environment and names the key and variable when one is missing', () => {
    const cfg = loadConfig(Full, { file: fixture('tokenwarden.yaml') });
    const signals = resolveResponseSignals(cfg.response, ENV);
    assert.equal(signals.webhooks[0]?.secret, ENV.TW_TEST_HOOK_SECRET);
    assert.equal(signals.ssf?.receivers[0]?.authorization, ENV.TW_TEST_SSF_AUTH);
    assert.equal(signals.ssf?.receivers[0]?.audience, 'https://idp.example.com', 'the audience defaults to the origin');
    const e = failure(() => resolveResponseSignals(cfg.response, { TW_TEST_SSF_AUTH: 'x' }));
    assert.equal(e.key, 'response.webhooks.0.secret_env');
    assert.match(e.message, /TW_TEST_HOOK_SECRET/);
  });

  it('rejects every bad key with a message that names it (unknown keys, bad enums, both or neither secret)', () => {
    const cases: [unknown, string, RegExp][] = [
      [{ response: { webhook: [] } }, 'response.webhook', /did you mean "response\.webhooks"/],
      [{ response: { webhooks: [{ url: 'https://h', secret: 'x'.repeat(20), scret: 1 }] } }, 'response.webhooks.0.scret', /secret/],
      [{ response: { webhooks: [{ url: 'https://h' }] } }, 'response.webhooks.0.secret', /one of them is required/],
      [
        { response: { webhooks: [{ url: 'https://h', secret: 'x'.repeat(20), secret_env: 'A' }] } },
        'response.webhooks.0.secret_env',
        /not both/,
      ],
      [{ response: { webhooks: [{ url: 'https://h', secret: 'short' }] } }, 'response.webhooks.0.secret', /at least 16/],
      [{ response: { webhooks: [{ url: 'ftp://h', secret: 'x'.repeat(20) }] } }, 'response.webhooks.0.url', /http/],
      [{ response: { webhooks: [{ url: 'https://h', secret: 'x'.repeat(20), format: 'teams' }] } }, 'response.webhooks.0.format', /slack/],
      [{ response: { ssf: { receivers: [] } } }, 'response.ssf.issuer', /string/],
      [
        { response: { ssf: { issuer: 'https://i', receivers: [{ url: 'https://r', events: ['logout'] }] } } },
        'response.ssf.receivers.0.events.0',
        /session-revoked/,
      ],
      [
        { response: { auto: { policy: [{ min_severity: 'severe', actions: ['revoke'] }] } } },
        'response.auto.policy.0.min_severity',
        /critical/,
      ],
      [{ response: { auto: { policy: [{ min_severity: 'high', actions: [] }] } } }, 'response.auto.policy.0.actions', /at least one/],
      [
        { response: { auto: { policy: [{ min_severity: 'high', actions: ['revoke'], credential_kinds: ['jwt'] }] } } },
        'response.auto.policy.0.credential_kinds.0',
        /api_key/,
      ],
      [{ response: { auto: { max_actions_per_minute: -1 } } }, 'response.auto.max_actions_per_minute', /0 or more/],
      [{ response: { auto: { allowlist: { principal: ['x'] } } } }, 'response.auto.allowlist.principal', /principals/],
    ];
    for (const [tree, key, pattern] of cases) {
      const e = failure(() => validateConfig(Full, tree));
      assert.equal(e.key, key, JSON.stringify(tree));
      assert.match(`${e.message} ${e.hint ?? ''}`, pattern, e.message);
    }
    const file = failure(() => loadConfig(Full, { file: fixture('bad-action.yaml') }));
    assert.equal(file.key, 'response.auto.policy.0.actions.1');
    assert.match(file.hint ?? '', /bad-action\.yaml/, 'the hint names the file the value came from');
  });

  it('never shows a secret value in an error', () => {
    const e = failure(() => validateConfig(Full, { response: { webhooks: [{ url: 'https://h', secret: 'too-short-1' }] } }));
    assert.equal(e.key, 'response.webhooks.0.secret');
    assert.ok(!e.message.includes('too-short-1'), e.message);
    const auth = failure(() =>
      validateConfig(Full, {
        response: { ssf: { issuer: 'https://i', receivers: [{ url: 'https://r', authorization: 'Bearer abc', authorization_env: 'X' }] } },
      }),
    );
    assert.ok(!`${auth.message}${auth.hint}`.includes('Bearer abc'), auth.message);
  });

  it('the logger redacts every secret of the resolved response settings', () => {
    const chunks: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _enc, done) {
        chunks.push(chunk.toString('utf8'));
        done();
      },
    });
    const log = createLogger({ level: 'info', destination });
    const cfg = loadConfig(Full, { file: fixture('tokenwarden.yaml') });
    const signals = resolveResponseSignals(cfg.response, ENV);
    log.info({ config: cfg }, 'loaded config');
    log.info({ signals }, 'signals');
    log.info({ webhook: signals.webhooks[0], receiver: signals.ssf?.receivers[1] }, 'one of each');
    const text = chunks.join('');
    assert.match(text, /hooks\.example\.com/, 'the log line is there');
    for (const s of SECRETS) assert.ok(!text.includes(s), `leaked ${s} in ${text}`);
  });
});

describe('the scanner section of tokenwarden.yaml', () => {
  it('refuses unknown keys at every depth, down to the fields of a custom rule, and keeps the rule values for scan', () => {
    const cases: [unknown, string, RegExp][] = [
      [{ scannr: { rules: [] } }, 'scannr', /did you mean "scanner"/],
      [{ scanner: { rulez: [] } }, 'scanner.rulez', /did you mean "scanner\.rules"/],
      [{ scanner: { rules: [{ id: 'a', regex: 'x', entrpy: 3 }] } }, 'scanner.rules.0.entrpy', /did you mean "scanner\.rules\.0\.entropy"/],
      [{ scanner: { rules: ['acme_'] } }, 'scanner.rules.0', /object/],
    ];
    for (const [tree, key, pattern] of cases) {
      const e = failure(() => validateConfig(Full, tree));
      assert.equal(e.key, key, JSON.stringify(tree));
      assert.match(`${e.message} ${e.hint ?? ''}`, pattern, e.message);
    }
    const rule = { id: 'acme-key', keywords: ['acme_'], regex: 'acme_([a-z0-9]{32})', flags: 'i', secretGroup: 1, entropy: 3.5 };
    assert.deepEqual(validateConfig(Full, { scanner: { rules: [rule] } }).scanner?.rules, [rule]);
  });
});
