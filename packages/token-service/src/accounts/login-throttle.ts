import { addressScope, FailureWindows, networkOf } from '@tokenwarden/core';

/** Limits of {@link LoginThrottle}; every count is of failed sign-ins within one window. */
export interface LoginThrottleOptions {
  /** Length of a counting window (ms). Default 15 minutes. */
  windowMs?: number;
  /** Failures of one login from one address before that pair must wait out the window. Default 5. */
  perLoginAndAddress?: number;
  /** Failures of one login from all addresses together (a distributed guess). Default 20. */
  perLogin?: number;
  /**
   * Failures from one address across all logins (password spraying). Default 50. Not applied to
   * loopback and private addresses: a reverse proxy in front of the service connects from one of
   * those for every user, and one attacker must not lock everyone out.
   */
  perAddress?: number;
  /** Counters kept in memory; the oldest are dropped past it. Default 100 000. */
  maxTracked?: number;
  /** The clock (epoch ms); tests drive it. */
  now?: () => number;
}

/**
 * Online password guessing defence for the sign-in form: failed sign-ins are counted per login and
 * address, per login and per address in fixed windows, and once a count reaches its limit every
 * attempt it covers is refused until the window ends, before the password is even checked (so
 * guessing costs the attacker the wait and the server no scrypt work). Logins are compared
 * case-insensitively, so case variants count as one.
 *
 * The per-login limit is higher than the per-pair one: it stops a guess spread over many addresses
 * while a user mistyping from their own address meets the pair limit first. It also lets anyone who
 * knows a login lock it out for one window; the window is short for that reason. A success clears
 * its pair's count. Counters live in the serving process.
 *
 * @example
 * ```ts
 * const throttle = new LoginThrottle();
 * const wait = throttle.retryAfterMs(login, ip);
 * if (wait > 0) return tooManyAttempts(wait);
 * if (await authenticate(login, password)) throttle.succeeded(login, ip);
 * else throttle.failed(login, ip);
 * ```
 */
export class LoginThrottle {
  private readonly limits: { pair: number; login: number; address: number };
  private readonly now: () => number;
  private readonly windows: FailureWindows;

  constructor(options: LoginThrottleOptions = {}) {
    this.limits = {
      pair: options.perLoginAndAddress ?? 5,
      login: options.perLogin ?? 20,
      address: options.perAddress ?? 50,
    };
    this.now = options.now ?? Date.now;
    this.windows = new FailureWindows(options.windowMs ?? 15 * 60_000, options.maxTracked ?? 100_000);
  }

  /** How long (ms) a sign-in as `login` from `address` must wait; 0 when it may be checked now. */
  retryAfterMs(login: string, address: string): number {
    const now = this.now();
    const keys = keysOf(login, address);
    const wait = Math.max(this.windows.waitMs(keys.pair, this.limits.pair, now), this.windows.waitMs(keys.login, this.limits.login, now));
    if (keys.address === undefined) return wait;
    return Math.max(wait, this.windows.waitMs(keys.address, this.limits.address, now));
  }

  /** Count a failed sign-in (wrong password, unknown login, or an empty field). */
  failed(login: string, address: string): void {
    const now = this.now();
    const keys = keysOf(login, address);
    this.windows.count(keys.pair, now);
    this.windows.count(keys.login, now);
    if (keys.address !== undefined) this.windows.count(keys.address, now);
  }

  /** A correct sign-in: its login and address start again from zero together. */
  succeeded(login: string, address: string): void {
    this.windows.clear(keysOf(login, address).pair);
  }
}

// The address part never holds a NUL, so the last NUL of a pair key separates it from the login.
function keysOf(login: string, address: string): { pair: string; login: string; address: string | undefined } {
  const name = login.normalize('NFKC').toLowerCase();
  const network = networkOf(address);
  return {
    pair: `p\0${name}\0${network}`,
    login: `l\0${name}`,
    address: addressScope(address)?.internal === true ? undefined : `a\0${network}`,
  };
}
