import type { GatewayConfig, RouteConfig } from './gateway-config.js';

/** A route rule compiled for matching. */
export interface CompiledRoute {
  readonly index: number;
  readonly config: RouteConfig;
  readonly methods: ReadonlySet<string> | undefined;
  readonly segments: readonly string[];
}

/**
 * Matches normalised paths against the configured routes, in order; the first match wins.
 * `*` matches exactly one segment and `**` any number (including none), so `/admin/**` also covers
 * `/admin` itself. A route listing `GET` also covers `HEAD`.
 *
 * @example
 * ```ts
 * const routes = new RouteMatcher(parseGatewayConfig({ routes: [{ path: '/admin/**', scopes: ['a'] }] }));
 * routes.match('GET', '/admin')?.config.scopes; // ['a']
 * routes.match('GET', '/other'); // undefined → 403
 * ```
 */
export class RouteMatcher {
  readonly routes: readonly CompiledRoute[];
  private readonly caseInsensitive: boolean;

  constructor(config: Pick<GatewayConfig, 'routes' | 'case_insensitive'>) {
    this.caseInsensitive = config.case_insensitive;
    this.routes = config.routes.map((route, index) => ({
      index,
      config: route,
      methods: route.methods ? new Set(route.methods) : undefined,
      segments: splitSegments(this.caseInsensitive ? route.path.toLowerCase() : route.path),
    }));
  }

  // Recent answers per method and path: a request for a path seen before costs one lookup. Bounded
  // (cleared when full), so a spray of distinct paths only costs the full match it would anyway.
  private readonly recent = new Map<string, Map<string, CompiledRoute | null>>();

  /** The first route covering `method` and the (already normalised) `path`, or undefined. */
  match(method: string, path: string): CompiledRoute | undefined {
    let byPath = this.recent.get(method);
    const known = byPath?.get(path);
    if (known !== undefined) return known ?? undefined;
    const route = this.matchFully(method, path);
    if (!byPath) {
      if (this.recent.size >= 64) this.recent.clear();
      byPath = new Map();
      this.recent.set(method, byPath);
    }
    if (byPath.size >= 4_096) byPath.clear();
    byPath.set(path, route ?? null);
    return route;
  }

  private matchFully(method: string, path: string): CompiledRoute | undefined {
    const segments = splitSegments(this.caseInsensitive ? path.toLowerCase() : path);
    const upper = method.toUpperCase();
    for (const route of this.routes) {
      // HEAD is GET without the body (RFC 9110 §9.3.2): servers run the GET handler for it, so a
      // rule covering GET covers HEAD too, or HEAD would reach it under a looser rule below.
      if (route.methods && !route.methods.has(upper) && !(upper === 'HEAD' && route.methods.has('GET'))) continue;
      if (matchSegments(route.segments, segments)) return route;
    }
    return undefined;
  }
}

// Non-empty segments of a path, in one pass (this runs on every request).
function splitSegments(path: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i <= path.length; i++) {
    if (i === path.length || path.charCodeAt(i) === 0x2f) {
      if (i > start) out.push(path.slice(start, i));
      start = i + 1;
    }
  }
  return out;
}

/**
 * Whether `path` fits `pattern`, where `*` is one segment and `**` any number. Greedy, keeping only the last `**` to
 * fall back to: a mismatch lets that `**` swallow one more segment and retries from just after it. Earlier `**`s
 * never need revisiting (whatever they could swallow the last one can too), so a path costs at most segments ×
 * pattern steps. Trying every split for every `**` instead took 97 s of CPU for one unauthenticated 400-segment
 * path against a pattern with seven `**`, with the event loop blocked meanwhile.
 */
function matchSegments(pattern: readonly string[], path: readonly string[]): boolean {
  let pi = 0;
  let si = 0;
  let starPi = -1;
  let starSi = 0;
  while (si < path.length) {
    const p = pattern[pi];
    if (p === '**') {
      starPi = pi++;
      starSi = si;
    } else if (p !== undefined && (p === '*' || p === path[si])) {
      pi++;
      si++;
    } else if (starPi >= 0) {
      pi = starPi + 1;
      si = ++starSi;
    } else {
      return false;
    }
  }
  while (pattern[pi] === '**') pi++;
  return pi === pattern.length;
}
