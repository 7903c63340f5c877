// Test fixtures say when their credentials are made up: `FAKE_GITHUB_TOKEN = ...`,
// `dummyApiKey: ...`, `# fake key for the tests below`, `fake_credentials.json`. The markers
// judge checksum-less formats only: a value whose checksum is valid is reported whatever its
// context says, since anyone can write `# fake` next to a live key to slip it past a scan.

const MARKERS: ReadonlySet<string> = new Set(['fake', 'fakes', 'faked', 'dummy', 'dummies', 'bogus']);
// Words of identifiers and prose: camelCase humps, then runs of letters.
const WORD = /[A-Z]?[a-z]+|[A-Z]+(?![a-z])/g;
const COMMENT_LINE = /^\s*(?:#|\/\/|\/\*|\*|--|<!--|;|%|rem\b)/i;

function hasMarker(text: string): boolean {
  if (!/fake|dummy|bogus|not.?real/i.test(text)) return false;
  const words = text.match(WORD) ?? [];
  for (let i = 0; i < words.length; i++) {
    const w = (words[i] as string).toLowerCase();
    if (MARKERS.has(w)) return true;
    if (w === 'not' && words[i + 1]?.toLowerCase() === 'real') return true;
  }
  return false;
}

/**
 * True when a candidate is marked as made up: its line (without the secret itself, judged by the
 * placeholder filter) names it fake, dummy or bogus, a comment line right above says so, or the
 * file's own name does (`fake_tokens.py`, `dummy-keys.json`). Whole words only: `fakery` or
 * `dummyfile` name nothing. The scan asks this only of checksum-less formats: a checksum-valid
 * token is reported whatever its context says.
 *
 * @example
 * ```ts
 * markedFake('FAKE_TOKEN = "ghp_..."', '', 'ghp_...', 'src/a.py'); // true
 * markedFake('TOKEN = "ghp_..."', '# real one', 'ghp_...', 'src/a.py'); // false
 * ```
 */
export function markedFake(line: string, previous: string, secret: string, file: string): boolean {
  // Near the secret only: a minified line holds whole libraries (`fakeTimers`) far from it.
  const at = line.indexOf(secret);
  const rest =
    at === -1 ? line.slice(0, 300) : line.slice(Math.max(0, at - 160), at) + line.slice(at + secret.length, at + secret.length + 60);
  if (hasMarker(rest)) return true;
  if (COMMENT_LINE.test(previous) && hasMarker(previous)) return true;
  const base = file.slice(Math.max(file.lastIndexOf('/'), file.lastIndexOf('!')) + 1);
  return hasMarker(base);
}
