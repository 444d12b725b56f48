/**
 * Append-only logs of numbers for the build passes (placement, the replay, the interval index), and the
 * grouping in place of a log kept per page by page (CSR: page p's entries are start[p] .. start[p+1]-1).
 *
 * Why typed logs: at 256 MiB the placement and the replay record 217k page events and 308k state changes on
 * 93k pages. Kept as four growing JS arrays per page (plus boxed timestamps and vpns) they took 37 MB of heap;
 * as a few typed arrays for the whole table they take under 4 MB, outside the JS heap.
 *
 * Why chunks: a log that doubles one array keeps up to half of it spare and, on each growth, a dead copy until
 * the GC runs. At 1 GiB the page table's six doubling logs held 34 MB at the end of the replay (the build's
 * peak) for 18 MB of entries. A chunked log holds at most one partly filled chunk, never copies once past its
 * first chunk, and lets a reader that consumed a chunk release it.
 * The first chunk starts small and doubles up to CHUNK, so a small trace or an address space with few entries
 * does not pay for a whole chunk.
 */

/** 32k entries a chunk (128 KiB of Int32): a dozen logs waste at most a few MB, a 1 GiB trace needs ~50 chunks a log. */
const CHUNK_SHIFT = 15;
export const CHUNK = 1 << CHUNK_SHIFT;
const MASK = CHUNK - 1;
const FIRST = 64;

const NO_I32 = new Int32Array(0);
const NO_F64 = new Float64Array(0);
const NO_U8 = new Uint8Array(0);
const NO_U16 = new Uint16Array(0);

/**
 * A chunked log of int32 (one class per element type: a shared generic class would make the pushes
 * polymorphic). Entry i is chunks[i >>> CHUNK_SHIFT][i & MASK].
 */
export class Int32Log {
  readonly chunks: Int32Array[] = [];
  length = 0;
  private last = NO_I32;
  private fill = 0;

  push(v: number): void {
    if (this.fill === this.last.length) this.grow();
    this.last[this.fill++] = v;
    this.length++;
  }

  get(i: number): number {
    return this.chunks[i >>> CHUNK_SHIFT][i & MASK];
  }

  set(i: number, v: number): void {
    this.chunks[i >>> CHUNK_SHIFT][i & MASK] = v;
  }

  /** Lets chunk c go (a reader that consumed it): its entries can no longer be read (the last chunk stays until the log goes). */
  release(c: number): void {
    this.chunks[c] = NO_I32;
  }

  /** Entries a .. b - 1 as one array: a view of the chunk when they lie in one (nearly always), else a copy. */
  slice(a: number, b: number): Int32Array {
    if (b === a) return NO_I32;
    const c = a >>> CHUNK_SHIFT;
    if ((b - 1) >>> CHUNK_SHIFT === c) return this.chunks[c].subarray(a & MASK, (a & MASK) + b - a);
    const out = new Int32Array(b - a);
    for (let i = a; i < b; i++) out[i - a] = this.get(i);
    return out;
  }

  private grow(): void {
    const n = this.last.length;
    if (this.chunks.length === 1 && n < CHUNK) {
      // the first chunk doubles (copying at most CHUNK entries) until it is a whole chunk
      const first = new Int32Array(Math.min(CHUNK, Math.max(FIRST, n * 2)));
      first.set(this.last);
      this.chunks[0] = this.last = first;
      return;
    }
    this.last = new Int32Array(this.chunks.length === 0 ? FIRST : CHUNK);
    this.chunks.push(this.last);
    this.fill = 0;
  }
}

/** A chunked log of float64 (addresses and vpns above 2^31), as Int32Log. */
export class Float64Log {
  readonly chunks: Float64Array[] = [];
  length = 0;
  private last = NO_F64;
  private fill = 0;

  push(v: number): void {
    if (this.fill === this.last.length) this.grow();
    this.last[this.fill++] = v;
    this.length++;
  }

  get(i: number): number {
    return this.chunks[i >>> CHUNK_SHIFT][i & MASK];
  }

  set(i: number, v: number): void {
    this.chunks[i >>> CHUNK_SHIFT][i & MASK] = v;
  }

  private grow(): void {
    const n = this.last.length;
    if (this.chunks.length === 1 && n < CHUNK) {
      const first = new Float64Array(Math.min(CHUNK, Math.max(FIRST, n * 2)));
      first.set(this.last);
      this.chunks[0] = this.last = first;
      return;
    }
    this.last = new Float64Array(this.chunks.length === 0 ? FIRST : CHUNK);
    this.chunks.push(this.last);
    this.fill = 0;
  }
}

/** A chunked log of bytes (page states: 1 byte where an Int32Log took 4, 1.2 M changes at 1 GiB), as Int32Log. */
export class Uint8Log {
  readonly chunks: Uint8Array[] = [];
  length = 0;
  private last = NO_U8;
  private fill = 0;

  push(v: number): void {
    if (this.fill === this.last.length) this.grow();
    this.last[this.fill++] = v;
    this.length++;
  }

  get(i: number): number {
    return this.chunks[i >>> CHUNK_SHIFT][i & MASK];
  }

  set(i: number, v: number): void {
    this.chunks[i >>> CHUNK_SHIFT][i & MASK] = v;
  }

  private grow(): void {
    const n = this.last.length;
    if (this.chunks.length === 1 && n < CHUNK) {
      const first = new Uint8Array(Math.min(CHUNK, Math.max(FIRST, n * 2)));
      first.set(this.last);
      this.chunks[0] = this.last = first;
      return;
    }
    this.last = new Uint8Array(this.chunks.length === 0 ? FIRST : CHUNK);
    this.chunks.push(this.last);
    this.fill = 0;
  }
}

