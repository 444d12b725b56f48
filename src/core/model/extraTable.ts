/**
 * The extras of the event store (eventExtra.ts) packed by shape. A long trace's extras are a handful of
 * shapes repeated hundreds of thousands of times; one object (plus one BigInt per 64-bit value) each cost
 * about 35-70 bytes of heap. Here the common shapes are rows of typed columns (a 64-bit value in 5 bytes:
 * u64Column.ts; a count in 1 or 2: idColumn.ts):
 *
 *   PTE       {pteRaw}                          5 bytes (a PTE of a migration tracepoint, an orig_pte)
 *   MIGRATE   {cpages, npages, src0, dst0}      12 bytes (migrate_vma_setup/pages/finalize)
 *   FAULT_N   {npages, faultPage}               6 bytes (the fault page kept as its 64-bit value)
 *   FAULT_SEL {selectFlags, faultPage}          6 bytes
 *   TEXT      {text}                            its UTF-8 bytes (a trace marker: textColumn.ts)
 *   SHARED    one object for every event with the same one attribute (a caller, a stack origin, fault_page 0x0)
 *   GENERIC   the object itself (any other shape, or values a row cannot give back exactly)
 *
 * get() builds the object again with its keys in the order extraOf() writes them: the values read are the
 * ones stored, exactly.
 *
 * References are handed out in blocks of 256, each block for one shape's consecutive rows, and a shape whose
 * block was opened more than 32 blocks ago opens a new one: the references of one stretch of the file stay
 * within a few tens of thousands of each other, so the store keeps them in 2 bytes per event (packedColumn.ts)
 * where row × 8 + shape would spread over the rows of every shape and need 4.
 */

import type { OriginResult } from '../decode/origin';
import { type PteKind, pteKind } from '../decode/pte';
import type { EventExtra } from './eventExtra';
import { IdColumn } from './idColumn';
import { TextColumn } from './textColumn';
import { U64Column } from './u64Column';

const U64_MAX = 0xffff_ffff_ffff_ffffn;
const BLOCK = 256;
const STALE = 32;

const GENERIC = 0;
const SHARED = 1;
const PTE = 2;
const MIGRATE = 3;
const FAULT_N = 4;
const FAULT_SEL = 5;
const TEXT = 6;
const SHAPES = 7;

// one bit per attribute a packed shape holds, in the order extraOf() writes them; OTHER for the rest
const K_SELECT = 1;
const K_CPAGES = 2;
const K_NPAGES = 4;
const K_FAULT = 8;
const K_SRC0 = 16;
const K_DST0 = 32;
const K_PTE = 64;
const K_OTHER = 128;

function keyBit(k: string): number {
  switch (k) {
    case 'selectFlags':
      return K_SELECT;
    case 'cpages':
      return K_CPAGES;
    case 'npages':
      return K_NPAGES;
    case 'faultPage':
      return K_FAULT;
    case 'src0':
      return K_SRC0;
    case 'dst0':
      return K_DST0;
    case 'pteRaw':
      return K_PTE;
    default:
      return K_OTHER;
  }
}

