// Runs a batch of `scan` invocations in ONE process, with only the scan command module loaded
// (not the whole CLI with every package), so the CLI behaviour tests stay fast. Input: a JSON
// array of argv arrays in argv[2]; output: a JSON array of {code, stdout, stderr}. One test
// still goes through the real `tokenwarden` entry point.
import { writeFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { registerScan } from '../../../cli/src/commands/scan.js';

// A step is an argv array, or {write, content}: a file to (re)write between two scans.
type Step = string[] | { write: string; content: string };
const batches = JSON.parse(process.argv[2] ?? '[]') as Step[];
const results: { code: number; stdout: string; stderr: string }[] = [];
const realOut = process.stdout.write.bind(process.stdout);
const realErr = process.stderr.write.bind(process.stderr);

for (const args of batches) {
  if (!Array.isArray(args)) {
    writeFileSync(args.write, args.content);
    continue;
  }
  let stdout = '';
  let stderr = '';
  process.stdout.write = ((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  }) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  }) as typeof process.stderr.write;
  process.exitCode = undefined;
  const program = new Command('tokenwarden').exitOverride();
  program.configureOutput({ writeErr: (s) => process.stderr.write(s), writeOut: (s) => process.stdout.write(s) });
  registerScan(program);
  try {
    await program.parseAsync(['node', 'tokenwarden', ...args]);
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e;
    process.exitCode = 2;
  }
  process.stdout.write = realOut;
  process.stderr.write = realErr;
  results.push({ code: typeof process.exitCode === 'number' ? process.exitCode : 0, stdout, stderr });
}
process.exitCode = 0;
realOut(JSON.stringify(results));
