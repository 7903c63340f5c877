import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';

/**
 * Starts a V8 CPU profile when the command line has `--profile FILE`; the returned function stops it and
 * writes the profile there (a no-op without the flag). Lets a harness profile its measured phase alone.
 *
 * @example
 * ```ts
 * const stop = await startCpuProfile(process.argv);
 * await work();
 * await stop();
 * ```
 */
export async function startCpuProfile(argv: readonly string[]): Promise<() => Promise<void>> {
  const at = argv.indexOf('--profile');
  if (at < 0) return async () => {};
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return async () => {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(argv[at + 1] as string, JSON.stringify(profile));
    session.disconnect();
  };
}
