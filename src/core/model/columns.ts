/**
 * Growable typed-array columns stored in fixed-size chunks, so a 1 GiB trace never needs one huge
 * contiguous allocation nor a copy on growth (peak memory stays close to what the events need).
 */

const SHIFT = 16;
const CHUNK = 1 << SHIFT;
const MASK = CHUNK - 1;

export interface Column {
  push(v: number): void;
  get(i: number): number;
  set(i: number, v: number): void;
  readonly size: number;
  bytes(): number;
  /** Appends every value of `src` (joining the parts of a parallel build). */
  pushAll(src: ArrayLike<number>): void;
  /** Copies the values into `dst` (at least `size` long). */
  copyTo(dst: { [i: number]: number }): void;
}

// One class per typed-array type, written out on purpose: a shared generic class (or classes made by one
// factory, which share their feedback) sees seven array types at the same store and goes megamorphic on the
// hottest path of the model build. For the same reason each class has its own copy of the bulk moves
// (pushAll, copyTo): `this.push`/`this.get` then stay monomorphic inside their loops.

class F64Column implements Column {
  private readonly chunks: Float64Array[] = [];
  private length = 0;

  constructor(private readonly fill: number) {}

  push(v: number): void {
    const c = this.length >>> SHIFT;
    if (c === this.chunks.length) {
      const a = new Float64Array(CHUNK);
      if (this.fill !== 0) a.fill(this.fill);
      this.chunks.push(a);
    }
    this.chunks[c][this.length & MASK] = v;
    this.length++;
  }

  get(i: number): number {
    return this.chunks[i >>> SHIFT][i & MASK];
  }

  set(i: number, v: number): void {
    this.chunks[i >>> SHIFT][i & MASK] = v;
  }

  get size(): number {
    return this.length;
  }

  bytes(): number {
    return this.chunks.length * CHUNK * Float64Array.BYTES_PER_ELEMENT;
  }

  pushAll(src: ArrayLike<number>): void {
    for (let i = 0; i < src.length; i++) this.push(src[i]);
  }
  copyTo(dst: { [i: number]: number }): void {
    for (let i = 0; i < this.length; i++) dst[i] = this.get(i);
  }
}

class I32Column implements Column {
  private readonly chunks: Int32Array[] = [];
  private length = 0;

  constructor(private readonly fill: number) {}

  push(v: number): void {
    const c = this.length >>> SHIFT;
    if (c === this.chunks.length) {
      const a = new Int32Array(CHUNK);
      if (this.fill !== 0) a.fill(this.fill);
      this.chunks.push(a);
    }
    this.chunks[c][this.length & MASK] = v;
    this.length++;
  }

  get(i: number): number {
    return this.chunks[i >>> SHIFT][i & MASK];
  }

  set(i: number, v: number): void {
    this.chunks[i >>> SHIFT][i & MASK] = v;
  }

  get size(): number {
    return this.length;
  }

  bytes(): number {
    return this.chunks.length * CHUNK * Int32Array.BYTES_PER_ELEMENT;
  }

  pushAll(src: ArrayLike<number>): void {
    for (let i = 0; i < src.length; i++) this.push(src[i]);
  }
  copyTo(dst: { [i: number]: number }): void {
    for (let i = 0; i < this.length; i++) dst[i] = this.get(i);
  }
}

class U32Column implements Column {
  private readonly chunks: Uint32Array[] = [];
  private length = 0;

  constructor(private readonly fill: number) {}

  push(v: number): void {
    const c = this.length >>> SHIFT;
    if (c === this.chunks.length) {
      const a = new Uint32Array(CHUNK);
      if (this.fill !== 0) a.fill(this.fill);
      this.chunks.push(a);
    }
    this.chunks[c][this.length & MASK] = v;
    this.length++;
  }

  get(i: number): number {
    return this.chunks[i >>> SHIFT][i & MASK];
  }

  set(i: number, v: number): void {
    this.chunks[i >>> SHIFT][i & MASK] = v;
  }

  get size(): number {
    return this.length;
  }

