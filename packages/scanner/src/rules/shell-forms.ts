import type { Rule } from '../types.js';
import { judged } from './generic-forms.js';

// The secret-like names of the assignment rules (generic.ts).
const NAME =
  '[A-Za-z0-9_]{0,40}?(?:passw(?:or)?d|pwd|secret|token|api_?key|apikey|access_?key|auth_?key|private_?key|client_?secret|credentials?|passphrase)[A-Za-z0-9_]{0,20}';

/**
 * Secrets in shell forms the assignment rules cannot read:
 *
 * - fish's `set -x|-gx|-U|--export ... NAME value` (no `=`). Flags that query or erase a
 *   variable (`-q`, `-e`, `-n`, `-S`) assign nothing. `set -U` keeps the value in
 *   `fish_variables` as `SETUVAR --export NAME:value`.
 * - a literal default in a POSIX parameter expansion, `${NAME:-value}` or `${NAME:=value}`: the
 *   value is used whenever the variable is unset, so a real secret written
 *   there ships with the script. Only the default is the secret (not the `-` of the operator);
 *   placeholder defaults (`${API_KEY:-changeme}`, `${TOKEN:-<your-token>}`) and references
 *   (`${TOKEN:-$OTHER}`) are not reported. `${NAME:?message}` and `${NAME:+alt}` are not defaults.
 *
 * Judged as the assignment rules judge `NAME=value`.
 *
 * @example
 * ```ts
 * shellFormRules.map((r) => r.id); // ['fish-set-secret', 'fish-universal-variable-secret', 'shell-default-secret']
 * ```
 */
export const shellFormRules: Rule[] = [
  {
    id: 'fish-set-secret',
    description: 'Secret assigned by a fish shell (or Tcl) set command',
    provider: 'generic',
    // With a flag (`-x`, `-gx`, `--export`): `set ` alone hits every few lines of prose and code
    // (a quarter of the scan's keyword hits on the bench tree), and a flagless `set` in fish
    // makes a function-local variable, rarely a secret's place.
    keywords: ['set -'],
    keywordsCaseSensitive: true,
    anchor: 'keyword',
    // At a command start only: a line start, or after `;`, `and`, `or`, `begin`, `if`.
    pattern: new RegExp(
      `(?<=(?:^|[;({]|\\b(?:and|or|begin|if|then|do))[ \\t]*)set[ \\t]+(?:(?:--(?!erase|query|names|show)[a-z-]+|-(?![A-Za-z]*[qenS])[A-Za-z]+)[ \\t]+)+(${NAME})[ \\t]+(["']?)([^\\s"'$()<>\`;|&]{8,200})\\2(?=[ \\t]*(?:$|[;#|&)]))`,
      'gim',
    ),
    secretGroup: 3,
    severity: 'medium',
    confidence: 'low',
    validate: (value, ctx) => judged(/^set\s+(?:-\S+\s+)*(\S+)/.exec(ctx.match)?.[1] ?? '', value),
  },
  {
    // What `set -U` stores: fish keeps universal variables in ~/.config/fish/fish_variables as
    // `SETUVAR [--export] NAME:value`, with spaces and such escaped as `\x20`.
    id: 'fish-universal-variable-secret',
    anchor: 'keyword',
    description: 'Secret in a fish universal variable (fish_variables)',
    provider: 'generic',
    keywords: ['SETUVAR '],
    keywordsCaseSensitive: true,
    pattern: new RegExp(`SETUVAR[ \\t]+(?:--export[ \\t]+)?(${NAME}):([^\\s"'$\`]{8,200})`, 'gi'),
    secretGroup: 2,
    severity: 'medium',
    confidence: 'low',
    validate: (value, ctx) => judged(/^SETUVAR\s+(?:--export\s+)?([A-Za-z0-9_]+)/i.exec(ctx.match)?.[1] ?? '', value),
  },
  {
    id: 'shell-default-secret',
    description: 'Secret written as the default of a shell parameter expansion (NAME:-value)',
    provider: 'generic',
    // The operator is the keyword: `${` opens every template literal of JavaScript. The name
    // before it is walked back over, and must follow `${`.
    keywords: [':-', ':='],
    anchor: { back: '[A-Za-z0-9_]', max: 64, followedBy: ':[-=]' },
    pattern: new RegExp(`(?<=\\$\\{)(${NAME}):[-=]([^\\s"'$\`{}]{8,200})\\}`, 'gi'),
    secretGroup: 2,
    severity: 'medium',
    confidence: 'low',
    validate: (value, ctx) => judged(/^[A-Za-z0-9_]+/.exec(ctx.match)?.[0] ?? '', value),
  },
];
