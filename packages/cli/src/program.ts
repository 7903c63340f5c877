import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { registerAudit } from './commands/audit.js';
import { registerClients } from './commands/clients.js';
import { registerDetect } from './commands/detect.js';
import { evalCommand } from './commands/eval.js';
import { registerGateway } from './commands/gateway.js';
import { registerKeys } from './commands/keys.js';
import { registerMigrate } from './commands/migrate.js';
import { registerDemo } from './commands/demo.js';
import { registerReport } from './commands/report.js';
import { registerRevoke } from './commands/revoke.js';
import { registerScan } from './commands/scan.js';
import { registerServe } from './commands/serve.js';
import { registerSignout } from './commands/signout.js';
import { simulateCommand } from './commands/simulate.js';
import { registerUsers } from './commands/users.js';
import { EXIT } from './exit-codes.js';

/** Registers one command (or group) on the root program. */
export type CommandModule = (program: Command) => void;

// Each feature adds its command module here; the modules stay thin: parse, call a package, print.
const modules: CommandModule[] = [
  registerDemo,
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
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  program.configureOutput({ writeErr: (s) => process.stderr.write(s) });
  for (const register of modules) register(program);
  return program;
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
