// The automaton's byte loop as a tiny WebAssembly function, assembled here from its opcodes (no
// toolchain, no binary file): no bounds or type checks per byte, and four lanes of the text run
// side by side so the CPU overlaps their chains of dependent loads.
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
  /**
   * Runs {@link LANES} lanes of `count` bytes each, lane `j` from `base + j * lane`, from the root
   * state; lane `j` writes (address, state) pairs from `out + j * stride`, its end at word `j`.
   */
  scan: (base: number, lane: number, count: number, out: number, stride: number) => void;
  memory: Uint8Array;
  words: Int32Array;
  /** Address of a slice's first byte; the `warmup` bytes before it hold the bytes before the slice. */
  text: number;
  /** Bytes a lane runs before its first offset: the longest keyword, less one. */
  warmup: number;
  out: number;
  /** Bytes of output area per lane: room for one pair per byte it runs. */
  stride: number;
  /** Bytes scanned per call. */
  slice: number;
  /** A reported state shifted right by this is the automaton's (pre-multiplied) state. */
  stateShift: number;
  /**
   * Writes the address of every 16-byte block from `from` (up to `to`) whose bytes are all base64
   * characters from `out`, returns the end; null where WebAssembly SIMD is missing.
   */
  base64Blocks: ((from: number, to: number, out: number) => number) | null;
}

/**
 * Lanes run side by side: the automaton's next state depends on the state before it, so one lane
 * waits on a chain of loads per byte, while four independent chains overlap in the CPU (~2.5x the
 * bytes per second of one lane here).
 */
export const LANES = 4;

const CLS = 16;
// Base64 character tables by low and high nibble (one bit per high-nibble group).
const B64_LO = 288;
const B64_HI = 304;
const NEXT = 1024;
// A multiple of 16: the base64 blocks of every slice sit at multiples of 16 of the whole text, so a
// run of 40 (31 would do) cut by a slice boundary still holds a whole block on one side.
const SLICE = 1 << 20;
const PAGE = 65536;
// Past this warm-up a lane would spend more time warming up than scanning: use JavaScript.
const MAX_WARMUP = 4096;

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
const I32 = 0x7f;
const V128 = 0x7b;

// A module importing env.mem (one page at least) and exporting one function `name`.
function oneFunctionModule(
  name: string,
  params: number,
  result: boolean,
  locals: [count: number, type: number],
  code: number[],
): Uint8Array {
  const func = [1, locals[0], locals[1], ...code];
  const text = (t: string) => [t.length, ...Buffer.from(t)];
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0],
    ...section(1, [1, 0x60, params, ...new Array(params).fill(I32), ...(result ? [1, I32] : [0])]),
    ...section(2, [1, ...text('env'), ...text('mem'), 2, 0, 1]),
    ...section(3, [1, 0]),
    ...section(7, [1, ...text(name), 0, 0]),
    ...section(10, [1, ...uleb(func.length), ...func]),
  ]);
}

// Compiles once; null where this host cannot (no WebAssembly, or no SIMD): JavaScript runs instead.
function compiledOnce(bytes: () => Uint8Array): () => WebAssembly.Module | null {
  let mod: WebAssembly.Module | null | undefined;
  return () => {
    if (mod === undefined) {
      try {
        mod = new WebAssembly.Module(bytes());
      } catch {
        mod = null;
      }
    }
    return mod;
  };
}

