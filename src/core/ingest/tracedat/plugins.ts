/**
 * Events that `trace-cmd report` does not print through their print fmt, because libtraceevent or trace-cmd
 * registers a handler for them (libtraceevent plugins/plugin_*.c, trace-cmd lib/trace-cmd/trace-ftrace.c).
 * Rendering them the same way keeps our bodies equal to the oracle text for the same record.
 */

import type { EventFormat } from './eventFormat';
import { bytesToString, fieldValue, type RecordView } from './recordData';
import type { Rendered } from './render';

function num(ev: EventFormat, r: RecordView, name: string): bigint | undefined {
  const f = ev.byName.get(name);
  if (!f) return undefined;
  const v = fieldValue(r, f);
  return typeof v === 'bigint' ? v : undefined;
}

function str(ev: EventFormat, r: RecordView, name: string): string | undefined {
  const f = ev.byName.get(name);
  if (!f) return undefined;
  const v = fieldValue(r, f);
  return typeof v === 'object' ? bytesToString(r, v) : typeof v === 'string' ? v : undefined;
}

/** plugin_tlb.c: `pages=%ld reason=<name> (%d)` with the kernel's enum tlb_flush_reason names. */
function tlbFlush(ev: EventFormat, r: RecordView): Rendered | undefined {
  const pages = num(ev, r, 'pages');
  const reason = num(ev, r, 'reason');
  if (pages === undefined || reason === undefined) return undefined;
  // plugin_tlb.c knows the first four reasons only; for others (TLB_REMOTE_SEND_IPI = 4, since 4.14) it
  // prints nothing between `reason=` and the number, and so do we, to stay equal to trace-cmd report
  const names = ['flush on task switch', 'remote shootdown', 'local shootdown', 'local mm shootdown'];
  const name = names[Number(reason)] ?? '';
  const p = BigInt.asIntN(64, pages).toString();
  return { body: `pages=${p} reason=${name} (${reason})` };
}

/** plugin_sched_switch.c write_state(): libtraceevent's own letter table (not the kernel's newer one). */
function taskState(v: bigint): string {
  const states = 'SDTtZXxW';
  const n = Number(v & 0xffffn);
  let out = '';
  for (let i = 0; i < states.length; i++) if (n & (1 << i)) out += (out ? '|' : '') + states[i];
  return out || 'R';
}

function schedSwitch(ev: EventFormat, r: RecordView): Rendered | undefined {
  const prevComm = str(ev, r, 'prev_comm');
  const nextComm = str(ev, r, 'next_comm');
  const prevPid = num(ev, r, 'prev_pid');
  const nextPid = num(ev, r, 'next_pid');
  if (prevComm === undefined || nextComm === undefined || prevPid === undefined || nextPid === undefined) return undefined;
  const prevPrio = num(ev, r, 'prev_prio') ?? 0n;
  const nextPrio = num(ev, r, 'next_prio') ?? 0n;
  const state = taskState(num(ev, r, 'prev_state') ?? 0n);
  return { body: `${prevComm}:${prevPid} [${prevPrio}] ${state} ==> ${nextComm}:${nextPid} [${nextPrio}]` };
}

function schedWakeup(ev: EventFormat, r: RecordView): Rendered | undefined {
  const comm = str(ev, r, 'comm');
  const pid = num(ev, r, 'pid');
  if (comm === undefined || pid === undefined) return undefined;
  const prio = num(ev, r, 'prio') ?? 0n;
  const cpu = num(ev, r, 'target_cpu');
  const success = num(ev, r, 'success');
  let body = `${comm}:${pid} [${prio}]`;
  if (success !== undefined && success === 0n) body += ' FAILED';
  if (cpu !== undefined) body += ` CPU:${String(cpu).padStart(3, '0')}`;
  return { body };
}

/** A plugin rendering for this event, or undefined to use its print fmt. */
export function pluginRender(ev: EventFormat, r: RecordView): Rendered | undefined {
  switch (`${ev.system}:${ev.name}`) {
    case 'tlb:tlb_flush':
      return tlbFlush(ev, r);
    case 'sched:sched_switch':
      return schedSwitch(ev, r);
    case 'sched:sched_wakeup':
    case 'sched:sched_wakeup_new':
      return schedWakeup(ev, r);
    default:
      return undefined;
  }
}
