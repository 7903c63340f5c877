import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { renderSchemas, SCHEMA_DIR } from '../../../../scripts/write-schemas.js';

describe('docs/schemas', () => {
  it('match the core typebox schemas (run `npm run schemas` to refresh them)', () => {
    const expected = renderSchemas();
    const committed = readdirSync(SCHEMA_DIR)
      .filter((f) => f.endsWith('.schema.json'))
      .sort();
    assert.deepEqual(committed, Object.keys(expected).sort(), 'the set of schema files');
    for (const [file, text] of Object.entries(expected)) {
      assert.equal(readFileSync(join(SCHEMA_DIR, file), 'utf8'), text, `${file} is stale`);
    }
  });

  it('document every domain type with a title and its required fields', () => {
    const credential = JSON.parse(readFileSync(join(SCHEMA_DIR, 'Credential.schema.json'), 'utf8')) as {
      title: string;
      required: string[];
      properties: Record<string, unknown>;
    };
    assert.equal(credential.title, 'Credential');
    assert.ok(credential.required.includes('kind'));
    assert.equal('secret' in credential.properties, false, 'a credential never carries its secret');
  });
});
