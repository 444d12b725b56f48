/**
 * Growable typed-array columns stored in fixed-size chunks, so a 1 GiB trace never needs one huge
 * contiguous allocation nor a copy on growth (peak memory stays close to what the events need).
 */

const SHIFT = 16;
const CHUNK = 1 << SHIFT;
const MASK = CHUNK - 1;

type TypedArray = Float64Array | Int32Array | Uint32Array | Int16Array | Uint16Array | Int8Array | Uint8Array;
type Ctor<T extends TypedArray> = new (n: number) => T;

export class Column<T extends TypedArray> {
  private readonly chunks: T[] = [];
  private length = 0;

  constructor(
    private readonly ctor: Ctor<T>,
    private readonly fill: number = 0,
  ) {}

  push(v: number): void {
    const c = this.length >>> SHIFT;
    if (c === this.chunks.length) {
      const a = new this.ctor(CHUNK);
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
    return this.chunks.reduce((s, c) => s + c.byteLength, 0);
  }
}

export const f64 = (fill = 0) => new Column(Float64Array, fill);
export const i32 = (fill = 0) => new Column(Int32Array, fill);
export const u32 = () => new Column(Uint32Array);
export const i16 = () => new Column(Int16Array);
export const u16 = () => new Column(Uint16Array);
export const i8 = (fill = 0) => new Column(Int8Array, fill);
export const u8 = () => new Column(Uint8Array);

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
