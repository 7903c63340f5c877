/**
 * Splits a decoded character stream into records without ever holding more than one record:
 * text lines for JSON-lines and access logs, or the elements of a JSON array for CloudTrail
 * `{"Records":[...]}` files and Okta exports. Records longer than the cap are reported and
 * skipped, never buffered.
 */

/**
 * How an issue that stopped its whole input begins (a corrupt or truncated `.gz`, a read error), as opposed to one
 * skipped record: a printer that caps record issues per input must still show this one.
 *
 * @example
 * ```ts
 * if (issue.reason.startsWith(INPUT_ENDED)) write(issue); // never hidden behind the cap
 * ```
 */
export const INPUT_ENDED = 'input ended with an error';

/**
 * One record cut from the input, or a problem at a location. `record` is an array element's 1-based position in its
 * array: AWS writes a CloudTrail file on one line, so the line alone does not say which record was bad.
 */
export type RawRecord =
  | { kind: 'line'; text: string; line: number }
  | { kind: 'element'; text: string; line: number; record?: number }
  | { kind: 'issue'; line: number; reason: string; record?: number };

/** Options of {@link splitRecords}. */
export interface SplitOptions {
  /** Longest record kept, in characters (default 1 MiB). Longer ones are reported and skipped. */
  maxRecordChars?: number;
}

/** Default cap on one record: real CloudTrail records stay far below; a 10 MB line is not a log record. */
export const DEFAULT_MAX_RECORD_CHARS = 1 << 20;

interface Splitter {
  push(chunk: string, out: RawRecord[]): void;
  end(out: RawRecord[]): void;
  line(): number;
}

class LineSplitter implements Splitter {
  private parts: string[] = [];
  private pendingChars = 0;
  private skipping = false;
  private lineNo = 1;
  constructor(private readonly max: number) {}

  line(): number {
    return this.lineNo;
  }

  push(chunk: string, out: RawRecord[]): void {
    let start = 0;
    for (let idx = chunk.indexOf('\n'); idx !== -1; idx = chunk.indexOf('\n', start)) {
      const piece = chunk.slice(start, idx);
      this.emit(piece, out);
      this.lineNo++;
      start = idx + 1;
    }
    if (start < chunk.length && !this.skipping) {
      const rest = start === 0 ? chunk : chunk.slice(start);
      this.parts.push(rest);
      this.pendingChars += rest.length;
      if (this.pendingChars > this.max) {
        this.skipping = true;
        this.parts = [];
        this.pendingChars = 0;
      }
    }
  }

  end(out: RawRecord[]): void {
    if (this.skipping || this.pendingChars > 0) this.emit('', out);
  }

  private emit(piece: string, out: RawRecord[]): void {
    if (this.skipping) {
      this.skipping = false;
      out.push({ kind: 'issue', line: this.lineNo, reason: `line longer than ${this.max} characters, skipped` });
      return;
    }
    let text = this.parts.length === 0 ? piece : this.parts.join('') + piece;
    this.parts = [];
    this.pendingChars = 0;
    if (text.length > this.max) {
      out.push({ kind: 'issue', line: this.lineNo, reason: `line longer than ${this.max} characters, skipped` });
      return;
    }
    if (text.endsWith('\r')) text = text.slice(0, -1);
    if (text.trim().length > 0) out.push({ kind: 'line', text, line: this.lineNo });
  }
}

const QUOTE = 34;
const BACKSLASH = 92;
const NEWLINE = 10;
const OPEN_BRACE = 123;
const OPEN_BRACKET = 91;
const CLOSE_BRACE = 125;
const CLOSE_BRACKET = 93;
const COMMA = 44;

const SPACE = 32;
const CARRIAGE_RETURN = 13;
const TAB = 9;
/** The opening of a CloudTrail log file, whitespace removed: another file's records after one ended. */
const RECORDS_OPENING = '{"Records":[';

function isSpace(c: number): boolean {
  return c === SPACE || c === NEWLINE || c === CARRIAGE_RETURN || c === TAB;
}

/**
 * Where an {@link ArraySplitter} is: in the array; after its `]`, waiting for the `}` of a `{"Records":[...]}`
 * object; after the end of the JSON (only whitespace, or another CloudTrail file's opening, may follow); reading
 * what may be another file's opening; or past text that is neither (reported once, the rest ignored).
 */
type ArrayPhase = 'array' | 'close' | 'tail' | 'next' | 'ignored';

/**
 * Cuts the elements out of a JSON array whose opening `[` has already been consumed. Text after the end of the
 * JSON is reported once with its line, not silently dropped, except another CloudTrail file's `{"Records":[`,
 * whose records are cut too: log files joined with `cat` are one input.
 */