  bytes(): number {
    return this.chunks.length * CHUNK * Uint32Array.BYTES_PER_ELEMENT;
  }

  pushAll(src: ArrayLike<number>): void {
    for (let i = 0; i < src.length; i++) this.push(src[i]);
  }
  copyTo(dst: { [i: number]: number }): void {
    for (let i = 0; i < this.length; i++) dst[i] = this.get(i);
  }
}

class I16Column implements Column {
  private readonly chunks: Int16Array[] = [];
  private length = 0;

  constructor(private readonly fill: number) {}

  push(v: number): void {
    const c = this.length >>> SHIFT;
    if (c === this.chunks.length) {
      const a = new Int16Array(CHUNK);
      if (this.fill !== 0) a.fill(this.fill);
      this.chunks.push(a);
    }
    this.chunks[c][this.length & MASK] = v;
    this.length++;
  }

  get(i: number): number {
    return this.chunks[i >>> SHIFT][i & MASK];
  }

  set(i: number, v: number): void {
    this.chunks[i >>> SHIFT][i & MASK] = v;
  }

  get size(): number {
    return this.length;
  }

  bytes(): number {
    return this.chunks.length * CHUNK * Int16Array.BYTES_PER_ELEMENT;
  }

  pushAll(src: ArrayLike<number>): void {
    for (let i = 0; i < src.length; i++) this.push(src[i]);
  }
  copyTo(dst: { [i: number]: number }): void {
    for (let i = 0; i < this.length; i++) dst[i] = this.get(i);
  }
}

class U16Column implements Column {
  private readonly chunks: Uint16Array[] = [];
  private length = 0;

  constructor(private readonly fill: number) {}

  push(v: number): void {
    const c = this.length >>> SHIFT;
    if (c === this.chunks.length) {
      const a = new Uint16Array(CHUNK);
      if (this.fill !== 0) a.fill(this.fill);
      this.chunks.push(a);
    }
    this.chunks[c][this.length & MASK] = v;
    this.length++;
  }

  get(i: number): number {
    return this.chunks[i >>> SHIFT][i & MASK];
  }

  set(i: number, v: number): void {
    this.chunks[i >>> SHIFT][i & MASK] = v;
  }

  get size(): number {
    return this.length;
  }

  bytes(): number {
    return this.chunks.length * CHUNK * Uint16Array.BYTES_PER_ELEMENT;
  }

  pushAll(src: ArrayLike<number>): void {
    for (let i = 0; i < src.length; i++) this.push(src[i]);
  }
  copyTo(dst: { [i: number]: number }): void {
    for (let i = 0; i < this.length; i++) dst[i] = this.get(i);
  }
}

class I8Column implements Column {
  private readonly chunks: Int8Array[] = [];
  private length = 0;

  constructor(private readonly fill: number) {}

  push(v: number): void {
    const c = this.length >>> SHIFT;
    if (c === this.chunks.length) {
      const a = new Int8Array(CHUNK);
      if (this.fill !== 0) a.fill(this.fill);
      this.chunks.push(a);
    }
    this.chunks[c][this.length & MASK] = v;
    this.length++;
  }

  get(i: number): number {
    return this.chunks[i >>> SHIFT][i & MASK];
  }

  set(i: number, v: number): void {
    this.chunks[i >>> SHIFT][i & MASK] = v;
  }

  get size(): number {
    return this.length;
  }

  bytes(): number {
    return this.chunks.length * CHUNK * Int8Array.BYTES_PER_ELEMENT;
  }

  pushAll(src: ArrayLike<number>): void {
    for (let i = 0; i < src.length; i++) this.push(src[i]);
  }
  copyTo(dst: { [i: number]: number }): void {
    for (let i = 0; i < this.length; i++) dst[i] = this.get(i);
  }
}

class U8Column implements Column {
  private readonly chunks: Uint8Array[] = [];
  private length = 0;

  constructor(private readonly fill: number) {}

