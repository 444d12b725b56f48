/**
 * The tasks of the store: (pid, tgid, comm) interned, so that each event keeps one small id instead of three
 * columns (a trace has few tasks). Most events come from the task of the event before, so that one is compared
 * first by its comm's text (no hashing); then the task this pid had last; then the tasks of this pid only.
 */

import type { StringTable } from './strings';

export class TaskTable {
  /** Per task: its pid, tgid (-1 when unknown) and interned comm. */
  readonly pid: number[] = [];
  readonly tgid: number[] = [];
  readonly comm: number[] = [];
  /** The comm string each task was interned from: the common case (same task as last time) then needs no hashing. */
  private readonly commText: string[] = [];
  private readonly lastOfPid = new Map<number, number>();
  private prev = -1;
  private readonly ofPid = new Map<number, number[]>();

  constructor(private readonly strings: StringTable) {}

  id(pid: number, tgid: number, comm: string): number {
    // most events come from the task of the event before (99% of the bench trace's): no Map lookup then
    const p = this.prev;
    if (p >= 0 && this.pid[p] === pid && this.tgid[p] === tgid && this.commText[p] === comm) return p;
    return (this.prev = this.find(pid, tgid, comm));
  }

  private find(pid: number, tgid: number, comm: string): number {
    const last = this.lastOfPid.get(pid);
    if (last !== undefined && this.tgid[last] === tgid && this.commText[last] === comm) return last;
    const commId = this.strings.id(comm);
    if (last !== undefined && this.tgid[last] === tgid && this.comm[last] === commId) return last;
    // the tasks of this pid only: a scan of every task made each new task cost O(tasks), ~22 ms of the
    // 1 GiB join (its part's thousands of tasks against the first part's)
    let same = this.ofPid.get(pid);
    if (same === undefined) this.ofPid.set(pid, (same = []));
    for (const t of same) {
      if (this.tgid[t] === tgid && this.comm[t] === commId) {
        this.lastOfPid.set(pid, t);
        return t;
      }
    }
    const t = this.pid.length;
    this.pid.push(pid);
    this.tgid.push(tgid);
    this.comm.push(commId);
    this.commText.push(comm);
    this.lastOfPid.set(pid, t);
    same.push(t);
    return t;
  }
}
