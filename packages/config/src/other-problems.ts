/** Most problems named after the first one a config error explains (an unknown key is one problem). */
const MAX_NAMED = 5;

/** The parts of a validation issue that locate it (zod's issue shape). */
export interface LocatedIssue {
  code: string;
  path: readonly PropertyKey[];
  keys?: readonly string[];
}

/**
 * Names the problems after the first one, for the hint of a config error: the first is explained in full,
 * the others are listed so that one edit-and-restart can fix them all. Empty when there are none.
 *
 * @example
 * ```ts
 * otherProblems([{ code: 'invalid_type', path: ['routes', 1, 'scopes'] }]); // '; also "routes.1.scopes"'
 * ```
 */
export function otherProblems(issues: readonly LocatedIssue[]): string {
  const names: string[] = [];
  // Problems, not issues: zod reports every unknown key of one object as a single issue, and each is a
  // separate edit, so each is named (and counted towards MAX_NAMED and the rest) on its own.
  let problems = 0;
  const name = (text: string): void => {
    problems += 1;
    if (names.length < MAX_NAMED) names.push(text);
  };
  for (const i of issues) {
    const at = i.path.map(String).join('.');
    if (i.code !== 'unrecognized_keys') {
      name(`"${at || '(root)'}"`);
      continue;
    }
    const keys = i.keys && i.keys.length > 0 ? i.keys : ['?'];
    for (const key of keys) name(`"${at ? `${at}.${key}` : key}" (unknown key)`);
  }
  if (problems === 0) return '';
  const rest = problems - names.length;
  return `; also ${names.join(', ')}${rest > 0 ? ` and ${rest} more` : ''}`;
}

/**
 * The problems after the first when the first is an object's unknown keys: its keys after the first (explained in
 * full) come before the other issues, so every unknown key is named.
 *
 * @example
 * ```ts
 * withRestOfKeys({ code: 'unrecognized_keys', path: ['log'], keys: ['leevl', 'fromat'] }, []); // [{ ..., keys: ['fromat'] }]
 * ```
 */
export function withRestOfKeys(first: LocatedIssue, others: readonly LocatedIssue[]): readonly LocatedIssue[] {
  const keys = first.keys ?? [];
  return keys.length > 1 ? [{ code: first.code, path: first.path, keys: keys.slice(1) }, ...others] : others;
}
