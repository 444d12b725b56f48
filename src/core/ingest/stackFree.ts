/**
 * Counting only (ReadOptions.bodies false): per CPU, whether the last event printed there could still take a
 * `<stack trace>` (the ftrace reader then counts the stack's lines without holding any event).
 */

/** Per CPU flag array (CPU numbers are small; a Map costs more than the flag). */
export class StackFree {
  private flags = new Int8Array(64); // 0 no event yet, 1 free, 2 taken
  get(cpu: number): boolean | undefined {
    const v = cpu >= 0 && cpu < this.flags.length ? this.flags[cpu] : 0;
    return v === 0 ? undefined : v === 1;
  }
  set(cpu: number, free: boolean): void {
    if (cpu < 0 || cpu >= 1 << 16) return;
    if (cpu >= this.flags.length) {
      const f = new Int8Array(Math.max(cpu + 1, this.flags.length * 2));
      f.set(this.flags);
      this.flags = f;
    }
    this.flags[cpu] = free ? 1 : 2;
  }
}
