import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { BaseConfig, duplicateJsonKey, envToTree, loadConfig, mergeTrees, otherProblems, readConfigFile } from '@tokenwarden/config';
import { ConfigError, isErrorCode, TokenWardenError } from '@tokenwarden/core';

const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

/** Runs `fn`, which must throw a TokenWardenError; returns it. */
function failure(fn: () => unknown): TokenWardenError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof TokenWardenError, `expected a TokenWardenError, got ${String(e)}`);
    return e;
  }
  return assert.fail('expected an error');
}

describe('config sources and precedence', () => {
  test('defaults alone give the embedded profile', () => {
    const cfg = loadConfig(BaseConfig, {});
    assert.equal(cfg.data, './.tokenwarden');
    assert.equal(cfg.store.driver, 'sqlite');
    assert.deepEqual(cfg.bus, { driver: 'memory', url: 'nats://127.0.0.1:4222', stream_prefix: 'TOKENWARDEN' });
    assert.equal(cfg.log.level, 'info');
  });

  test('reads YAML and JSON files', () => {
    const yaml = loadConfig(BaseConfig, { file: fixture('base.yaml') });
    assert.equal(yaml.data, './from-yaml');
    assert.equal(yaml.bus.driver, 'nats');
    assert.equal(yaml.bus.stream_prefix, 'FROM_YAML');
    assert.equal(yaml.log.level, 'warn');
    const json = loadConfig(BaseConfig, { file: fixture('base.json') });
    assert.equal(json.store.driver, 'postgres');
    assert.equal(json.store.url, 'postgres://127.0.0.1:5432/test');
  });

  test('environment overrides the file, flags override both, and untouched keys keep the file value', () => {
    const cfg = loadConfig(BaseConfig, {
      file: fixture('base.yaml'),
      env: {
        TOKENWARDEN_LOG__LEVEL: 'error',
        TOKENWARDEN_DATA: './from-env',
        TOKENWARDEN_BUS__STREAM_PREFIX: 'FROM_ENV',
        PATH: '/usr/bin',
      },
      flags: { data: './from-flag', store: { url: undefined } },
    });
    assert.equal(cfg.data, './from-flag', 'flag beats env and file');
    assert.equal(cfg.log.level, 'error', 'env beats file');
    assert.equal(cfg.bus.stream_prefix, 'FROM_ENV');
    assert.equal(cfg.bus.driver, 'nats', 'file value kept when nothing overrides it');
    assert.equal(cfg.bus.url, 'nats://127.0.0.1:4222');
  });

  test('TOKENWARDEN_STORE__DRIVER sets store.driver; values that look like JSON are parsed', () => {
    assert.deepEqual(envToTree({ TOKENWARDEN_STORE__DRIVER: 'postgres', TOKENWARDEN_A__B: '42', TOKENWARDEN_C: 'true', OTHER: 'x' }), {
      store: { driver: 'postgres' },
      a: { b: 42 },
      c: true,
    });
  });

  test('tooling variables (TOKENWARDEN_FROM_SOURCE, _CLI_FROM_DIST, _DEBUG, _SKIP_*, _TEST_*) are not config keys', () => {
    const env = {
      TOKENWARDEN_FROM_SOURCE: '1',
      TOKENWARDEN_CLI_FROM_DIST: '1',
      TOKENWARDEN_DEBUG: '1',
      TOKENWARDEN_SKIP_NATS: '1',
      TOKENWARDEN_TEST_NATS_URL: 'nats://x:1',
      TOKENWARDEN_STORE__DRIVER: 'sqlite',
    };
    assert.deepEqual(envToTree(env), { store: { driver: 'sqlite' } });
    assert.equal(loadConfig(BaseConfig, { env }).store.driver, 'sqlite');
  });

  test('mergeTrees merges deeply and never lets undefined override', () => {
    assert.deepEqual(mergeTrees({ a: { b: 1, c: 2 } }, { a: { c: 3 } }, { a: { b: undefined } }), { a: { b: 1, c: 3 } });
  });
});

