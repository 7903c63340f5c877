import type { EnrichedEvent } from '../enriched-event.js';

/** Distinct source addresses remembered per window, for the evidence (and the "more than one machine" test). */
const MAX_WAVE_SOURCES = 1024;
/** Weight of the latest window in the learned usual count (about the last 20 windows). */
const BASELINE_ALPHA = 0.05;

/** The organisation's current window of never-seen credentials refused on their first call. */
export interface RefusalWave {
  /** Window start (ms). */
  start: number;
  /** Never-seen credentials refused in this window, from every source. */
  count: number;
  /** Distinct source addresses among them (counted up to 1,024). */
  sources: number;
  /** Usual count per window before this one, learned from the stream (0 until a window has ended). */
  usual: number;
  /** Windows ended so far: the baseline's age. */
  windowsSeen: number;
  /** When the stream began (ms): no wave is judged during the learning period. */
  streamStart: number;
  /** Set once the wave has been reported, so a window is reported once. */
  reported: boolean;
}

/** A stream with nothing counted yet. */
function emptyWave(): RefusalWave {
  return { start: Number.NEGATIVE_INFINITY, count: 0, sources: 0, usual: 0, windowsSeen: 0, streamStart: Number.NaN, reported: false };
}

/**
 * Never-seen credentials refused on their first call, counted over the whole organisation in fixed windows, with a
 * learned usual count per window. Internet noise (scanners sending `Bearer undefined`, a stale key or two) sets the
 * usual count; a key list tried from many addresses at once (Tor exits, a proxy pool, each address trying a few
 * keys so no one address stands out) is a wave far above it. Windows that were reported do not teach the usual
 * count, so a long spray cannot become normal.
 *
 * @example
 * ```ts
 * const waves = new RefusalWaves();
 * const wave = waves.observe(ev, firstCallRefused, now, 600_000); // the current window, when this event counts
 * ```
 */
export class RefusalWaves {
  private readonly wave: RefusalWave = emptyWave();
  private readonly addresses = new Set<string>();

  /** Counts an event; returns the current window when it is a never-seen credential refused on its first call. */
  observe(ev: EnrichedEvent, firstCallRefused: boolean, now: number, windowMs: number): RefusalWave | undefined {
    const w = this.wave;
    if (Number.isNaN(w.streamStart)) w.streamStart = now;
    if (!firstCallRefused) return undefined;
    if (now - w.start > windowMs) {
      if (w.count > 0 && !w.reported) {
        w.usual = w.windowsSeen === 0 ? w.count : w.usual + BASELINE_ALPHA * (w.count - w.usual);
        w.windowsSeen++;
      }
      w.start = now;
      w.count = 0;
      w.sources = 0;
      w.reported = false;
      this.addresses.clear();
    }
    w.count++;
    const ip = ev.source_ip;
    if (ip !== undefined && ip.length > 0 && this.addresses.size < MAX_WAVE_SOURCES && !this.addresses.has(ip)) {
      this.addresses.add(ip);
      w.sources = this.addresses.size;
    }
    return w;
  }

  /** Forgets everything (a snapshot restore). */
  clear(): void {
    Object.assign(this.wave, emptyWave());
    this.addresses.clear();
  }
}
