import { INPUT_ENDED } from '@tokenwarden/detection';

/** One skipped record, as the detection pipeline reports it. */
export interface SkippedRecord {
  source: string;
  line: number;
  /** Position in the line's JSON array (a CloudTrail file is one line), when the record came from one. */
  record?: number | undefined;
  reason: string;
}

/**
 * Prints skipped records to stderr as `FILE:LINE: reason` (`FILE:LINE: record N: reason` for the Nth element of a
 * JSON array, as in a CloudTrail file written on one line), at most `perInput` of them per input:
 * a file in the wrong format (or read with the wrong `--input-format`) would otherwise print one
 * line per record, millions for a large log, and bury everything else. The rest are counted, and
 * {@link IssuePrinter.finish} says how many of each input were not shown and the first one's line.
 * The run's totals still count every skipped record.
 *
 * @example
 * ```ts
 * const issues = new IssuePrinter(100, (s) => process.stderr.write(s));
 * issues.print({ source: 'a.json', line: 3, reason: 'not valid JSON' });
 * issues.finish();
 * ```
 */
export class IssuePrinter {
  private readonly shown = new Map<string, number>();
  private readonly hidden = new Map<string, { count: number; firstLine: number }>();

  /** `perInput` 0 prints every one. */
  constructor(
    private readonly perInput: number,
    private readonly write: (text: string) => void,
  ) {}

  print(issue: SkippedRecord): void {
    const shown = this.shown.get(issue.source) ?? 0;
    // What stopped the input (a corrupt .gz: its garbage was a hundred "not valid JSON" first) is always shown.
    const endedInput = issue.reason.startsWith(INPUT_ENDED);
    if (this.perInput === 0 || shown < this.perInput || endedInput) {
      this.shown.set(issue.source, shown + 1);
      const at = issue.record === undefined ? '' : ` record ${issue.record}:`;
      this.write(`${issue.source}:${issue.line}:${at} ${issue.reason}\n`);
      return;
    }
    const h = this.hidden.get(issue.source);
    if (h === undefined) this.hidden.set(issue.source, { count: 1, firstLine: issue.line });
    else h.count++;
  }

  /** One line per input whose skipped records were not all shown. */
  finish(): void {
    for (const [source, h] of this.hidden) {
      this.write(`${source}: ${h.count} more skipped record(s) not shown, from line ${h.firstLine} (--max-issues 0 shows them all)\n`);
    }
  }
}
