import type Type from 'typebox';
import type { TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import { type InputLocation, MalformedInputError } from './errors.js';

type Validator = ReturnType<typeof Compile>;
const compiled = new WeakMap<TSchema, Validator>();

function validatorFor(schema: TSchema): Validator {
  let v = compiled.get(schema);
  if (!v) {
    v = Compile(schema);
    compiled.set(schema, v);
  }
  return v;
}

/** One validation problem: where in the value, and what is wrong. */
export interface ValidationIssue {
  path: string;
  message: string;
}

/**
 * Lists what is wrong with `value` against a schema (empty when valid).
 *
 * @example
 * ```ts
 * validationIssues(AccessEvent, { id: 'x' }); // [{ path: '', message: 'must have required properties time, outcome, source_system' }]
 * ```
 */
export function validationIssues(schema: TSchema, value: unknown): ValidationIssue[] {
  const v = validatorFor(schema);
  if (v.Check(value)) return [];
  const issues: ValidationIssue[] = [];
  for (const e of v.Errors(value)) {
    if (e.keyword === 'boolean') continue;
    issues.push({ path: e.instancePath || '/', message: e.message });
    if (issues.length >= 5) break;
  }
  return issues.length > 0 ? issues : [{ path: '/', message: 'does not match the schema' }];
}

/**
 * Checks `value` against a schema and returns it typed, or throws a {@link MalformedInputError}
 * naming the location and the first problems.
 *
 * @example
 * ```ts
 * const event = parseAs(AccessEvent, JSON.parse(line), { source: file, line: n });
 * ```
 */
export function parseAs<S extends TSchema>(schema: S, value: unknown, location: InputLocation): Type.Static<S> {
  const issues = validationIssues(schema, value);
  if (issues.length > 0) {
    const what = issues.map((i) => `${i.path} ${i.message}`).join('; ');
    throw new MalformedInputError(location, `invalid ${(schema as { $id?: string }).$id ?? 'value'}: ${what}`);
  }
  return value as Type.Static<S>;
}

/** True when `value` matches `schema`. */
export function matches<S extends TSchema>(schema: S, value: unknown): value is Type.Static<S> {
  return validatorFor(schema).Check(value);
}
