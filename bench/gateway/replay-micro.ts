// In-process cost of one DPoP replay claim: the append-only claim logs that `tokenwarden gateway
// --data` shares between processes, against the one-process in-memory store in the same run.
// Prints wall and CPU µs per claim, median of rounds (the two stores alternate within a round).
//   node --import tsx bench/gateway/replay-micro.ts [claims per store and round] [rounds]
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppendLogJtiReplayStore } from '../../packages/gateway/src/append-log-jti-replay-store.js';
import { type JtiReplayStore, MemoryJtiReplayStore } from '../../packages/gateway/src/jti-replay-store.js';
import { median } from './harness.js';

const perStore = Number(process.argv[2] ?? 20_000);
const rounds = Number(process.argv[3] ?? 5);
const logs = AppendLogJtiReplayStore.open(join(mkdtempSync(join(tmpdir(), 'tw-replay-micro-')), 'gateway-dpop-replay'));
const stores: [string, JtiReplayStore][] = [
  ['in-memory (one process)', new MemoryJtiReplayStore()],
  ['append-only claim logs (shared)', logs],
];
const wall = new Map<string, number[]>(stores.map(([name]) => [name, []]));
const cpu = new Map<string, number[]>(stores.map(([name]) => [name, []]));
let n = 0;
try {
  for (let r = 0; r < rounds; r++) {
    for (const [name, store] of stores) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      const later = Date.now() + 300_000;
      for (let i = 0; i < perStore; i++) {
        if (store.claim(`jkt:${n++}`, later) !== true) throw new Error('a fresh key lost its claim');
      }
      const c = process.cpuUsage(c0);
      wall.get(name)?.push(((performance.now() - t0) * 1000) / perStore);
      cpu.get(name)?.push((c.user + c.system) / perStore);
    }
  }
} finally {
  logs.close();
}
for (const [name] of stores) {
  process.stdout.write(
    `${name.padEnd(34)} ${median(wall.get(name) ?? []).toFixed(2)} µs wall, ${median(cpu.get(name) ?? []).toFixed(2)} µs cpu per claim\n`,
  );
}
