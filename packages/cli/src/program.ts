import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { EXIT } from './exit-codes.js';

/** Registers one command (or group) on the root program. */
export type CommandModule = (program: Command) => void;

/** Where one command module lives, and the top-level command names it registers. */
interface CommandEntry {
  readonly names: readonly string[];
  readonly load: () => Promise<CommandModule>;
}

// Each feature adds its command module here; the modules stay thin: parse, call a package, print.
// They are imported on demand: `tokenwarden scan` as a pre-commit hook should not pay for loading
// the token service, the gateway and the database drivers. Root help loads them all.
const COMMANDS: readonly CommandEntry[] = [
  { names: ['demo'], load: async () => (await import('./commands/demo.js')).registerDemo },
  { names: ['incidents'], load: async () => (await import('./commands/incidents.js')).registerIncidents },
  { names: ['report'], load: async () => (await import('./commands/report.js')).registerReport },
  { names: ['detect'], load: async () => (await import('./commands/detect.js')).registerDetect },
  { names: ['scan'], load: async () => (await import('./commands/scan.js')).registerScan },
  { names: ['simulate'], load: async () => (await import('./commands/simulate.js')).simulateCommand },
  { names: ['eval'], load: async () => (await import('./commands/eval.js')).evalCommand },
  { names: ['serve'], load: async () => (await import('./commands/serve.js')).registerServe },
  { names: ['clients'], load: async () => (await import('./commands/clients.js')).registerClients },
  { names: ['users'], load: async () => (await import('./commands/users.js')).registerUsers },
  { names: ['keys', 'service-accounts'], load: async () => (await import('./commands/keys.js')).registerKeys },
  { names: ['revoke'], load: async () => (await import('./commands/revoke.js')).registerRevoke },
  { names: ['signout'], load: async () => (await import('./commands/signout.js')).registerSignout },
  { names: ['block'], load: async () => (await import('./commands/block.js')).registerBlock },
  { names: ['suspend', 'reinstate'], load: async () => (await import('./commands/suspend.js')).registerSuspend },
  { names: ['audit'], load: async () => (await import('./commands/audit.js')).registerAudit },
  { names: ['migrate'], load: async () => (await import('./commands/migrate.js')).registerMigrate },
  { names: ['gateway'], load: async () => (await import('./commands/gateway.js')).registerGateway },
  { names: ['worker'], load: async () => (await import('./commands/worker.js')).registerWorker },
];

/**
 * Loads the command modules `argv` needs: only the named command's when the first argument names
 * one, every module otherwise (root help, `help CMD`, an unknown command, which must list them all).
 *
 * @example
 * ```ts
 * const program = buildProgram(await commandModulesFor(process.argv));
 * ```
 */
export async function commandModulesFor(argv: readonly string[]): Promise<CommandModule[]> {
  const first = argv[2];
  const named = first === undefined ? undefined : COMMANDS.find((c) => c.names.includes(first));
  return Promise.all((named ? [named] : COMMANDS).map((c) => c.load()));
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/**
 * Builds the `tokenwarden` program with the given command modules registered.
 *
 * @example
 * ```ts
 * const program = buildProgram(await commandModulesFor(process.argv));
 * await program.parseAsync(process.argv);
 * ```
 */
export function buildProgram(modules: readonly CommandModule[]): Command {
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
  const program = buildProgram(await commandModulesFor(argv));
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
