// Worker-thread entry: scans files sent by the pool with the built-in and custom rules.
import { parentPort, workerData } from 'node:worker_threads';
import { parseCustomRules } from './custom-rules.js';
import { compileRules } from './engine/compile.js';
import type { Prefilter } from './engine/prefilter.js';
import { BUILTIN_RULES } from './rules/index.js';
import { scanFileBatch } from './sources/scan-batch.js';
import type { ContentResult } from './sources/scan-content.js';
import type { FileScanLimits, FileTask } from './sources/scan-file.js';

interface WorkerInit {
  customRules: unknown;
  limits: FileScanLimits;
  ruleTimeBudgetMs: number;
  /** The parent's prefilter for the same rules, when it sent one. */
  prefilter?: Prefilter;
}

const init = workerData as WorkerInit;
const compiled = compileRules([...BUILTIN_RULES, ...parseCustomRules(init.customRules)], init.ruleTimeBudgetMs, init.prefilter);

parentPort?.on('message', async (msg: { id: number; tasks: FileTask[] }) => {
  let results: ContentResult[];
  try {
    results = await scanFileBatch(msg.tasks, compiled, init.limits);
  } catch (e) {
    results = msg.tasks.map((task) => ({
      findings: [],
      skipped: [{ file: task.display, reason: `scan failed: ${(e as Error).message}` }],
      warnings: [],
    }));
  }
  parentPort?.postMessage({ id: msg.id, results });
});
