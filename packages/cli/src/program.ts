import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { registerAudit } from './commands/audit.js';
import { registerClients } from './commands/clients.js';
import { registerDemo } from './commands/demo.js';
import { registerDetect } from './commands/detect.js';
import { evalCommand } from './commands/eval.js';
import { registerGateway } from './commands/gateway.js';
import { registerIncidents } from './commands/incidents.js';
import { registerKeys } from './commands/keys.js';
import { registerMigrate } from './commands/migrate.js';
import { registerReport } from './commands/report.js';
import { registerRevoke } from './commands/revoke.js';
import { registerScan } from './commands/scan.js';
import { registerServe } from './commands/serve.js';
import { registerSignout } from './commands/signout.js';
import { simulateCommand } from './commands/simulate.js';
import { registerUsers } from './commands/users.js';
import { registerWorker } from './commands/worker.js';
import { EXIT } from './exit-codes.js';

/** Registers one command (or group) on the root program. */
export type CommandModule = (program: Command) => void;

// Each feature adds its command module here; the modules stay thin: parse, call a package, print.
const modules: CommandModule[] = [
  registerDemo,
  registerIncidents,
  registerReport,
  registerDetect,
  registerScan,
  simulateCommand,
  evalCommand,
  registerServe,
  registerClients,
  registerUsers,
  registerKeys,
  registerRevoke,
  registerSignout,
  registerAudit,
  registerMigrate,
  registerGateway,
  registerWorker,
];

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/**
 * Builds the `tokenwarden` program with every command registered.
 *
 * @example
 * ```ts
 * await buildProgram().parseAsync(process.argv);
 * ```
 */
export function buildProgram(): Command {
  const program = new Command('tokenwarden')
    .description('TokenWarden: stop API token hijacking. Protect, detect, respond, find leaks.')
    .version(version(), '-V, --version')
    .exitOverride();
  program.configureOutput({
    writeErr: (s) => process.stderr.write(s),
    // Usage errors follow the same shape as every other error: code, one line, hint.
    outputError: (s, write) =>
      write(
        `error TW_USAGE: ${s.replace(/^error: /, '').trim()}\nhint: run \`tokenwarden --help\` (or \`tokenwarden <command> --help\`)\n`,
      ),
  });
  for (const register of modules) register(program);
  // Subcommands inherit the output settings only when they are created after them, so apply again.
  for (const cmd of program.commands) applyOutput(cmd, program);
  return program;
}

function applyOutput(cmd: Command, root: Command): void {
  cmd.copyInheritedSettings(root);
  for (const sub of cmd.commands) applyOutput(sub, root);
}

/** Runs the CLI with `argv`; resolves to the exit code. Usage errors exit 2. */
export async function runCli(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return EXIT.OK;
      if (e.code === 'commander.help') return argv.includes('help') ? EXIT.OK : EXIT.ERROR;
      return EXIT.ERROR;
    }
    throw e;
  }
  return typeof process.exitCode === 'number' ? process.exitCode : EXIT.OK;
}