class ArraySplitter implements Splitter {
  private depth = 0;
  private inString = false;
  private escape = false;
  private inElement = false;
  private scalar = false;
  private oversize = false;
  private parts: string[] = [];
  private chars = 0;
  private startLine = 0;
  /** The current element's position in its array (1-based; a joined file's next array starts again at 1). */
  private elementNo = 0;
  private lineNo: number;
  private phase: ArrayPhase = 'array';
  /** The non-blank characters of a possible next `{"Records":[` read so far, and the line it started on. */
  private opening = '';
  private openingLine = 0;
  constructor(
    private readonly max: number,
    firstLine: number,
    /**
     * `records`: the array is the `Records` of a CloudTrail object, so a `}` must close it; `stream`: there is no
     * array, only objects written one after another (Firehose delivering CloudWatch Logs records to S3).
     */
    private readonly container: 'array' | 'records' | 'stream',
  ) {
    this.lineNo = firstLine;
  }

  line(): number {
    return this.lineNo;
  }

  push(chunk: string, out: RawRecord[]): void {
    let at = 0;
    while (at < chunk.length && this.phase !== 'ignored') {
      at = this.phase === 'array' ? this.scanArray(chunk, at, out) : this.scanTail(chunk, at, out);
    }
  }

  /** Cuts elements from `from` on; returns where the array ended (after its `]`), or the chunk's length. */
  private scanArray(chunk: string, from: number, out: RawRecord[]): number {
    let segStart = this.inElement ? from : -1;
    for (let i = from; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (c === NEWLINE) this.lineNo++;
      if (this.inString) {
        if (this.escape) this.escape = false;
        else if (c === BACKSLASH) this.escape = true;
        else if (c === QUOTE) this.inString = false;
        continue;
      }
      if (c === QUOTE) {
        this.inString = true;
        if (this.depth === 0) this.startScalar();
        continue;
      }
      if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        if (this.depth === 0) {
          this.startElement();
          segStart = i;
        }
        this.depth++;
        continue;
      }
      if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        if (this.depth === 0) {
          if (c === CLOSE_BRACKET) {
            this.finishScalar(out);
            if (this.container === 'stream') {
              out.push({ kind: 'issue', line: this.lineNo, reason: 'unexpected "]" between JSON objects' });
              continue;
            }
            this.phase = this.container === 'records' ? 'close' : 'tail';
            return i + 1;
          }
          out.push({ kind: 'issue', line: this.lineNo, reason: 'unexpected "}" in JSON array' });
          continue;
        }
        this.depth--;
        if (this.depth === 0) {
          this.append(chunk.slice(segStart, i + 1));
          segStart = -1;
          this.finishElement(out);
        }
        continue;
      }
      if (this.depth === 0) {
        if (c === COMMA || (this.container === 'stream' && c === NEWLINE)) this.finishScalar(out);
        else if (c > 32) this.startScalar();
      }
    }
    if (this.inElement && segStart >= 0) this.append(chunk.slice(segStart));
    return chunk.length;
  }

  /** Reads what follows the array from `from` on; returns where a next CloudTrail file's array starts, or the chunk's length. */
  private scanTail(chunk: string, from: number, out: RawRecord[]): number {
    for (let i = from; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (c === NEWLINE) this.lineNo++;
      if (isSpace(c)) continue;
      if (this.phase === 'close') {
        if (c === CLOSE_BRACE) {
          this.phase = 'tail';
          continue;
        }
        this.ignoreRest(out, this.lineNo, 'unexpected text after the "Records" array of a CloudTrail file; rest of the file ignored');
        return chunk.length;
      }
      if (this.phase === 'tail') {
        this.phase = 'next';
        this.opening = '';
        this.openingLine = this.lineNo;
      }
      this.opening += chunk[i];
      if (this.opening === RECORDS_OPENING) {
        // Another CloudTrail file's records: cut them like the first file's.
        this.phase = 'array';
        this.depth = 0;
        this.scalar = false;
        this.elementNo = 0;
        return i + 1;
      }
      if (!RECORDS_OPENING.startsWith(this.opening)) {
        this.ignoreRest(out, this.openingLine, 'unexpected text after the end of the JSON; rest of the file ignored');
        return chunk.length;
      }
    }
    return chunk.length;
  }

  private ignoreRest(out: RawRecord[], line: number, reason: string): void {
    this.phase = 'ignored';
    out.push({ kind: 'issue', line, reason });
  }

  end(out: RawRecord[]): void {
    if (this.phase === 'close') out.push({ kind: 'issue', line: this.lineNo, reason: 'CloudTrail file not closed ("}") at end of input' });
    if (this.phase === 'next')
      this.ignoreRest(out, this.openingLine, 'unexpected text after the end of the JSON; rest of the file ignored');
    if (this.phase !== 'array') return;
    if (this.inElement || this.depth > 0) {
      out.push({ kind: 'issue', line: this.startLine, reason: 'JSON record truncated at end of input', record: this.elementNo });
    } else {
      this.finishScalar(out);
      // Objects written one after another have no closing bracket to miss.
      if (this.container !== 'stream') out.push({ kind: 'issue', line: this.lineNo, reason: 'JSON array not closed at end of input' });
    }
  }

  private startElement(): void {
    this.inElement = true;
    this.oversize = false;
    this.parts = [];
    this.chars = 0;
    this.startLine = this.lineNo;
    this.elementNo++;
  }

  private append(s: string): void {
    if (this.oversize) return;
    this.chars += s.length;
    if (this.chars > this.max) {
      this.oversize = true;
      this.parts = [];
      return;
    }
    this.parts.push(s);
  }

  private finishElement(out: RawRecord[]): void {
    this.inElement = false;
    if (this.oversize) {
      out.push({
        kind: 'issue',
        line: this.startLine,
        reason: `record longer than ${this.max} characters, skipped`,
        record: this.elementNo,
      });
    } else {
      out.push({ kind: 'element', text: this.parts.join(''), line: this.startLine, record: this.elementNo });
    }
    this.parts = [];
  }

  private startScalar(): void {
    if (!this.scalar) {
      this.scalar = true;
      this.startLine = this.lineNo;
      this.elementNo++;
    }
  }

  private finishScalar(out: RawRecord[]): void {
    if (!this.scalar) return;
    this.scalar = false;
    out.push({ kind: 'issue', line: this.startLine, reason: 'array element is not a JSON object', record: this.elementNo });
  }
}

