import { TokenWardenError } from '@tokenwarden/core';
import { gunzipSync, gzipSync } from 'fflate';
import type { DetectionConfig } from './config.js';
import { loadOrgMemories, saveOrgMemories } from './detectors/org-memory.js';
import { ORG_MEMORIES } from './detectors/registry.js';
import { PRINCIPAL_BYTES, PROFILE_BYTES } from './profile/layout.js';
import { type CommonnessIndex, OrgStats } from './profile/org-stats.js';
import { Profile } from './profile/profile.js';

/**
 * Snapshot format version; bump on any layout change (restore refuses other versions with a message that the
 * baselines will be relearned). Version 5: principals shared with their only credential, principal profiles
 * of `PRINCIPAL_BYTES` (the learned part of each view, which comes first), distinct-count sketches only on
 * credentials, top-k counts of 16 bits. Version 7: the returning-place count of each credential. Version 8: the
 * unbaselined chain's first change. A version 8 header may carry the detectors' `memories` (an optional field, so
 * snapshots with and without it read both ways). Version 9: a session's returns between lines in one town. Version
 * 10: the newest version of a session's browser.
 */
export const SNAPSHOT_VERSION = 10;
const MAGIC = 0x54574445; // "TWDE"
const NONE = 0xffffffff;
const PRINCIPAL_REGISTERS = 128;

/** Everything the engine persists. */
export interface SnapshotState {
  creds: Map<string, Profile>;
  principals: Map<string, Profile>;
  /** Principal name -> key of the credential whose profile also holds the principal's baseline. */
  shared: Array<[principal: string, credential: string]>;
  org: OrgStats;
  counters: { events: number; alerts: number; now: number; evictions: number };
}

