/** Added lines of one file in one commit (or in the staged index). */
export interface AddedLines {
  file: string;
  /** Text of each added line. */
  lines: string[];
  /** Line number of each added line in the new version of the file. */
  numbers: number[];
  commit?: string;
  author?: string;
  date?: string;
}

/** The commit header marker written by `--format` (a record separator, never in diff text). */
export const COMMIT_MARKER = '\x1e';
/** Field separator inside the commit header. */
export const FIELD_SEPARATOR = '\x1f';

function unquotePath(raw: string): string {
  if (!raw.startsWith('"')) return raw;
  const body = raw.slice(1, raw.endsWith('"') ? -1 : undefined);
  const bytes: number[] = [];
  for (let i = 0; i < body.length; i++) {
    const ch = body[i] as string;
    if (ch !== '\\') {
      bytes.push(...Buffer.from(ch, 'utf8'));
      continue;
    }
    const next = body[++i] ?? '';
    if (/[0-7]/.test(next)) {
      bytes.push(Number.parseInt(body.slice(i, i + 3), 8));
      i += 2;
    } else
      bytes.push(
        ({ n: 10, t: 9, r: 13, '"': 34, '\\': 92, a: 7, b: 8, f: 12, v: 11 } as Record<string, number>)[next] ?? next.charCodeAt(0),
      );
  }
  return Buffer.from(bytes).toString('utf8');
}

/**
 * Incremental parser of `git log -p -U0` / `git diff -U0` output: feed it lines, it emits the
 * added lines of each (commit, file) with their line numbers in the new file. Headers (`+++`) are
 * told apart from added lines that start with `++` by position: only before the first hunk.
 * Emission is bounded: a file's added lines are flushed every `maxChars` characters.
 *
 * @example
 * ```ts
 * const p = new DiffParser((added) => scan(added));
 * for (const line of output.split('\n')) p.line(line);
 * p.end();
 * ```
 */
export class DiffParser {
  private commit: { commit: string; author: string; date: string } | undefined;
  private file: string | undefined;
  private inHeader = false;
  private newLine = 0;
  private lines: string[] = [];
  private numbers: number[] = [];
  private chars = 0;

  constructor(
    private readonly emit: (added: AddedLines) => void,
    private readonly maxChars = 8 << 20,
  ) {}

  /** Feeds one line of diff output (without its newline). */
  line(text: string): void {
    if (text.startsWith(COMMIT_MARKER)) {
      this.flush();
      const [commit = '', author = '', date = ''] = text.slice(1).split(FIELD_SEPARATOR);
      this.commit = { commit, author, date };
      this.file = undefined;
      return;
    }
    if (text.startsWith('diff --git ') || text.startsWith('diff --cc ') || text.startsWith('diff --combined ')) {
      this.flush();
      this.file = undefined;
      this.inHeader = true;
      return;
    }
    if (this.inHeader) {
      if (text.startsWith('+++ ')) {
        // Git ends a path holding a space with a tab (GNU diff's convention); a path that really
        // ends in a tab is written quoted, with `\t`.
        const raw = text.slice(4);
        const target = unquotePath(raw.endsWith('\t') ? raw.slice(0, -1) : raw);
        this.file = target === '/dev/null' ? undefined : target.replace(/^b\//, '');
      } else if (text.startsWith('@@')) {
        this.inHeader = false;
        this.hunk(text);
      }
      return;
    }
    if (text.startsWith('@@')) this.hunk(text);
    else if (text.startsWith('+')) {
      if (this.file !== undefined) {
        this.lines.push(text.slice(1));
        this.numbers.push(this.newLine);
        this.chars += text.length;
        if (this.chars > this.maxChars) this.flush();
      }
      this.newLine++;
    } else if (text.startsWith(' ')) this.newLine++;
  }

  /** Flushes the last file. */
  end(): void {
    this.flush();
  }

  private hunk(text: string): void {
    const m = /^@@+ (?:-\d+(?:,\d+)? )+\+(\d+)(?:,\d+)? @@/.exec(text);
    this.newLine = m ? Number(m[1]) : 1;
  }

  private flush(): void {
    if (this.file !== undefined && this.lines.length > 0) {
      this.emit({ file: this.file, lines: this.lines, numbers: this.numbers, ...(this.commit ?? {}) });
    }
    this.lines = [];
    this.numbers = [];
    this.chars = 0;
  }
}
