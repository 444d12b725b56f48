/**
 * While the model is built: the page at (address space, vpn), for every address space at once.
 *
 * Why not a Map per address space (vpn → page): with vpns above 2^30 boxed, the entries and the table's spare
 * room it took 64 bytes of JS heap a page, 22.6 MB for 370k pages at 1 GiB, alive until the end of the replay
 * (the build's peak). This open-addressing table holds only page numbers (4 bytes a slot, at most half full);
 * a page's vpn and space are the page table's own logs, read to tell pages apart.
 */

import type { Float64Log, Int32Log } from './replayLog';

export class PageHash {
  /** page + 1 per slot, 0 for an empty slot. */
  private slots = new Int32Array(1024);
  private mask = 1023;
  private count = 0;
  /**
   * The last answer for each of RECENT (space, vpn) keys, by a few low bits of the key (-1: none there; NaN
   * vpn: empty). The build asks for the same pages again and again close together (a fault's swap entry then
   * its migrate_to_ram, a window's PTEs set then removed, the replay's window after placement's): at 256 MiB
   * ~0.45 M lookups, each a few cache misses in the slots and the page logs, most of them answered here.
   * A key has one place, so insert() overwriting it keeps every entry true.
   */
  private readonly recentVpn = new Float64Array(RECENT).fill(NaN);
  private readonly recentSpace = new Int32Array(RECENT);
  private readonly recentPage = new Int32Array(RECENT);

  constructor(
    private readonly vpnOf: Float64Log,
    private readonly spaceOf: Int32Log,
  ) {}

  /** The page of `space` at `vpn`, -1 when there is none. */
  find(space: number, vpn: number): number {
    const r = recentOf(space, vpn);
    if (this.recentVpn[r] === vpn && this.recentSpace[r] === space) return this.recentPage[r];
    const slots = this.slots;
    let p = -1;
    for (let i = hash(space, vpn) & this.mask; ; i = (i + 1) & this.mask) {
      const q = slots[i] - 1;
      if (q < 0) break;
      if (this.vpnOf.get(q) === vpn && this.spaceOf.get(q) === space) {
        p = q;
        break;
      }
    }
    this.remember(r, space, vpn, p);
    return p;
  }

  /** Adds page `p` (its vpn and space already logged; no page of its space has its vpn yet). */
  insert(p: number): void {
    if (++this.count * 2 > this.slots.length) this.grow();
    this.place(this.slots, p);
    const space = this.spaceOf.get(p);
    const vpn = this.vpnOf.get(p);
    this.remember(recentOf(space, vpn), space, vpn, p);
  }

  private remember(r: number, space: number, vpn: number, p: number): void {
    this.recentVpn[r] = vpn;
    this.recentSpace[r] = space;
    this.recentPage[r] = p;
  }

  private place(slots: Int32Array, p: number): void {
    let i = hash(this.spaceOf.get(p), this.vpnOf.get(p)) & this.mask;
    while (slots[i] !== 0) i = (i + 1) & this.mask;
    slots[i] = p + 1;
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Int32Array(old.length * 2);
    this.mask = this.slots.length - 1;
    for (let i = 0; i < old.length; i++) if (old[i] !== 0) this.place(this.slots, old[i] - 1);
  }
}

const RECENT = 256;

/** The place of a key among the recent answers: consecutive vpns of a space take consecutive places. */
function recentOf(space: number, vpn: number): number {
  return ((vpn >>> 0) + Math.imul(space, 0x9e3779b1)) & (RECENT - 1);
}

/** Mixes the space and both halves of the vpn (vpns of one window are consecutive). */
function hash(space: number, vpn: number): number {
  const h = Math.imul((vpn >>> 0) ^ Math.imul((vpn / 4294967296) | 0, 0x85ebca6b) ^ Math.imul(space, 0xc2b2ae35), 0x9e3779b1);
  return h ^ (h >>> 15);
}