  push(v: number): void {
    const c = this.length >>> SHIFT;
    if (c === this.chunks.length) {
      const a = new Uint8Array(CHUNK);
      if (this.fill !== 0) a.fill(this.fill);
      this.chunks.push(a);
    }
    this.chunks[c][this.length & MASK] = v;
    this.length++;
  }

  get(i: number): number {
    return this.chunks[i >>> SHIFT][i & MASK];
  }

  set(i: number, v: number): void {
    this.chunks[i >>> SHIFT][i & MASK] = v;
  }

  get size(): number {
    return this.length;
  }

  bytes(): number {
    return this.chunks.length * CHUNK * Uint8Array.BYTES_PER_ELEMENT;
  }

  pushAll(src: ArrayLike<number>): void {
    for (let i = 0; i < src.length; i++) this.push(src[i]);
  }
  copyTo(dst: { [i: number]: number }): void {
    for (let i = 0; i < this.length; i++) dst[i] = this.get(i);
  }
}

/**
 * Large integers that grow slowly along the file (byte offsets, ns timestamps): each chunk keeps its first
 * value and 32-bit distances from it, 4 bytes per event instead of 8. A chunk where one value does not fit
 * (an out-of-order timestamp, a gap over 4.29 s or 4 GiB, a trace.dat record before the chunk's first, a
 * non-integer) is turned into a plain Float64Array chunk, so every value comes back exactly.
 */
class CompactColumn implements Column {
  private readonly narrow: (Uint32Array | undefined)[] = [];
  private readonly wide: (Float64Array | undefined)[] = [];
  private readonly bases: number[] = [];
  private length = 0;

  push(v: number): void {
    if (this.length >>> SHIFT === this.bases.length) {
      this.bases.push(Number.isSafeInteger(v) ? v : 0);
      this.narrow.push(new Uint32Array(CHUNK));
      this.wide.push(undefined);
    }
    this.put(this.length, v);
    this.length++;
  }

  private put(i: number, v: number): void {
    const c = i >>> SHIFT;
    const w = this.wide[c];
    if (w) {
      w[i & MASK] = v;
      return;
    }
    const n = this.narrow[c]!;
    const d = v - this.bases[c];
    if (d >= 0 && d <= 0xffffffff && Number.isInteger(d) && !Object.is(v, -0)) {
      n[i & MASK] = d;
      return;
    }
    const f = new Float64Array(CHUNK);
    const base = this.bases[c];
    for (let k = 0; k < CHUNK; k++) f[k] = base + n[k];
    f[i & MASK] = v;
    this.wide[c] = f;
    this.narrow[c] = undefined;
  }

  get(i: number): number {
    const c = i >>> SHIFT;
    const w = this.wide[c];
    return w ? w[i & MASK] : this.bases[c] + this.narrow[c]![i & MASK];
  }

  set(i: number, v: number): void {
    this.put(i, v);
  }

  get size(): number {
    return this.length;
  }

  bytes(): number {
    let b = 0;
    for (let c = 0; c < this.bases.length; c++) b += this.wide[c] ? CHUNK * 8 : CHUNK * 4;
    return b;
  }

  pushAll(src: ArrayLike<number>): void {
    for (let i = 0; i < src.length; i++) this.push(src[i]);
  }
  copyTo(dst: { [i: number]: number }): void {
    for (let i = 0; i < this.length; i++) dst[i] = this.get(i);
  }
}

export const f64 = (fill = 0): Column => new F64Column(fill);
/** File offsets (non-negative integers, mostly increasing): 4 bytes per event instead of 8, exact. */
export const offsets = (): Column => new CompactColumn();
/** Integer ns timestamps in file order: 4 bytes per event while they stay close, exact always. */
export const times = (): Column => new CompactColumn();
export const i32 = (fill = 0): Column => new I32Column(fill);
export const u32 = (): Column => new U32Column(0);
export const i16 = (): Column => new I16Column(0);
export const u16 = (): Column => new U16Column(0);
export const i8 = (fill = 0): Column => new I8Column(fill);
export const u8 = (): Column => new U8Column(0);

export { StringTable } from './strings';
