// Writes docs/schemas/<Type>.schema.json from the typebox schemas of @tokenwarden/core, the one
// source of truth for the domain model. Run `npm run schemas` after changing a core schema; a
// store test fails while the committed files differ from what this script would write.
//
//   node --conditions=source --import tsx scripts/write-schemas.ts
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { AccessEvent, Alert, AuditEntry, Credential, Incident, LifecycleEvent, Principal } from '@tokenwarden/core';

/** Where the schemas are written. */
export const SCHEMA_DIR = fileURLToPath(new URL('../docs/schemas/', import.meta.url));

/** Every documented domain type, by the name its file carries. */
const DOMAIN_SCHEMAS: Record<string, object> = { AccessEvent, Alert, AuditEntry, Credential, Incident, LifecycleEvent, Principal };

/**
 * The file name and JSON text of every schema, as this script writes them.
 *
 * @example
 * ```ts
 * renderSchemas()['Credential.schema.json']; // '{\n  "$schema": "https://json-schema.org/draft/2020-12/schema", ...'
 * ```
 */
export function renderSchemas(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, schema] of Object.entries(DOMAIN_SCHEMAS)) {
    const document = { $schema: 'https://json-schema.org/draft/2020-12/schema', ...schema };
    out[`${name}.schema.json`] = `${JSON.stringify(document, null, 2)}\n`;
  }
  return out;
}

function main(): void {
  mkdirSync(SCHEMA_DIR, { recursive: true });
  const files = renderSchemas();
  for (const existing of readdirSync(SCHEMA_DIR)) {
    if (existing.endsWith('.schema.json') && !(existing in files)) rmSync(join(SCHEMA_DIR, existing));
  }
  for (const [file, text] of Object.entries(files)) writeFileSync(join(SCHEMA_DIR, file), text);
  process.stdout.write(`wrote ${Object.keys(files).length} schemas to ${SCHEMA_DIR}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
