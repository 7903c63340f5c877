import { TokenWardenError } from '@tokenwarden/core/errors';

/** Writes a result to stdout: JSON when asked (or when stdout is not for humans), else text. */
export function printResult(value: unknown, json: boolean, text?: (v: unknown) => string): void {
  if (json || !text) process.stdout.write(`${JSON.stringify(value, null, json ? 2 : 0)}\n`);
  else process.stdout.write(`${text(value)}\n`);
}

/** Writes one JSON object per line to stdout (streaming results such as alerts). */
export function printJsonLine(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

/**
 * Prints an error as `error CODE: message` and `hint: ...` on stderr (or as JSON with --json),
 * never with a stack trace unless TOKENWARDEN_DEBUG is set.
 */
export function printError(e: unknown, json: boolean): void {
  const err =
    e instanceof TokenWardenError
      ? e
      : new TokenWardenError('TW_INTERNAL', e instanceof Error ? e.message : String(e), {
          hint: 'this is a bug; rerun with TOKENWARDEN_DEBUG=1 and report it',
          cause: e,
        });
  if (json) {
    process.stderr.write(`${JSON.stringify({ error: err.toJSON() })}\n`);
  } else {
    process.stderr.write(`error ${err.code}: ${err.message}\n`);
    if (err.hint) process.stderr.write(`hint: ${err.hint}\n`);
  }
  if (process.env.TOKENWARDEN_DEBUG) process.stderr.write(`${(err.cause as Error | undefined)?.stack ?? err.stack}\n`);
}