/** A chunked log of uint16 (interval lengths in pages), as Int32Log. */
export class Uint16Log {
  readonly chunks: Uint16Array[] = [];
  length = 0;
  private last = NO_U16;
  private fill = 0;

  push(v: number): void {
    if (this.fill === this.last.length) this.grow();
    this.last[this.fill++] = v;
    this.length++;
  }

  get(i: number): number {
    return this.chunks[i >>> CHUNK_SHIFT][i & MASK];
  }

  release(c: number): void {
    this.chunks[c] = NO_U16;
  }

  private grow(): void {
    const n = this.last.length;
    if (this.chunks.length === 1 && n < CHUNK) {
      const first = new Uint16Array(Math.min(CHUNK, Math.max(FIRST, n * 2)));
      first.set(this.last);
      this.chunks[0] = this.last = first;
      return;
    }
    this.last = new Uint16Array(this.chunks.length === 0 ? FIRST : CHUNK);
    this.chunks.push(this.last);
    this.fill = 0;
  }
}

/** Copies entries a .. b - 1 of a chunked log (its chunks) into `target` from `at` on. */
export function copyRange(chunks: readonly (Int32Array | Uint16Array)[], a: number, b: number, target: Int32Array | Uint32Array | Uint16Array, at: number): void {
  while (a < b) {
    const j = a & MASK;
    const take = Math.min(b - a, CHUNK - j);
    target.set(chunks[a >>> CHUNK_SHIFT].subarray(j, j + take), at);
    a += take;
    at += take;
  }
}

/**
 * The offsets of a log grouped by page: entry i belongs to page renumber[pages[i]] (0 ≤ that < count), and
 * page p's entries will be start[p] .. start[p+1]-1 (count + 1 offsets).
 */
export function pageStarts(pages: Int32Log, renumber: Int32Array, count: number): Int32Array {
  const n = pages.length;
  const start = new Int32Array(count + 1);
  for (let c = 0, i = 0; i < n; c++) {
    const key = pages.chunks[c];
    const end = Math.min(key.length, n - i);
    for (let j = 0; j < end; j++) start[renumber[key[j]] + 1]++;
    i += end;
  }
  for (let g = 0; g < count; g++) start[g + 1] += start[g];
  return start;
}

/**
 * Groups `values` (a log kept beside `pages`), and `states` with them when given, by page in place: entry i
 * moves to the next free position of its page's group (start from pageStarts), so a page's entries keep
 * their log order. Why in place: the grouped logs are the table's packed lists, so compact() allocates no
 * second copy of them beside the logs (at 1 GiB 9.6 MB of ids and states, at the build's peak). `pages` is
 * used up (it holds each entry's destination while the entries move).
 *
 * Moving each entry straight to its place reads the three logs at random (230 ms for 1.22 M state changes
 * at 1 GiB, a cache miss a read); the entries go first to the chunk of their place, through one cursor a
 * chunk moving forward, then to their place within it, the chunk's arrays in cache: 45-80 ms, where a
 * scatter into new arrays took about 30.
 */
export function groupByPage(pages: Int32Log, renumber: Int32Array, start: Int32Array, values: Int32Log, states?: Uint8Log): void {
  const n = pages.length;
  const fill = start.slice(0, start.length - 1);
  for (let c = 0, i = 0; i < n; c++) {
    const key = pages.chunks[c];
    const end = Math.min(key.length, n - i);
    for (let j = 0; j < end; j++) key[j] = fill[renumber[key[j]]]++;
    i += end;
  }
  const chunks = pages.chunks.length;
  const next = new Int32Array(chunks);
  for (let c = 0; c < chunks; c++) next[c] = c * CHUNK;
  for (let c = 0; c < chunks; c++) {
    const base = c * CHUNK;
    const end = Math.min(n, base + CHUNK);
    const dc = pages.chunks[c];
    const vc = values.chunks[c];
    const sc = states ? states.chunks[c] : undefined;
    while (next[c] < end) {
      const j = next[c] - base;
      const t = dc[j] >>> CHUNK_SHIFT;
      if (t === c) {
        next[c]++;
        continue;
      }
      // swap with the next free entry of chunk t
      const k = next[t]++ - t * CHUNK;
      const dt = pages.chunks[t];
      const vt = values.chunks[t];
      const p = dc[j];
      dc[j] = dt[k];
      dt[k] = p;
      const v = vc[j];
      vc[j] = vt[k];
      vt[k] = v;
      if (sc) {
        const st = states!.chunks[t];
        const x = sc[j];
        sc[j] = st[k];
        st[k] = x;
      }
    }
  }
  for (let c = 0; c < chunks; c++) {
    const dest = pages.chunks[c];
    const vals = values.chunks[c];
    const sts = states ? states.chunks[c] : undefined;
    const base = c * CHUNK;
    const len = Math.min(CHUNK, n - base);
    // each swap puts one entry where it belongs
    for (let j = 0; j < len; j++) {
      for (let d = dest[j] - base; d !== j; d = dest[j] - base) {
        const v = vals[d];
        vals[d] = vals[j];
        vals[j] = v;
        if (sts) {
          const st = sts[d];
          sts[d] = sts[j];
          sts[j] = st;
        }
        dest[j] = dest[d];
        dest[d] = base + d;
      }
    }
  }
}
