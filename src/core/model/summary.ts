/** One-line summaries of events in kernel terms, built from the columns (never from untrusted HTML). */

import type { EventStore } from './store';
import { migrateSelectNames, vmFaultNames, describeMigratePfn } from '../decode/enums';

const hex = (n: number) => `0x${n.toString(16)}`;

function range(store: EventStore, id: number): string {
  const r = store.rangeOf(id);
  if (!r) return '';
  const pages = Math.round((r[1] - r[0]) / 4096);
  const end = r[1] >= 2 ** 63 ? '0xffffffffffffffff' : hex(r[1]);
  return `[${hex(r[0])}, ${end})${r[1] < 2 ** 63 ? ` (${pages} page${pages === 1 ? '' : 's'})` : ''}`;
}

export function summarize(store: EventStore, id: number): string {
  const kind = store.kindOf(id);
  const func = store.funcOf(id) ?? store.str(store.name, id) ?? '';
  const x = store.extra(id);
  const ret = store.retOf(id);
  const addr = store.addrOf(id);
  const owner = store.str(store.owner, id);
  const ev = store.notifierOf(id);
  const pte = store.pteOf(id);
  const parts: string[] = [];
  switch (kind) {
    case 'invalidate-start':
    case 'invalidate-secondary':
    case 'driver-invalidate':
      if (kind !== 'invalidate-start') parts.push(func);
      parts.push(ev ?? 'invalidate', range(store, id));
      if (owner !== undefined) parts.push(`owner=${owner === '0x0' ? 'NULL' : owner}`);
      if (store.blockable.get(id) === 0) parts.push('non-blockable');
      return parts.filter(Boolean).join(' ');
    case 'invalidate-end':
      return `end ${ev ?? ''} ${range(store, id)}`.replace(/\s+/g, ' ').trim();
    case 'migrate-setup': {
      parts.push(`migrate_vma_setup ${range(store, id)}`);
      if (x?.selectFlags !== undefined) parts.push(`SELECT_${migrateSelectNames(x.selectFlags).join('|') || '0'}`);
      if (owner !== undefined) parts.push(`pgmap_owner=${owner}`);
      if (x?.faultPage && x.faultPage !== '0x0') parts.push(`fault_page=${x.faultPage}`);
      return parts.join(' ');
    }
    case 'migrate-pages':
    case 'migrate-finalize':
    case 'migrate-unmap': {
      parts.push(func, range(store, id));
      if (x?.cpages !== undefined) parts.push(`cpages=${x.cpages}`);
      if (x?.npages !== undefined) parts.push(`npages=${x.npages}`);
      if (x?.src0 !== undefined) parts.push(`src[0]=${describeMigratePfn(x.src0)}`);
      if (x?.dst0 !== undefined) parts.push(`dst[0]=${describeMigratePfn(x.dst0)}`);
      return parts.filter(Boolean).join(' ');
    }
    case 'migration-pte-set':
    case 'migration-pte-remove':
    case 'migration-pmd-set':
    case 'migration-pmd-remove':
      return `${store.str(store.name, id)} ${addr !== undefined ? hex(addr) : ''}${pte ? ` → ${pte.text}` : ''}`;
    case 'swap-fault':
      return `do_swap_page ${addr !== undefined ? hex(addr) : ''}${pte ? ` orig_pte: ${pte.text}` : ''}`;
    case 'swap-fault-ret':
    case 'migrate-to-ram-ret':
      return `${func} returned ${ret !== undefined ? vmFaultNames(ret).join('|') : '?'}`;
    case 'cpu-fault':
      return `CPU fault at ${addr !== undefined ? hex(addr) : '?'}`;
    case 'marker':
      return x?.text ?? '';
    case 'process-fork':
      return `fork: child ${x?.childComm ?? ''}-${x?.childPid ?? '?'}`;
    case 'process-exit':
      return `exit of pid ${x?.taskPid ?? store.pid.get(id)}`;
    case 'syscall':
      return `${func}(${range(store, id)})`.replace('()', '');
    default:
      break;
  }
  parts.push(func);
  if (addr !== undefined) parts.push(hex(addr));
  const r = range(store, id);
  if (r) parts.push(r);
  if (ev) parts.push(ev);
  if (ret !== undefined) parts.push(`ret=${ret}`);
  if (x?.durationNs !== undefined) parts.push(`${(x.durationNs / 1000).toFixed(3)} us`);
  return parts.join(' ');
}
