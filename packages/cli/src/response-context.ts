import {
  ActionLog,
  type ActionOutcome,
  type ActOptions,
  FeedbackLog,
  IncidentManager,
  type PlannedAction,
  Responder,
  SettingsStore,
} from '@tokenwarden/response';
import { createRepositories } from '@tokenwarden/store';
import { gatewayControlFor } from './adapters/gateway-control.js';
import { tokenAdminAdapter } from './adapters/token-admin.js';
import type { CommonOptions } from './command-kit.js';
import { openTokenServiceForCommand } from './commands/serve.js';
import { EXIT } from './exit-codes.js';
import { printResult } from './output.js';

/** What a response command acts through: the incidents and the responder over the `--data` store. */
export interface ResponseContext {
  incidents: IncidentManager;
  responder: Responder;
}

/**
 * Opens the store and token service of `opts`, builds the incident manager and the responder
 * every response command shares (the one the worker's policy uses: idempotent, audited, with dry
 * run), runs `fn`, and closes everything.
 *
 * @example
 * ```ts
 * await withResponder(opts, ({ responder }) => responder.act({ kind: 'block_ip', target: '203.0.113.9', why }, ctx));
 * ```
 */
export async function withResponder<T>(opts: CommonOptions, fn: (ctx: ResponseContext) => Promise<T>): Promise<T> {
  const { service, database, close } = await openTokenServiceForCommand(opts);
  try {
    const repos = createRepositories(database);
    const tokens = tokenAdminAdapter(service.admin, repos.accessEvents);
    // A false-positive verdict is recorded in the store, where every running worker picks it up.
    const incidents = new IncidentManager(repos, tokens, new FeedbackLog(database).recorder());
    const control = await gatewayControlFor(opts, database);
    try {
      const responder = new Responder({
        tokens,
        gateway: control,
        stores: repos,
        actions: new ActionLog(database),
        settings: new SettingsStore(database, repos.audit),
      });
      return await fn({ incidents, responder });
    } finally {
      await control.close();
    }
  } finally {
    await close();
  }
}

/**
 * Takes one action by hand through the responder of `opts` (idempotent, audited, dry run when
 * `ctx.dryRun`), prints its outcome (`{action, status, detail, result}` with `--json`, as the
 * response API answers it) and returns the exit code: 2 when it failed, 0 otherwise (done,
 * already done, dry run, skipped).
 *
 * @example
 * ```ts
 * return actByHand(opts, { kind: 'block_ip', target: '203.0.113.9', why }, { actor: 'cli', reason: why, dryRun: true });
 * ```
 */
export async function actByHand(opts: CommonOptions, action: PlannedAction, ctx: ActOptions): Promise<number> {
  const outcome: ActionOutcome = await withResponder(opts, ({ responder }) => responder.act(action, ctx));
  printResult(outcome, Boolean(opts.json), () => `${outcome.status} ${outcome.action.kind} ${outcome.action.target}: ${outcome.detail}`);
  return outcome.status === 'failed' ? EXIT.ERROR : EXIT.OK;
}
