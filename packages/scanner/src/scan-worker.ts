// Worker-thread entry: scans files sent by the pool with the built-in and custom rules.
import { parentPort, workerData } from 'node:worker_threads';
import { parseCustomRules } from './custom-rules.js';
import { compileRules } from './engine/compile.js';
import { BUILTIN_RULES } from './rules/index.js';
import { type FileScanLimits, type FileTask, scanFile } from './sources/scan-file.js';

interface WorkerInit {
  customRules: unknown;
  limits: FileScanLimits;
  ruleTimeBudgetMs: number;
}

const init = workerData as WorkerInit;
const compiled = compileRules([...BUILTIN_RULES, ...parseCustomRules(init.customRules)], init.ruleTimeBudgetMs);

parentPort?.on('message', (msg: { id: number; task: FileTask }) => {
  scanFile(msg.task, compiled, init.limits).then(
    (result) => parentPort?.postMessage({ id: msg.id, result }),
    (e: unknown) =>
      parentPort?.postMessage({
        id: msg.id,
        result: { findings: [], skipped: [{ file: msg.task.display, reason: `scan failed: ${(e as Error).message}` }], warnings: [] },
      }),
  );
});
