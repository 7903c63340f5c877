import { TokenWardenError } from '@tokenwarden/core';

/** HTTP status of each error code the response API returns. */
const STATUS: Record<string, number> = {
  TW_USAGE: 400,
  TW_INPUT_MALFORMED: 400,
  TW_UNAUTHORIZED: 401,
  TW_FORBIDDEN: 403,
  TW_NOT_FOUND: 404,
  TW_CONFLICT: 409,
  TW_UNAVAILABLE: 503,
};

/**
 * A bad request field: 400 with the field's name in the body.
 *
 * @example
 * ```ts
 * throw new ApiFieldError('dry_run', 'a boolean');
 * ```
 */
export class ApiFieldError extends TokenWardenError {
  constructor(
    readonly field: string,
    expected: string,
    got?: unknown,
  ) {
    super(
      'TW_INPUT_MALFORMED',
      `invalid ${field}${got === undefined ? '' : ` ${JSON.stringify(got)?.slice(0, 80)}`}: expected ${expected}`,
      {
        hint: `fix "${field}" in the request`,
        data: { field },
      },
    );
  }
}

/**
 * The JSON error body and status for any thrown value; unexpected errors become a bare 500
 * (their message could hold internals, so it is not sent).
 *
 * @example
 * ```ts
 * errorResponse(new ApiFieldError('limit', 'a whole number')).status; // 400
 * ```
 */
export function errorResponse(e: unknown): {
  status: number;
  body: { error: { code: string; message: string; field?: string; hint?: string } };
} {
  if (e instanceof TokenWardenError) {
    const field = typeof e.data.field === 'string' ? e.data.field : undefined;
    return {
      status: STATUS[e.code] ?? 500,
      body: { error: { code: e.code, message: e.message, ...(field ? { field } : {}), ...(e.hint ? { hint: e.hint } : {}) } },
    };
  }
  const fastify = e as { statusCode?: number; code?: string; message?: string };
  if (typeof fastify.statusCode === 'number' && fastify.statusCode >= 400 && fastify.statusCode < 500) {
    // Fastify's own refusals: unparsable JSON, wrong content type, body too large.
    return {
      status: fastify.statusCode,
      body: { error: { code: 'TW_INPUT_MALFORMED', message: fastify.message ?? 'bad request', field: 'body' } },
    };
  }
  return { status: 500, body: { error: { code: 'TW_INTERNAL', message: 'internal error' } } };
}