// Enough of the head of a file to recognise `{"Records":[` even when pretty-printed.
const SNIFF_CHARS = 256;
const RECORDS_FILE = /^\s*\{\s*"Records"\s*:\s*\[/;
/**
 * The opening of an Amazon CloudWatch Logs subscription record (`{"messageType":"DATA_MESSAGE","owner":...`), as
 * Firehose writes them to S3: one object after another with no newline, so a file is one line as long as the file.
 */
const LOGS_SUBSCRIPTION = /^\s*\{\s*"messageType"\s*:/;

function lineCount(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i !== -1; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

/**
 * Splits a stream of decoded text into batches of records (one batch per chunk read). The container is recognised from the first
 * non-blank characters: `{"Records":[` (a CloudTrail file) and `[` (a JSON array, e.g. an Okta
 * export) are split into array elements, CloudWatch Logs subscription records (`{"messageType":`) into the
 * objects written one after another; anything else into lines. A read error ends the
 * stream with one issue at the line reached (a truncated `.gz`, say); records before it stand.
 *
 * @example
 * ```ts
 * for await (const batch of splitRecordBatches(textChunks)) for (const r of batch) console.log(r.kind, r.line);
 * ```
 */
export async function* splitRecordBatches(chunks: AsyncIterable<string>, options: SplitOptions = {}): AsyncGenerator<RawRecord[]> {
  const max = options.maxRecordChars ?? DEFAULT_MAX_RECORD_CHARS;
  let splitter: Splitter | undefined;
  let head = '';
  let out: RawRecord[] = [];
  const choose = (final: boolean): Splitter | undefined => {
    const trimmed = head.trimStart();
    if (trimmed.length === 0 && !final) return undefined;
    if (trimmed.startsWith('[')) {
      const at = head.indexOf('[');
      const s = new ArraySplitter(max, 1 + lineCount(head.slice(0, at)), 'array');
      s.push(head.slice(at + 1), out);
      return s;
    }
    if (trimmed.startsWith('{') && trimmed.length < SNIFF_CHARS && !final && !RECORDS_FILE.test(head) && !LOGS_SUBSCRIPTION.test(head))
      return undefined;
    if (LOGS_SUBSCRIPTION.test(head)) {
      const s = new ArraySplitter(max, 1, 'stream');
      s.push(head, out);
      return s;
    }
    const records = RECORDS_FILE.exec(head);
    if (records) {
      const prefix = records[0];
      const s = new ArraySplitter(max, 1 + lineCount(prefix), 'records');
      s.push(head.slice(prefix.length), out);
      return s;
    }
    const s = new LineSplitter(max);
    s.push(head, out);
    return s;
  };
  try {
    for await (const chunk of chunks) {
      if (splitter) splitter.push(chunk, out);
      else {
        head += chunk;
        splitter = choose(false);
      }
      if (out.length > 0) {
        yield out;
        out = [];
      }
    }
  } catch (e) {
    splitter ??= choose(true);
    const why = e instanceof Error ? e.message : String(e);
    out.push({ kind: 'issue', line: splitter?.line() ?? 1, reason: `${INPUT_ENDED}: ${why.slice(0, 200)}` });
    yield out;
    return;
  }
  splitter ??= choose(true);
  splitter?.end(out);
  if (out.length > 0) yield out;
}

/**
 * {@link splitRecordBatches} one record at a time (simpler to consume; the pipeline uses the
 * batches, which cost one await per chunk instead of one per record).
 *
 * @example
 * ```ts
 * for await (const r of splitRecords(textChunks)) if (r.kind !== 'issue') handle(r.text, r.line);
 * ```
 */
export async function* splitRecords(chunks: AsyncIterable<string>, options: SplitOptions = {}): AsyncGenerator<RawRecord> {
  for await (const batch of splitRecordBatches(chunks, options)) yield* batch;
}
