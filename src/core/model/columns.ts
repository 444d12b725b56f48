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
}

// One class per typed-array type, written out on purpose: a shared generic class (or classes made by one
// factory, which share their feedback) sees seven array types at the same store and goes megamorphic on the
// hottest path of the model build.

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
}

/**
 * Byte offsets of events in file order: each chunk keeps its first offset and a 32-bit distance from it
 * (text traces grow monotonically, so a chunk of 65536 events spans far less than 4 GiB). An offset that
 * does not fit (a trace.dat record before the chunk's first, or a gap past 4 GiB) is kept exactly on the side.
 */
class OffsetColumn implements Column {
  private readonly chunks: Uint32Array[] = [];
  private readonly bases: number[] = [];
  private readonly wide = new Map<number, number>();
  private length = 0;

  push(v: number): void {
    const c = this.length >>> SHIFT;
    if (c === this.chunks.length) {
      this.chunks.push(new Uint32Array(CHUNK));
      this.bases.push(Number.isSafeInteger(v) ? v : 0);
    }
    this.store(this.length, v);
    this.length++;
  }

  private store(i: number, v: number): void {
    const d = v - this.bases[i >>> SHIFT];
    if (Number.isInteger(d) && d >= 0 && d < WIDE) {
      this.chunks[i >>> SHIFT][i & MASK] = d;
      this.wide.delete(i);
    } else {
      this.chunks[i >>> SHIFT][i & MASK] = WIDE;
      this.wide.set(i, v);
    }
  }

  get(i: number): number {
    const d = this.chunks[i >>> SHIFT][i & MASK];
    return d === WIDE ? this.wide.get(i)! : this.bases[i >>> SHIFT] + d;
  }

  set(i: number, v: number): void {
    this.store(i, v);
  }

  get size(): number {
    return this.length;
  }

  bytes(): number {
    return this.chunks.length * CHUNK * Uint32Array.BYTES_PER_ELEMENT + this.wide.size * 16;
  }
}

const WIDE = 0xffffffff;

export const f64 = (fill = 0): Column => new F64Column(fill);
/** File offsets (non-negative integers, mostly increasing): 4 bytes per event instead of 8, exact. */
export const offsets = (): Column => new OffsetColumn();
export const i32 = (fill = 0): Column => new I32Column(fill);
export const u32 = (): Column => new U32Column(0);
export const i16 = (): Column => new I16Column(0);
export const u16 = (): Column => new U16Column(0);
export const i8 = (fill = 0): Column => new I8Column(fill);
export const u8 = (): Column => new U8Column(0);

/** Interned strings: index 0 is reserved for "none". */
export class StringTable {
  private readonly ids = new Map<string, number>();
  private readonly values: string[] = [''];

  id(s: string | undefined): number {
    if (s === undefined) return 0;
    let id = this.ids.get(s);
    if (id === undefined) {
      id = this.values.length;
      this.values.push(s);
      this.ids.set(s, id);
    }
    return id;
  }

  get(id: number): string | undefined {
    return id === 0 ? undefined : this.values[id];
  }

  /** Lookup without interning. */
  find(s: string): number {
    return this.ids.get(s) ?? 0;
  }
}
