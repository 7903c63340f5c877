// In-process cost of a claim on the SQLite replay file (what `tokenwarden gateway --data` uses)
// by how many claims share one event-loop turn: 1 is a claim alone (one autocommit statement, what
// every claim cost before batching), larger sizes are what concurrent requests produce. Prints
// main-thread wall µs and CPU µs per claim, median of rounds, alternating sizes within a round.
//   node --import tsx bench/gateway/replay-micro.ts [claims per size and round] [rounds]
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteJtiReplayStore } from '../../packages/gateway/src/sqlite-jti-replay-store.js';
import { median } from './harness.js';

const perSize = Number(process.argv[2] ?? 4_000);
const rounds = Number(process.argv[3] ?? 3);
const sizes = [1, 2, 4, 8];
const store = SqliteJtiReplayStore.open(join(mkdtempSync(join(tmpdir(), 'tw-replay-micro-')), 'gateway-dpop-replay.db'));
const wall = new Map<number, number[]>(sizes.map((s) => [s, []]));
const cpu = new Map<number, number[]>(sizes.map((s) => [s, []]));
let n = 0;
try {
  for (let r = 0; r < rounds; r++) {
    for (const size of sizes) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      for (let i = 0; i < perSize / size; i++) {
        const later = Date.now() + 300_000;
        const won = await Promise.all(Array.from({ length: size }, () => store.claim(`jkt:${n++}`, later)));
        if (won.includes(false)) throw new Error('a fresh key lost its claim');
      }
      const c = process.cpuUsage(c0);
      wall.get(size)?.push(((performance.now() - t0) * 1000) / perSize);
      cpu.get(size)?.push((c.user + c.system) / perSize);
    }
  }
} finally {
  store.close();
}
for (const size of sizes) {
  process.stdout.write(
    `${String(size).padStart(2)} claims per turn: ${median(wall.get(size) ?? []).toFixed(1)} µs wall, ${median(cpu.get(size) ?? []).toFixed(1)} µs cpu per claim\n`,
  );
}