const isU64 = (v: unknown): v is bigint => typeof v === 'bigint' && v >= 0n && v <= U64_MAX;
/** A count that an IdColumn gives back as is (-0 would come back as 0). */
const isCount = (v: unknown): v is number => typeof v === 'number' && !Object.is(v, -0);
/** A pointer as pointerText() prints it, `0x` + lower-case hex without leading zero, that fits 64 bits. */
function isPointer64(v: unknown): v is string {
  if (typeof v !== 'string' || v.length < 3 || v.length > 18 || v.charCodeAt(0) !== 48 || v.charCodeAt(1) !== 120) return false;
  if (v.charCodeAt(2) === 48 && v.length > 3) return false;
  for (let i = 2; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}
const pointerOf = (v: bigint): string => `0x${v.toString(16)}`;

/** BigInt(p) of a pointer isPointer64 accepts, pushed as its two words (BigInt of a string: ~1 µs). */
function pushPointer(col: U64Column, p: string): void {
  const cut = p.length - Math.min(p.length - 2, 8);
  let hi = 0;
  let lo = 0;
  for (let i = 2; i < p.length; i++) {
    const c = p.charCodeAt(i);
    const d = c <= 57 ? c - 48 : c - 87;
    if (i < cut) hi = hi * 16 + d;
    else lo = lo * 16 + d;
  }
  col.pushWords(hi, lo);
}

export class ExtraTable {
  private readonly objects: EventExtra[] = [];
  private readonly shared: EventExtra[] = [];
  private readonly sharedByCaller = new Map<string, number>();
  private sharedNoFault = -1;
  private readonly sharedByOrigin = new Map<OriginResult, number>();
  private readonly pte = new U64Column();
  private readonly src0 = new U64Column();
  private readonly dst0 = new U64Column();
  private readonly cpages = new IdColumn();
  private readonly migrateNpages = new IdColumn();
  private readonly faultN = new U64Column();
  private readonly faultNpages = new IdColumn();
  private readonly faultSel = new U64Column();
  private readonly selectFlags = new IdColumn();
  private readonly texts = new TextColumn();
  /** SHARED rows: which shared object. */
  private readonly sharedUse = new IdColumn();
  /** pteKind()'s answers by high-word index × 3 + low-word class. */
  private readonly pteKinds: (PteKind | undefined)[] = [];
  /** Per block of references: its shape and the row of its first reference. */
  private readonly blockShape: number[] = [];
  private readonly blockRow: number[] = [];
  /** Per shape: the block its next row goes in (-1: none yet). */
  private readonly openBlock: number[] = new Array<number>(SHAPES).fill(-1);

  /** The reference of `row`, the row just added to `shape`'s table. */
  private ref(shape: number, row: number): number {
    let b = this.openBlock[shape];
    if (b < 0 || row - this.blockRow[b] >= BLOCK || this.blockShape.length - b > STALE) {
      b = this.blockShape.length;
      this.blockShape.push(shape);
      this.blockRow.push(row);
      this.openBlock[shape] = b;
    }
    return b * BLOCK + (row - this.blockRow[b]);
  }

  /** Stores `x` (never mutated afterwards: callers that change an extra add a copy) and returns its reference. */
  add(x: EventExtra): number {
    // the attributes present as bits; K_OTHER when one is not packed or they are not in extraOf's order
    let mask = 0;
    let count = 0;
    let only = '';
    for (const k in x) {
      const bit = keyBit(k);
      mask = bit > mask ? mask | bit : mask | K_OTHER;
      count++;
      only = k;
    }
    let r = -1;
    if (mask === K_PTE) r = this.addPte(x.pteRaw!);
    else if (mask === (K_CPAGES | K_NPAGES | K_SRC0 | K_DST0)) r = this.addMigrate(x.cpages!, x.npages!, x.src0!, x.dst0!);
    else if (mask === (K_NPAGES | K_FAULT)) r = this.addFaultN(x.npages!, x.faultPage!);
    else if (mask === (K_SELECT | K_FAULT)) r = this.addFaultSel(x.selectFlags!, x.faultPage!);
    if (r >= 0) return r;
    if (count === 1 && only === 'text' && typeof x.text === 'string' && this.texts.add(x.text)) return this.ref(TEXT, this.texts.size - 1);
    const s = count === 1 ? this.sharedRow(x, only) : -1;
    if (s >= 0) return this.addShared(s);
    this.objects.push(x);
    return this.ref(GENERIC, this.objects.length - 1);
  }

  // The packed shapes, stored from their values (what add() stores for an object of that shape, and what the
  // model build stores without making the object: eventExtra.ts extraRef); -1 when a value does not fit.

  /** add({ pteRaw }). */
  addPte(pteRaw: bigint): number {
    if (!isU64(pteRaw)) return -1;
    this.pte.push(pteRaw);
    return this.ref(PTE, this.pte.size - 1);
  }

  /** add({ cpages, npages, src0, dst0 }). */
  addMigrate(cpages: number, npages: number, src0: bigint, dst0: bigint): number {
    if (!isU64(src0) || !isU64(dst0) || !isCount(cpages) || !isCount(npages)) return -1;
    this.src0.push(src0);
    this.dst0.push(dst0);
    this.cpages.push(cpages);
    this.migrateNpages.push(npages);
    return this.ref(MIGRATE, this.src0.size - 1);
  }

  /** add({ npages, faultPage }). */
  addFaultN(npages: number, faultPage: string): number {
    if (!isPointer64(faultPage) || !isCount(npages)) return -1;
    pushPointer(this.faultN, faultPage);
    this.faultNpages.push(npages);
    return this.ref(FAULT_N, this.faultN.size - 1);
  }

  /** add({ selectFlags, faultPage }). */
  addFaultSel(selectFlags: number, faultPage: string): number {
    if (!isPointer64(faultPage) || !isCount(selectFlags)) return -1;
    pushPointer(this.faultSel, faultPage);
    this.selectFlags.push(selectFlags);
    return this.ref(FAULT_SEL, this.faultSel.size - 1);
  }

  /** add({ stackOrigin }) of a frozen origin (a shared row; -1 for another). */
  addOrigin(o: OriginResult): number {
    if (!Object.isFrozen(o)) return -1;
    let s = this.sharedByOrigin.get(o);
    if (s === undefined) this.sharedByOrigin.set(o, (s = this.shared.push({ stackOrigin: o }) - 1));
    return this.addShared(s);
  }

  /** add({ caller }) (a shared row). */
  addCaller(caller: string): number {
    let s = this.sharedByCaller.get(caller);
    if (s === undefined) this.sharedByCaller.set(caller, (s = this.shared.push({ caller }) - 1));
    return this.addShared(s);
  }

  private addShared(s: number): number {
    this.sharedUse.push(s);
    return this.ref(SHARED, this.sharedUse.size - 1);
  }

  /**
   * The row of the one object kept for extras that repeat verbatim on every migration or invalidation
   * (`fault_page=0x0` of a driver-started migrate_vma_setup, the caller a range_start returns to, a stack
   * origin: one frozen object per distinct call chain, decode/origin.ts classifyStack); -1 for others.
   */
  private sharedRow(x: EventExtra, only: string): number {
    if (only === 'stackOrigin') {
      const o = x.stackOrigin!;
      if (!Object.isFrozen(o)) return -1;
      let s = this.sharedByOrigin.get(o);
      if (s === undefined) this.sharedByOrigin.set(o, (s = this.shared.push(x) - 1));
      return s;
    }
    // by the caller's text (no key string built per event); the one `fault_page=0x0` by itself
    if (only === 'faultPage' && x.faultPage === '0x0') {
      if (this.sharedNoFault < 0) this.sharedNoFault = this.shared.push(x) - 1;
      return this.sharedNoFault;
    }
    if (only !== 'caller') return -1;
    let s = this.sharedByCaller.get(x.caller!);
    if (s === undefined) this.sharedByCaller.set(x.caller!, (s = this.shared.push(x) - 1));
    return s;
  }

  get(ref: number): EventExtra {
    const b = Math.floor(ref / BLOCK);
    const r = this.blockRow[b] + (ref & (BLOCK - 1));
    switch (this.blockShape[b]) {
      case SHARED:
        return this.shared[this.sharedUse.get(r)];
      case PTE:
        return { pteRaw: this.pte.get(r) };
      case MIGRATE:
        return { cpages: this.cpages.get(r), npages: this.migrateNpages.get(r), src0: this.src0.get(r), dst0: this.dst0.get(r) };
      case FAULT_N:
        return { npages: this.faultNpages.get(r), faultPage: pointerOf(this.faultN.get(r)) };
      case FAULT_SEL:
        return { selectFlags: this.selectFlags.get(r), faultPage: pointerOf(this.faultSel.get(r)) };
      case TEXT:
        return { text: this.texts.get(r) };
      default:
        return this.objects[r];
    }
  }

  /**
   * Appends every row of `src` (another part's table, consumed) and returns what to add to its references to
   * name the same extras here: its blocks follow this table's, each pointing at its rows past this table's
   * rows of the same shape. Rows are copied column by column, not extra by extra; `canonical` gives back
   * what a thread boundary copied (a stack origin's one frozen object), so a shared extra is shared again.
   */
  append(src: ExtraTable, canonical: (x: EventExtra) => EventExtra): number {
    // rows per shape (GENERIC, SHARED, PTE, MIGRATE, FAULT_N, FAULT_SEL, TEXT) before the append
    const rows = [this.objects.length, this.sharedUse.size, this.pte.size, this.src0.size, this.faultN.size, this.faultSel.size, this.texts.size];
    const shift = this.blockShape.length * BLOCK;
    for (const x of src.objects) this.objects.push(canonical(x));
    const shared = src.shared.map((x) => {
      const c = canonical(x);
      const s = this.sharedRow(c, Object.keys(c)[0]);
      if (s < 0) throw new Error('a shared extra of another part is not shareable here');
      return s;
    });
    this.sharedUse.pushFrom(src.sharedUse, shared);
    this.pte.pushFrom(src.pte);
    this.src0.pushFrom(src.src0);
    this.dst0.pushFrom(src.dst0);
    this.cpages.pushFrom(src.cpages);
    this.migrateNpages.pushFrom(src.migrateNpages);
    this.faultN.pushFrom(src.faultN);
    this.faultNpages.pushFrom(src.faultNpages);
    this.faultSel.pushFrom(src.faultSel);
    this.selectFlags.pushFrom(src.selectFlags);
    this.texts.pushFrom(src.texts);
    for (let b = 0; b < src.blockShape.length; b++) {
      this.blockShape.push(src.blockShape[b]);
      this.blockRow.push(src.blockRow[b] + rows[src.blockShape[b]]);
    }
    for (let shape = 0; shape < SHAPES; shape++) if (src.openBlock[shape] >= 0) this.openBlock[shape] = src.openBlock[shape] + shift / BLOCK;
    return shift;
  }

  /** The PTE of an extra without building the object (the replay and the detectors read every one). */
  pteRaw(ref: number): bigint | undefined {
    const b = Math.floor(ref / BLOCK);
    const shape = this.blockShape[b];
    if (shape === PTE) return this.pte.get(this.blockRow[b] + (ref & (BLOCK - 1)));
    return shape === GENERIC || shape === SHARED ? this.get(ref).pteRaw : undefined;
  }

  /**
   * pteKind(pteRaw(ref)) without the BigInt (the replay and the rules ask it of every migration PTE and swap
   * fault: ~0.7 M at 1 GiB). A kind depends only on the high word and on whether the low word is zero or has
   * _PAGE_PRESENT/_PAGE_PROTNONE: it is decoded once per high word and such class (the 1 GiB bench: 7 high words).
   */
  pteKind(ref: number): PteKind | undefined {
    const b = Math.floor(ref / BLOCK);
    if (this.blockShape[b] !== PTE) {
      const raw = this.pteRaw(ref);
      return raw === undefined ? undefined : pteKind(raw);
    }
    const r = this.blockRow[b] + (ref & (BLOCK - 1));
    const lo = this.pte.low(r);
    // the class's smallest low word stands for it: 0, 1 (present) or 2 (neither)
    const c = lo === 0 ? 0 : (lo & 0x101) !== 0 ? 1 : 2;
    const h = this.pte.highIndex(r);
    const key = h * 3 + c;
    let k = this.pteKinds[key];
    if (k === undefined) this.pteKinds[key] = k = pteKind((BigInt(this.pte.high(h)) << 32n) | BigInt(c));
    return k;
  }

  /** get(ref).cpages without the object and its two BigInts (migrate_vma_pages/finalize: ~0.3 M at 1 GiB). */
  cpagesOf(ref: number): number | undefined {
    const b = Math.floor(ref / BLOCK);
    const shape = this.blockShape[b];
    if (shape === MIGRATE) return this.cpages.get(this.blockRow[b] + (ref & (BLOCK - 1)));
    return shape === GENERIC || shape === SHARED ? this.get(ref).cpages : undefined;
  }

  /** get(ref).selectFlags without the object and the fault page's string. */
  selectFlagsOf(ref: number): number | undefined {
    const b = Math.floor(ref / BLOCK);
    const shape = this.blockShape[b];
    if (shape === FAULT_SEL) return this.selectFlags.get(this.blockRow[b] + (ref & (BLOCK - 1)));
    return shape === GENERIC || shape === SHARED ? this.get(ref).selectFlags : undefined;
  }

  /** get(ref).faultPage without the object (its text from the BigInt: Number's toString(16) of two words is slower). */
  faultPageOf(ref: number): string | undefined {
    const b = Math.floor(ref / BLOCK);
    const shape = this.blockShape[b];
    const r = this.blockRow[b] + (ref & (BLOCK - 1));
    if (shape === FAULT_SEL) return pointerOf(this.faultSel.get(r));
    if (shape === FAULT_N) return pointerOf(this.faultN.get(r));
    return shape === GENERIC || shape === SHARED ? this.get(ref).faultPage : undefined;
  }

  /** A table that crossed a thread boundary (a plain object with the same fields): its classes back, no copy. */
  static revive(sent: ExtraTable): ExtraTable {
    if (sent instanceof ExtraTable) return sent;
    const t = sent as unknown as Record<string, object>;
    for (const k of ['pte', 'src0', 'dst0', 'faultN', 'faultSel']) U64Column.revive(t[k] as U64Column);
    for (const k of ['cpages', 'migrateNpages', 'faultNpages', 'selectFlags', 'sharedUse']) Object.setPrototypeOf(t[k], IdColumn.prototype);
    TextColumn.revive(t.texts as TextColumn);
    return Object.setPrototypeOf(sent, ExtraTable.prototype) as ExtraTable;
  }

  /** Typed-array bytes (the heap part is the objects, not counted). */
  bytes(): number {
    const cols = [this.cpages, this.migrateNpages, this.faultNpages, this.selectFlags, this.sharedUse];
    return this.texts.bytes() + [this.pte, this.src0, this.dst0, this.faultN, this.faultSel].reduce((b, c) => b + c.bytes(), 0) + cols.reduce((b, c) => b + c.bytes(), 0);
  }
}
