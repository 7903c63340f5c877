import { printError } from './output.js';
import { runCli } from './program.js';

runCli(process.argv).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    printError(e, process.argv.includes('--json'));
    process.exitCode = 2;
  },
);
