/**
 * A map keyed by an address range of one mm, [start, end) in an address space: what the rules group migrations
 * and failures by ("the same range again"). Nested maps keyed by numbers, not one `as|start|end` string per
 * lookup: a rule asks once per migration or per failed move (36k and 40k at 256 MiB), and those strings, kept as
 * keys or not, were promoted garbage by the million on a long capture. Memory grows with distinct ranges only.
 *
 * Address spaces are told apart by their text (String(as)), as the string keys did.
 */

import type { AddressSpace } from '../model/types';

export class RangeMap<T> {
  private readonly spaceCode = new Map<AddressSpace, number>();
  private readonly spaceText = new Map<string, number>();
  /** space code → start → end → value */
  private readonly byStart = new Map<number, Map<number, Map<number, T>>>();

  private code(as: AddressSpace): number {
    let c = this.spaceCode.get(as);
    if (c === undefined) {
      const text = String(as);
      c = this.spaceText.get(text) ?? this.spaceText.size;
      this.spaceText.set(text, c);
      this.spaceCode.set(as, c);
    }
    return c;
  }

  get(as: AddressSpace, start: number, end: number): T | undefined {
    return this.byStart.get(this.code(as))?.get(start)?.get(end);
  }

  set(as: AddressSpace, start: number, end: number, value: T): void {
    const c = this.code(as);
    let starts = this.byStart.get(c);
    if (!starts) this.byStart.set(c, (starts = new Map()));
    let ends = starts.get(start);
    if (!ends) starts.set(start, (ends = new Map()));
    ends.set(end, value);
  }

  delete(as: AddressSpace, start: number, end: number): void {
    this.byStart.get(this.code(as))?.get(start)?.delete(end);
  }
}