// (func (param $base $lane $count $out $stride i32) (local p l1..l3 end s0..s3 o0..o3 v i32)
//   lane j reads p + l_j (l_j = j * lane), writes from o_j = out + j * stride; then until p = end
//   (base + count), for each lane j: v = next[s_j + cls[mem[p + l_j]]]; if v < 0 { store
//   (p + l_j, ~v) at o_j; o_j += 8; v = ~v }; s_j = v. Then p++. Finally word j = o_j.
// `scaled`: the class table holds classes times 4 and states are byte offsets into `next`, which
// saves a shift per byte and lane (when 4 * classes fits a byte); else both are entry indexes.
function moduleBytes(scaled: boolean): Uint8Array {
  const [BASE, LANE, COUNT, OUT, STRIDE] = [0, 1, 2, 3, 4];
  const P = 5;
  const L = (j: number) => 5 + j; // j >= 1
  const END = 5 + LANES;
  const S = (j: number) => 6 + LANES + j;
  const O = (j: number) => 6 + 2 * LANES + j;
  const V = 6 + 3 * LANES;
  const get = (i: number) => [0x20, i];
  const set = (i: number) => [0x21, i];
  const i32 = (n: number) => [0x41, ...(n === -1 ? [0x7f] : uleb(n))];
  const add = 0x6a;
  const at = (j: number) => (j === 0 ? get(P) : [...get(P), ...get(L(j)), add]);
  const prologue: number[] = [...get(BASE), ...set(P), ...get(BASE), ...get(COUNT), add, ...set(END)];
  for (let j = 1; j < LANES; j++) prologue.push(...(j === 1 ? get(LANE) : [...get(L(j - 1)), ...get(LANE), add]), ...set(L(j)));
  for (let j = 0; j < LANES; j++) prologue.push(...(j === 0 ? get(OUT) : [...get(O(j - 1)), ...get(STRIDE), add]), ...set(O(j)));
  const lane = (j: number) => [
    ...get(S(j)),
    ...at(j),
    ...[0x2d, 0, 0], // i32.load8_u: the byte
    ...[0x2d, 0, ...uleb(CLS)], // i32.load8_u offset=CLS: its class
    add,
    ...(scaled ? [] : [...i32(2), 0x74]), // i32.shl
    ...[0x28, 2, ...uleb(NEXT)], // i32.load offset=NEXT
    ...[0x22, V], // local.tee v
    ...i32(0),
    0x48, // i32.lt_s
    ...[0x04, 0x40], // if
    ...get(O(j)),
    ...at(j),
    ...[0x36, 2, 0], // i32.store (address)
    ...get(V),
    ...i32(-1),
    0x73, // i32.xor
    ...set(V),
    ...get(O(j)),
    ...get(V),
    ...[0x36, 2, 4], // i32.store offset=4 (state)
    ...get(O(j)),
    ...i32(8),
    add,
    ...set(O(j)),
    0x0b, // end if
    ...get(V),
    ...set(S(j)),
  ];
  const body: number[] = [];
  for (let j = 0; j < LANES; j++) body.push(...lane(j));
  const epilogue: number[] = [];
  for (let j = 0; j < LANES; j++) epilogue.push(...i32(4 * j), ...get(O(j)), ...[0x36, 2, 0]);
  const code = [
    ...prologue,
    ...[0x02, 0x40, 0x03, 0x40], // block, loop
    ...get(P),
    ...get(END),
    0x4f, // i32.ge_u
    ...[0x0d, 1], // br_if 1 (out of the block)
    ...body,
    ...get(P),
    ...i32(1),
    add,
    ...set(P),
    ...[0x0c, 0], // br 0 (loop)
    ...[0x0b, 0x0b], // end loop, end block
    ...epilogue,
    0x0b,
  ];
  return oneFunctionModule('scan', 5, false, [3 * LANES + 2, I32], code);
}

// Nibble tables of the base64 characters (A-Z a-z 0-9 + / _ -): a byte is one when
// B64_LO[low nibble] & B64_HI[high nibble] is not zero, the test SIMD does 16 bytes at a time.
function base64Tables(): { lo: Uint8Array; hi: Uint8Array } {
  const lo = new Uint8Array(16);
  const hi = new Uint8Array(16);
  const lowsOf = new Map<number, number>();
  for (const c of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/_-') {
    const code = c.charCodeAt(0);
    lowsOf.set(code >> 4, (lowsOf.get(code >> 4) ?? 0) | (1 << (code & 15)));
  }
  const bitOf = new Map<number, number>(); // set of low nibbles -> bit
  for (const [high, lows] of lowsOf) {
    let bit = bitOf.get(lows);
    if (bit === undefined) {
      bit = 1 << bitOf.size;
      bitOf.set(lows, bit);
    }
    hi[high] = bit;
    for (let l = 0; l < 16; l++) if (lows & (1 << l)) lo[l] = (lo[l] as number) | bit;
  }
  return { lo, hi };
}

