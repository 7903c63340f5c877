import assert from 'node:assert/strict';
import type { Alert } from '@tokenwarden/core';
import { createDetectionEngine } from '../../src/engine/index.js';
import { createEnricher } from '../../src/enrich/enricher.js';
import { createIpIntel } from '../../src/enrich/ip-intel.js';
import { runDetectionPipeline } from '../../src/pipeline/detection-pipeline.js';

/**
 * Every alert of `tokenwarden detect` on one log file, with the default engine and the shipped IP databases (real
 * places for real addresses); any skipped record fails the test, since these logs are written as the products write them.
 */
export async function alertsOfFile(file: string): Promise<Alert[]> {
  const alerts: Alert[] = [];
  await runDetectionPipeline([file], {
    engine: createDetectionEngine(),
    enrich: createEnricher({ ipIntel: createIpIntel() }),
    onAlert: (a) => {
      alerts.push(a);
    },
    onIssue: (i) => assert.fail(`${i.source}:${i.line}: ${i.reason}`),
    onUnreadable: (p) => assert.fail(`unreadable ${p}`),
  });
  return alerts;
}
