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