interface Header {
  counters: SnapshotState['counters'];
  totalPrincipals: number;
  names: Array<[number, string]>;
  /** The detectors' long-lived memories of the organisation (`ORG_MEMORIES`), by name. */
  memories?: Record<string, unknown>;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

class Writer {
  readonly bytes: Uint8Array;
  private readonly view: DataView;
  at = 0;
  constructor(size: number) {
    this.bytes = new Uint8Array(size);
    this.view = new DataView(this.bytes.buffer);
  }
  u32(v: number): void {
    this.view.setUint32(this.at, v, true);
    this.at += 4;
  }
  raw(b: Uint8Array): void {
    this.bytes.set(b, this.at);
    this.at += b.length;
  }
}

class Reader {
  private readonly view: DataView;
  at = 0;
  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  u32(): number {
    if (this.at + 4 > this.bytes.length) throw truncated();
    const v = this.view.getUint32(this.at, true);
    this.at += 4;
    return v;
  }
  raw(n: number): Uint8Array {
    if (this.at + n > this.bytes.length) throw truncated();
    const b = this.bytes.subarray(this.at, this.at + n);
    this.at += n;
    return b;
  }
}

function truncated(): TokenWardenError {
  return new TokenWardenError('TW_DETECT_SNAPSHOT_INVALID', 'detection snapshot is truncated', {
    hint: 'the snapshot was cut short; take a new one or start with empty baselines',
  });
}

function indexes(org: OrgStats): CommonnessIndex[] {
  return [org.asns, org.countries, org.clients];
}

/**
 * Serialise engine state: a small JSON header (counters, display names), then raw profile buffers and org
 * sketches, gzip-compressed (level 1: snapshots are taken often and most bytes are zeros).
 *
 * @example
 * ```ts
 * const bytes = encodeSnapshot(state);
 * ```
 */
export function encodeSnapshot(state: SnapshotState): Uint8Array {
  const header: Header = {
    counters: state.counters,
    totalPrincipals: state.org.totalPrincipals,
    names: [...state.org.names],
    memories: saveOrgMemories(ORG_MEMORIES, state.org),
  };
  const headerBytes = encoder.encode(JSON.stringify(header));
  const encodedKeys: Array<[Uint8Array, Uint8Array | undefined, Profile]> = [];
  let size = 16 + headerBytes.length + state.org.principalRegs.length + state.org.hours.length + 8;
  for (const idx of indexes(state.org)) size += 4 + idx.size * (8 + PRINCIPAL_REGISTERS);
  for (const map of [state.creds, state.principals]) {
    for (const p of map.values()) {
      const k = encoder.encode(p.key);
      const pr = p.principal === undefined ? undefined : encoder.encode(p.principal);
      encodedKeys.push([k, pr, p]);
      size += 8 + k.length + (pr?.length ?? 0) + p.byteLength;
    }
  }
  const shared = state.shared.map(([pr, k]) => [encoder.encode(pr), encoder.encode(k)] as const);
  size += 4;
  for (const [pr, k] of shared) size += 8 + pr.length + k.length;
  const w = new Writer(size);
  w.u32(MAGIC);
  w.u32(SNAPSHOT_VERSION);
  w.u32(PROFILE_BYTES);
  w.u32(headerBytes.length);
  w.raw(headerBytes);
  w.raw(state.org.principalRegs);
  w.raw(state.org.hours);
  for (const idx of indexes(state.org)) {
    w.u32(idx.size);
    for (const [key, estimate, regs] of idx.entries()) {
      w.u32(key);
      w.u32(estimate);
      w.raw(regs);
    }
  }
  w.u32(state.creds.size);
  w.u32(state.principals.size);
  for (const [k, pr, p] of encodedKeys) {
    w.u32(k.length);
    w.raw(k);
    w.u32(pr === undefined ? NONE : pr.length);
    if (pr !== undefined) w.raw(pr);
    w.raw(p.bytes());
  }
  w.u32(shared.length);
  for (const [pr, k] of shared) {
    w.u32(pr.length);
    w.raw(pr);
    w.u32(k.length);
    w.raw(k);
  }
  return gzipSync(w.bytes, { level: 1 });
}

/**
 * Parse a snapshot made by {@link encodeSnapshot}. Throws `TW_DETECT_SNAPSHOT_INVALID` for anything else:
 * not gzip, wrong magic, another version or profile layout, truncation, bad UTF-8.
 *
 * @example
 * ```ts
 * const state = decodeSnapshot(bytes, DEFAULT_DETECTION_CONFIG.org);
 * ```
 */
export function decodeSnapshot(bytes: Uint8Array, orgCfg: DetectionConfig['org']): SnapshotState {
  let raw: Uint8Array;
  try {
    raw = gunzipSync(bytes);
  } catch (cause) {
    throw new TokenWardenError('TW_DETECT_SNAPSHOT_INVALID', 'detection snapshot is not gzip data', {
      hint: 'pass bytes produced by engine.snapshot()',
      cause,
    });
  }
  try {
    const r = new Reader(raw);
    if (r.u32() !== MAGIC)
      throw new TokenWardenError('TW_DETECT_SNAPSHOT_INVALID', 'not a TokenWarden detection snapshot', { hint: 'wrong magic bytes' });
    const version = r.u32();
    const layout = r.u32();
    if (version !== SNAPSHOT_VERSION || layout !== PROFILE_BYTES) {
      throw new TokenWardenError('TW_DETECT_SNAPSHOT_INVALID', `detection snapshot version ${version}/${layout} is not supported`, {
        hint: `this build reads version ${SNAPSHOT_VERSION}/${PROFILE_BYTES}; baselines will be relearned from the stream`,
      });
    }
    const header = JSON.parse(decoder.decode(r.raw(r.u32()))) as Header;
    const org = new OrgStats(orgCfg);
    org.principalRegs.set(r.raw(org.principalRegs.length));
    org.hours.set(r.raw(org.hours.length));
    org.recount();
    for (const [k, v] of header.names) org.names.set(k, v);
    loadOrgMemories(ORG_MEMORIES, org, header.memories);
    for (const idx of indexes(org)) {
      const n = r.u32();
      for (let i = 0; i < n; i++) {
        const key = r.u32();
        r.u32(); // the stored estimate: recomputed from the registers
        idx.restoreEntry(key, new Uint8Array(r.raw(PRINCIPAL_REGISTERS)));
      }
    }
    const credCount = r.u32();
    const principalCount = r.u32();
    const creds = new Map<string, Profile>();
    const principals = new Map<string, Profile>();
    for (let i = 0; i < credCount + principalCount; i++) {
      const key = decoder.decode(r.raw(r.u32()));
      const prLen = r.u32();
      const principal = prLen === NONE ? undefined : decoder.decode(r.raw(prLen));
      const credential = i < credCount;
      const p = credential
        ? new Profile(key, principal, r.raw(PROFILE_BYTES))
        : new Profile(key, principal, r.raw(PRINCIPAL_BYTES), 'principal');
      (credential ? creds : principals).set(key, p);
    }
    const shared: SnapshotState['shared'] = [];
    const sharedCount = r.u32();
    for (let i = 0; i < sharedCount; i++) shared.push([decoder.decode(r.raw(r.u32())), decoder.decode(r.raw(r.u32()))]);
    return { creds, principals, shared, org, counters: header.counters };
  } catch (e) {
    if (e instanceof TokenWardenError) throw e;
    throw new TokenWardenError('TW_DETECT_SNAPSHOT_INVALID', 'detection snapshot is corrupt', { hint: 'take a new snapshot', cause: e });
  }
}
