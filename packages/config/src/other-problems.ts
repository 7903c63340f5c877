/** Most problems named after the first one a config error explains. */
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
  if (issues.length === 0) return '';
  const names = issues.slice(0, MAX_NAMED).map((i) => {
    const at = i.path.map(String).join('.');
    if (i.code !== 'unrecognized_keys') return `"${at || '(root)'}"`;
    const bad = i.keys?.[0] ?? '?';
    return `"${at ? `${at}.${bad}` : bad}" (unknown key)`;
  });
  const rest = issues.length - names.length;
  return `; also ${names.join(', ')}${rest > 0 ? ` and ${rest} more` : ''}`;
}