// (func (param $p $end $out i32) (result i32) (local $lo $hi $v v128)
//   while p < end: v = load128(p); if all_true(swizzle(lo, v & 15) & swizzle(hi, v >> 4)) { store p at out; out += 4 }
//   p += 16.  Return out.)
function base64ModuleBytes(): Uint8Array {
  const [P, END, OUT, LO, HI, V] = [0, 1, 2, 3, 4, 5];
  const get = (i: number) => [0x20, i];
  const set = (i: number) => [0x21, i];
  const simd = (op: number) => [0xfd, ...uleb(op)];
  const i32 = (n: number) => [0x41, ...uleb(n)];
  const load128 = (offset: number) => [...simd(0x00), 0, ...uleb(offset)];
  const code = [
    ...i32(0),
    ...load128(B64_LO),
    ...set(LO),
    ...i32(0),
    ...load128(B64_HI),
    ...set(HI),
    ...[0x02, 0x40, 0x03, 0x40], // block, loop
    ...get(P),
    ...get(END),
    0x4f, // i32.ge_u
    ...[0x0d, 1], // br_if 1
    ...get(P),
    ...load128(0),
    ...set(V),
    ...get(LO),
    ...get(V),
    ...simd(0x0c), // v128.const 0x0f x 16
    ...new Array(16).fill(0x0f),
    ...simd(0x4e), // v128.and
    ...simd(0x0e), // i8x16.swizzle
    ...get(HI),
    ...get(V),
    ...i32(4),
    ...simd(0x6d), // i8x16.shr_u
    ...simd(0x0e), // i8x16.swizzle
    ...simd(0x4e), // v128.and
    ...simd(0x63), // i8x16.all_true
    ...[0x04, 0x40], // if
    ...get(OUT),
    ...get(P),
    ...[0x36, 2, 0], // i32.store
    ...get(OUT),
    ...i32(4),
    0x6a,
    ...set(OUT),
    0x0b, // end if
    ...get(P),
    ...i32(16),
    0x6a,
    ...set(P),
    ...[0x0c, 0], // br 0
    ...[0x0b, 0x0b], // end loop, end block
    ...get(OUT),
    0x0b,
  ];
  return oneFunctionModule('blocks', 3, true, [3, V128], code);
}

const wasmModule = compiledOnce(() => moduleBytes(false));
const scaledModule = compiledOnce(() => moduleBytes(true));
// Classes times 4 must fit the byte table of the scaled loop.
const MAX_SCALED_CLASSES = 64;
const base64Module = compiledOnce(base64ModuleBytes);

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
  const scaled = ac.classCount <= MAX_SCALED_CLASSES;
  const mod = scaled ? scaledModule() : wasmModule();
  const warmup = Math.max(0, ac.depth - 1);
  if (mod && warmup <= MAX_WARMUP) {
    const text = Math.ceil((NEXT + ac.next.length * 4 + warmup) / 16) * 16;
    const stride = (Math.ceil(SLICE / LANES) + warmup + 1) * 8;
    const out = Math.ceil((text + SLICE + 16) / 16) * 16;
    const memory = new WebAssembly.Memory({ initial: Math.ceil((out + LANES * stride) / PAGE) });
    const instance = new WebAssembly.Instance(mod, { env: { mem: memory } });
    const bytes = new Uint8Array(memory.buffer);
    const words = new Int32Array(memory.buffer);
    const classes = ac.charClass.subarray(0, 256);
    bytes.set(scaled ? classes.map((c) => c * 4) : classes, CLS);
    const tables = base64Tables();
    bytes.set(tables.lo, B64_LO);
    bytes.set(tables.hi, B64_HI);
    // Scaled: byte offsets (4 per entry), still bit-inverted where a keyword ends.
    words.set(scaled ? ac.next.map((v) => (v < 0 ? ~(~v * 4) : v * 4)) : ac.next, NEXT / 4);
    const b64 = base64Module();
    const base64Blocks = b64
      ? (new WebAssembly.Instance(b64, { env: { mem: memory } }).exports.blocks as WasmKeywordLoop['base64Blocks'])
      : null;
    loop = {
      scan: instance.exports.scan as WasmKeywordLoop['scan'],
      memory: bytes,
      words,
      text,
      warmup,
      out,
      stride,
      slice: SLICE,
      stateShift: scaled ? 2 : 0,
      base64Blocks,
    };
  }
  loops.set(ac, loop);
  return loop;
}
