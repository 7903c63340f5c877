import type { CompiledRules } from '../engine/compile.js';
import { scanText } from '../engine/scan-text.js';
import type { RawFinding } from '../types.js';

interface NotebookCell {
  source?: unknown;
  outputs?: unknown;
}

function joinText(value: unknown): string[] {
  if (typeof value === 'string') return value.split('\n').map((l, i, all) => (i < all.length - 1 ? `${l}\n` : l));
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return [];
}

// Every text an output can carry: stream text, rich data (text/plain, JSON, HTML), tracebacks.
function outputTexts(outputs: unknown): string[][] {
  if (!Array.isArray(outputs)) return [];
  const texts: string[][] = [];
  for (const out of outputs) {
    if (out === null || typeof out !== 'object') continue;
    const o = out as Record<string, unknown>;
    if (o.text !== undefined) texts.push(joinText(o.text));
    if (Array.isArray(o.traceback)) texts.push(joinText(o.traceback));
    if (o.data !== null && typeof o.data === 'object') {
      for (const v of Object.values(o.data as Record<string, unknown>)) {
        texts.push(typeof v === 'string' || Array.isArray(v) ? joinText(v) : [JSON.stringify(v)]);
      }
    }
  }
  return texts;
}

/**
 * Scans a Jupyter notebook cell by cell (sources and outputs), so secrets split by JSON escaping
 * (a PEM key in one `source` array) are found, and maps each finding back to the line of the
 * `.ipynb` file that holds it, with the cell index. Returns `undefined` when the file is not a
 * notebook (not JSON or no `cells`), so the caller scans it as plain text.
 *
 * @example
 * ```ts
 * scanNotebook(raw, compiled, 'analysis.ipynb')?.findings;
 * ```
 */
export function scanNotebook(
  raw: string,
  compiled: CompiledRules,
  file: string,
): { findings: RawFinding[]; warnings: string[] } | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(raw);
  } catch {
    return undefined;
  }
  const cells = (doc as { cells?: unknown } | null)?.cells;
  if (!Array.isArray(cells)) return undefined;
  const findings: RawFinding[] = [];
  const warnings: string[] = [];
  // Where the current cell starts in the raw JSON (searched forward cell by cell). Within a cell
  // each text is looked for from there: nbformat writes a cell's keys sorted, so its `outputs`
  // come before its `source`, in whatever order this code reads them.
  let cellStart = 0;
  const rawLineAt = (offset: number): number => {
    let n = 1;
    for (let i = raw.indexOf('\n'); i !== -1 && i < offset; i = raw.indexOf('\n', i + 1)) n++;
    return n;
  };
  cells.forEach((cell: NotebookCell, index) => {
    let cellEnd = cellStart;
    for (const lines of [joinText(cell.source), ...outputTexts(cell.outputs)]) {
      if (lines.length === 0) continue;
      // Where each line of this text sits in the raw JSON: its JSON-encoded form, searched
      // forward from the cell's start, then from the line before it.
      let cursor = cellStart;
      const offsets = lines.map((line) => {
        const at = raw.indexOf(JSON.stringify(line).slice(1, -1), cursor);
        if (at === -1) return cursor;
        cursor = at + 1; // a repeated line (two blank ones) is the next occurrence
        return at;
      });
      cellEnd = Math.max(cellEnd, cursor);
      const result = scanText(lines.join(''), compiled, { file });
      warnings.push(...result.warnings);
      for (const f of result.findings) {
        findings.push({ ...f, line: rawLineAt(offsets[f.line - 1] ?? cursor), cell: index });
      }
    }
    cellStart = cellEnd;
  });
  return { findings, warnings };
}