describe('config errors name the key, the bad value and what is allowed', () => {
  test('an unknown key in a file lists the known keys and suggests the likely one', () => {
    const e = failure(() => loadConfig(BaseConfig, { file: fixture('unknown-key.yaml') }));
    assert.ok(e instanceof ConfigError);
    assert.equal(e.code, 'TW_CONFIG_INVALID');
    assert.equal(e.key, 'store.drvier');
    assert.match(e.message, /store\.drvier="postgres"/);
    assert.match(e.message, /known keys "driver", "url", "schema", "file"/);
    assert.match(e.hint ?? '', /did you mean "store\.driver"\?/);
    assert.match(e.hint ?? '', /unknown-key\.yaml/, 'the hint says where the key came from');
  });

  test('the first problem is explained, where it was set, and the others are named', () => {
    const e = failure(() =>
      loadConfig(BaseConfig, {
        env: { TOKENWARDEN_STORE__DRIVER: 'mysql', TOKENWARDEN_LOG__LEVEL: 'loud', TOKENWARDEN_BUS__DRIVER: 'kafka' },
      }),
    );
    assert.ok(e instanceof ConfigError);
    const hint = e.hint ?? '';
    assert.match(hint, /\(set by environment variable TOKENWARDEN_[A-Z_]+\); also "[a-z.]+", "[a-z.]+"$/);
    for (const key of ['store.driver', 'log.level', 'bus.driver']) assert.ok(`${e.key} ${hint}`.includes(key), key);
    // A lone problem has no "also".
    const lone = failure(() => loadConfig(BaseConfig, { env: { TOKENWARDEN_STORE__DRIVER: 'mysql' } }));
    assert.ok(!(lone.hint ?? '').includes('also'));
  });

  test('every unknown key of one object is named, not only the first, within the five named', () => {
    const e = failure(() =>
      loadConfig(BaseConfig, {
        env: { TOKENWARDEN_STORE__DRIVER: 'mysql', TOKENWARDEN_LOG__LEEVL: 'info', TOKENWARDEN_LOG__FROMAT: 'json' },
      }),
    );
    assert.match(e.hint ?? '', /; also "log\.leevl" \(unknown key\), "log\.fromat" \(unknown key\)$/);
    // When the first problem is itself several unknown keys, the first is explained and the rest named.
    const first = failure(() => loadConfig(BaseConfig, { env: { TOKENWARDEN_LOG__LEEVL: 'info', TOKENWARDEN_LOG__FROMAT: 'json' } }));
    assert.ok(first instanceof ConfigError);
    assert.equal(first.key, 'log.leevl');
    assert.match(first.hint ?? '', /; also "log\.fromat" \(unknown key\)$/);
    // Each key counts as one problem towards the five named and the rest counted.
    const keys = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
    assert.equal(
      otherProblems([
        { code: 'invalid_type', path: ['store', 'url'] },
        { code: 'unrecognized_keys', path: [], keys },
      ]),
      '; also "store.url", "a" (unknown key), "b" (unknown key), "c" (unknown key), "d" (unknown key) and 3 more',
    );
  });

  test('an unknown top-level key from the environment names the variable', () => {
    const e = failure(() => loadConfig(BaseConfig, { env: { TOKENWARDEN_STOR__DRIVER: 'sqlite' } }));
    assert.ok(e instanceof ConfigError);
    assert.equal(e.key, 'stor');
    assert.match(e.message, /known keys "data", "store", "bus", "log"/);
    assert.match(e.hint ?? '', /did you mean "store"\?/);
    assert.match(e.hint ?? '', /TOKENWARDEN_STOR__DRIVER/);
  });

  test('a bad enum value from the environment: key, value, allowed values and the variable', () => {
    const e = failure(() => loadConfig(BaseConfig, { env: { TOKENWARDEN_STORE__DRIVER: 'mysql' } }));
    assert.ok(e instanceof ConfigError);
    assert.equal(e.message, 'invalid config store.driver="mysql": expected one of "sqlite"|"postgres"');
    assert.match(e.hint ?? '', /environment variable TOKENWARDEN_STORE__DRIVER/);
  });

  test('a bad enum value in a file', () => {
    const e = failure(() => loadConfig(BaseConfig, { file: fixture('bad-enum.yaml') }));
    assert.equal(e.message, 'invalid config bus.driver="kafka": expected one of "memory"|"nats"');
    assert.match(e.hint ?? '', /bad-enum\.yaml/);
  });

  test('a bad type', () => {
    const e = failure(() => loadConfig(BaseConfig, { file: fixture('bad-type.json') }));
    assert.ok(e instanceof ConfigError);
    assert.equal(e.key, 'log.level');
    assert.match(e.message, /^invalid config log\.level=\["info"\]: expected one of "fatal"\|/);
    const e2 = failure(() => loadConfig(BaseConfig, { flags: { store: 'sqlite' } }));
    assert.equal(e2.message, 'invalid config store="sqlite": expected object, received string');
    assert.match(e2.hint ?? '', /command-line flag/);
  });

  test('a value breaking a format rule says the rule, without zod wording', () => {
    const e = failure(() => loadConfig(BaseConfig, { flags: { data: '' } }));
    assert.equal(e.message, 'invalid config data="": expected string to have >=1 characters');
    const e2 = failure(() => loadConfig(BaseConfig, { env: { TOKENWARDEN_BUS__STREAM_PREFIX: 'has space' } }));
    assert.equal(e2.message, 'invalid config bus.stream_prefix="has space": expected letters, digits, _ and -');
  });

  test('a password in a rejected URL never reaches the message', () => {
    const e = failure(() => loadConfig(BaseConfig, { file: fixture('secret-url.yaml') }));
    assert.equal(e.code, 'TW_CONFIG_INVALID');
    assert.doesNotMatch(`${e.message} ${e.hint} ${JSON.stringify(e.toJSON())}`, /Sup3rSecretPw/);
    assert.match(e.message, /mysql:\/\/admin:\[REDACTED\]@db\.internal:3306\/tw/);
  });

  test('a corrupt YAML file names the file and the line', () => {
    const e = failure(() => readConfigFile(fixture('corrupt.yaml')));
    assert.equal(e.code, 'TW_CONFIG_INVALID');
    assert.match(e.message, /corrupt\.yaml is not valid YAML: .*at line 2, column 11/);
    assert.ok(e.hint);
  });

  test('a corrupt JSON file names the file, line and column', () => {
    const e = failure(() => readConfigFile(fixture('corrupt.json')));
    assert.equal(e.code, 'TW_CONFIG_INVALID');
    assert.match(e.message, /corrupt\.json is not valid JSON: .*\(line 4, column \d+\)/);
  });

  test('a JSON error quotes nothing of the file (the wrong file named may hold a secret)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tw-config-quote-'));
    try {
      const file = join(dir, 'token.json');
      writeFileSync(file, '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');
      const e = failure(() => readConfigFile(file));
      assert.equal(e.code, 'TW_CONFIG_INVALID');
      assert.ok(!e.message.includes('ghp_'), e.message);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a JSON file setting one key twice in an object is refused with the key and where (JSON.parse keeps the last)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tw-config-dup-'));
    try {
      const file = join(dir, 'gateway.json');
      writeFileSync(file, '{\n  "routes": [{ "path": "/**", "scopes": ["a"] }],\n  "audience": "x",\n  "routes": []\n}\n');
      const e = failure(() => readConfigFile(file));
      assert.equal(e.code, 'TW_CONFIG_INVALID');
      assert.match(e.message, /gateway\.json sets "routes" twice in one object \(line 4, column 3\)/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('duplicateJsonKey: nested objects, arrays, escapes and look-alike strings', () => {
    assert.equal(duplicateJsonKey('{"a": 1, "b": {"a": 2}, "c": [{"a": 3}, {"a": 4}]}'), undefined);
    assert.equal(duplicateJsonKey('{"a": "{\\"a\\": 1}", "b": ["a", "a"], "c": "\\\\"}'), undefined);
    assert.deepEqual(duplicateJsonKey('{"x": {"k": 1, "\\u006b": 2}}'), { key: 'k', line: 1, column: 16 });
    assert.deepEqual(duplicateJsonKey('[{"a": 1}, {"b": {"c": [1, 2], "c": 3}}]'), { key: 'c', line: 1, column: 32 });
    assert.equal(duplicateJsonKey('"plain"'), undefined);
  });

  test('a truncated JSON file says where it ends', () => {
    const e = failure(() => readConfigFile(fixture('truncated.json')));
    assert.match(e.message, /truncated\.json is not valid JSON: .*\(the file ends at line 3 before the JSON does\)/);
  });

  test('a file that is not a config (--config .env) is rejected without echoing the secrets in it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tw-config-secret-'));
    try {
      const ghp = 'ghp_Ky9Pf34qY6Nb3wWD25xQm8RtLz0aVcE1s2Hj';
      const aws = 'wJalrXUtnFEMI/K7MDENGbPxRfiCYzq8Xk2LmN4t';
      const hex = '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08';
      for (const [name, text] of [
        ['ghp.txt', `token = "${ghp}"\n`],
        ['.env', `GITHUB_TOKEN=${ghp}\nAWS_SECRET_ACCESS_KEY=${aws}\nDIGEST=${hex}\n`],
        ['list.yaml', `- ${ghp}\n- ${hex}\n`],
      ] as const) {
        writeFileSync(join(dir, name), text);
        const e = failure(() => loadConfig(BaseConfig, { file: join(dir, name) }));
        assert.equal(e.code, 'TW_CONFIG_INVALID', name);
        const shown = `${e.message} ${e.hint} ${JSON.stringify(e.toJSON())} ${JSON.stringify((e as ConfigError).value)}`;
        for (const secret of [ghp, aws.slice(0, 12), aws.slice(14), hex]) assert.ok(!shown.includes(secret), `${name}: ${shown}`);
        assert.match(e.message, /^invalid config \(root\)=/);
      }
      // A misplaced value is still shown when it is not credential-like.
      const e = failure(() => loadConfig(BaseConfig, { flags: { store: 'sqlite-main-store' } }));
      assert.equal(e.message, 'invalid config store="sqlite-main-store": expected object, received string');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a file whose top level is not a mapping', () => {
    const e = failure(() => readConfigFile(fixture('not-a-mapping.yaml')));
    assert.equal(e.code, 'TW_CONFIG_INVALID');
    assert.match(e.message, /invalid config \(root\)=\["just","a list"\]: expected an object of settings/);
  });

  test('a missing file is TW_CONFIG_UNREADABLE with the path', () => {
    const e = failure(() => loadConfig(BaseConfig, { file: fixture('nope.yaml') }));
    assert.ok(isErrorCode(e, 'TW_CONFIG_UNREADABLE'));
    assert.match(e.message, /nope\.yaml/);
    assert.match(e.hint ?? '', /--config/);
  });
});
