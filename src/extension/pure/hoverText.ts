/**
 * The hover of an event line, in kernel terms: what the event is, the mmu_notifier event and whose owner it
 * carries, MIGRATE_PFN / PTE / VM_FAULT bits of its fields, the enclosing call and its duration, the page's
 * state before and after, findings and the user's notes on the line. Builds Markdown; every string from
 * the trace is escaped (untrusted). vscode-free.
 */

import type { Finding } from '../../core/detect/types';
import type { CallSpan, DomainEvent, PageState } from '../../core/model/types';
import type { NoteRecord } from '../../core/notes/types';
import { describeMigratePfn, migrateSelectNames, vmFaultNames } from '../../core/decode/enums';
import { decodePte, parsePte } from '../../core/decode/pte';
import type { InvalidationLine, MigrationLine } from '../worker/editorData';
import { duration, hex, mdCode, mdEscape, pageCount, rangeSize } from './format';
import { originName } from './findingsPlan';

export interface HoverInput {
  event: DomainEvent;
  span?: CallSpan;
  /** State of the first page the event touches, around the event. */
  page?: { addr: number; before: PageState; after: PageState; count: number };
  invalidation?: InvalidationLine;
  migration?: MigrationLine;
  driverOwners: ReadonlySet<string>;
  findings: readonly Finding[];
  notes: readonly NoteRecord[];
  /** `command:` URI opening the page timeline, when the event names pages. */
  timelineCommand?: string;
  /** `command:` URI of Annotate Invalidation on this line. */
  annotateCommand?: string;
}

const NOTIFIER_MEANING: Record<string, string> = {
  UNMAP: 'the range is being unmapped (munmap, zap, exit)',
  CLEAR: 'PTEs cleared without unmapping the VMA (THP split, madvise, page reclaim/migration)',
  PROTECTION_VMA: 'VMA protection change (mprotect)',
  PROTECTION_PAGE: 'page protection change (write-protect for COW, NUMA hinting)',
  SOFT_DIRTY: 'soft-dirty tracking cleared',
  RELEASE: 'the mm is being torn down (exit_mmap)',
  MIGRATE: 'pages are being migrated (migrate_vma / migrate_device)',
  EXCLUSIVE: 'pages converted to device-exclusive entries',
};

// migrate_vma src[]/dst[] entries as recipes fetch them (`src0=+0(+8($arg1)):x64`); a bare `src=`/`dst=`
// (remove_migration_ptes) holds folio pointers, not MIGRATE_PFN entries
const PFN_FIELD = /^(src|dst)\d+$/i;
const PTE_FIELD = /^(pte|orig_pte|oldpte|newpte|entry|swp_entry|pmd|orig_pmd)$/i;

export function hoverMarkdown(h: HoverInput): string {
  const ev = h.event;
  const out: string[] = [];
  const what = ev.func && ev.func !== ev.name ? ` — ${mdCode(ev.func)}` : '';
  out.push(`**${mdEscape(ev.name)}**${what} · *${ev.kind}*`);
  if (ev.summary) out.push(mdEscape(ev.summary));
  out.push(`${mdEscape(ev.comm)}-${ev.pid}${ev.tgid !== undefined && ev.tgid !== ev.pid ? ` (tgid ${ev.tgid})` : ''} on CPU ${ev.cpu}`);

  const facts: string[] = [];
  if (ev.notifierEvent) {
    facts.push(`mmu_notifier event **${ev.notifierEvent}**${NOTIFIER_MEANING[ev.notifierEvent] ? `: ${NOTIFIER_MEANING[ev.notifierEvent]}` : ''}`);
  }
  if (ev.owner !== undefined) facts.push(`owner ${ownerText(ev.owner, h.driverOwners)}`);
  if (ev.blockable !== undefined) facts.push(ev.blockable ? 'blockable (MMU_NOTIFIER_RANGE_BLOCKABLE): the callback may sleep' : 'not blockable: the callback must not sleep');
  if (ev.start !== undefined && ev.end !== undefined && ev.end > ev.start) {
    facts.push(`range \`[${hex(ev.start)}, ${hex(ev.end)})\` = ${rangeSize(ev.start, ev.end)}, ${pageCount(ev.start, ev.end)} pages`);
  } else if (ev.addr !== undefined) facts.push(`address \`${hex(ev.addr)}\``);
  if (h.invalidation) {
    const r = h.invalidation;
    const origin = r.origin !== 'unknown' ? `issued from \`${originName(r.origin)}\`` : 'origin unknown (capture a stack on the notifier hook)';
    facts.push(`${origin}${r.durationNs !== undefined ? `; start → end ${duration(r.durationNs)}` : ''}`);
  }
  if (h.migration) {
    const m = h.migration;
    const sel = migrateSelectText(ev.fields.flags);
    facts.push(
      `migration of ${m.npages} pages ${m.direction}${sel ? ` (${sel})` : ''}, trigger ${m.trigger}` +
        `${m.cpages !== undefined ? `, ${m.cpages} collected` : ''}${m.moved !== undefined ? `, ${m.moved} moved` : ''}` +
        `${m.eagain ? `, ${m.eagain} × -EAGAIN` : ''}${m.durationNs !== undefined ? `; setup → finalize ${duration(m.durationNs)}` : ''}`,
    );
  }
  for (const [k, v] of Object.entries(ev.fields)) {
    const decoded = decodeField(k, v, ev);
    if (decoded) facts.push(`${mdCode(`${k}=${v}`)} → ${decoded}`);
  }
  if (ev.ret !== undefined && ev.fields.vm_fault_ret !== undefined) {
    // decoded from the field above
  } else if (ev.ret !== undefined && /fault|migrate-to-ram|swap/.test(ev.kind)) {
    facts.push(`returned ${ev.ret} = VM_FAULT ${vmFaultNames(ev.ret >>> 0).join(' | ')}`);
  } else if (ev.ret !== undefined) facts.push(`returned ${ev.ret}${ev.ret < 0 && ev.ret > -4096 ? ` (${errnoName(ev.ret)})` : ''}`);
  if (h.span) {
    const s = h.span;
    const d = s.endTs !== undefined ? `, ${duration(s.endTs - s.startTs)}` : ', return not captured';
    facts.push(`inside ${mdCode(s.func)}${d}`);
  }
  if (h.page) {
    const p = h.page;
    const more = p.count > 1 ? ` (first of ${p.count} pages)` : '';
    facts.push(p.before === p.after ? `page \`${hex(p.addr)}\`${more}: ${p.before}` : `page \`${hex(p.addr)}\`${more}: ${p.before} → **${p.after}**`);
  }
  if (ev.stack && ev.stack.length > 0) facts.push(`stack: ${ev.stack.slice(0, 6).map(mdCode).join(' ← ')}${ev.stack.length > 6 ? ' …' : ''}`);
  if (facts.length) out.push(facts.map((f) => `- ${f}`).join('\n'));

  for (const f of h.findings) out.push(`**${f.severity}** \`${f.rule}\`: ${mdEscape(f.title)} — ${mdEscape(f.message)}`);
  for (const n of h.notes) out.push(`📝 ${n.expected ? '*(expected)* ' : ''}${n.resolved ? '*(resolved)* ' : ''}${mdEscape(n.body)}`);
  const links = [h.timelineCommand && `[Show page timeline](${h.timelineCommand})`, h.annotateCommand && `[Annotate…](${h.annotateCommand})`].filter(Boolean);
  if (links.length) out.push(links.join(' · '));
  return out.join('\n\n');
}

function ownerText(owner: string, driverOwners: ReadonlySet<string>): string {
  if (/^0x0+$/.test(owner) || owner === '0') return '`NULL` (core mm: every mirror must invalidate)';
  if (driverOwners.has(owner)) return `\`${owner}\`: the driver's own pgmap owner (an invalidation it caused itself; it may skip it)`;
  return `\`${owner}\` (not a pgmap owner seen in this trace)`;
}

function migrateSelectText(flags: string | undefined): string {
  if (!flags) return '';
  const n = Number(flags);
  return Number.isFinite(n) ? migrateSelectNames(n).map((s) => `MIGRATE_VMA_SELECT_${s}`).join(' | ') : '';
}

function decodeField(key: string, value: string, ev: DomainEvent): string | undefined {
  const raw = value.trim();
  if (PFN_FIELD.test(key) && /^(0x)?[0-9a-f]+$/i.test(raw)) {
    return `MIGRATE_PFN ${describeMigratePfn(BigInt(raw.startsWith('0x') ? raw : `0x${raw}`))}`;
  }
  if (PTE_FIELD.test(key)) {
    const pte = parsePte(raw);
    return pte === undefined ? undefined : `PTE ${decodePte(pte).text}`;
  }
  if (key === 'vm_fault_ret' || key === 'fault_ret') {
    const n = Number(raw);
    return Number.isFinite(n) ? `VM_FAULT ${vmFaultNames(n >>> 0).join(' | ')}` : undefined;
  }
  if (key === 'fault_flags') {
    const n = Number(raw);
    return Number.isFinite(n) ? `FAULT_FLAG ${bitNames(n, FAULT_FLAGS)}` : undefined;
  }
  if (key === 'newprot' && /^0x[0-9a-f]+$/i.test(raw)) {
    const v = BigInt(raw);
    const names = PGPROT_BITS.filter(([b]) => (v & b) !== 0n).map(([, n]) => n);
    return `x86 pgprot ${names.join(' | ') || 'none'}${(v & 2n) === 0n ? ' (read-only)' : ''}`;
  }
  if (key === 'error_code' && ev.kind === 'cpu-fault') {
    const n = Number(raw);
    if (!Number.isFinite(n)) return undefined;
    const bits = [[1, 'PROT'], [2, 'WRITE'], [4, 'USER'], [8, 'RSVD'], [0x10, 'INSTR'], [0x20, 'PK'], [0x40, 'SHSTK']] as const;
    const names = bits.filter(([b]) => n & b).map(([, s]) => s);
    return `x86 page fault ${names.length ? names.join(' | ') : 'read of a not-present page'}`;
  }
  return undefined;
}

/** `enum fault_flag` (include/linux/mm_types.h, 6.x): how handle_mm_fault was asked to fault. */
const FAULT_FLAGS: [number, string][] = [
  [1 << 0, 'WRITE'],
  [1 << 1, 'MKWRITE'],
  [1 << 2, 'ALLOW_RETRY'],
  [1 << 3, 'RETRY_NOWAIT'],
  [1 << 4, 'KILLABLE'],
  [1 << 5, 'TRIED'],
  [1 << 6, 'USER'],
  [1 << 7, 'REMOTE'],
  [1 << 8, 'INSTRUCTION'],
  [1 << 9, 'INTERRUPTIBLE'],
  [1 << 10, 'UNSHARE'],
  [1 << 11, 'ORIG_PTE_VALID'],
  [1 << 12, 'VMA_LOCK'],
];

/** x86 page protection bits worth naming for mprotect's newprot (arch/x86/include/asm/pgtable_types.h). */
const PGPROT_BITS: [bigint, string][] = [
  [1n, 'PRESENT'],
  [2n, 'RW'],
  [4n, 'USER'],
  [0x20n, 'ACCESSED'],
  [0x40n, 'DIRTY'],
  [1n << 63n, 'NX'],
];

function bitNames(n: number, table: [number, string][]): string {
  let rest = n >>> 0;
  const out: string[] = [];
  for (const [bit, name] of table) {
    if (rest & bit) {
      out.push(name);
      rest &= ~bit;
    }
  }
  if (rest) out.push(`0x${rest.toString(16)}`);
  return out.join(' | ') || '0';
}

const ERRNO: Record<number, string> = { 1: 'EPERM', 2: 'ENOENT', 4: 'EINTR', 11: 'EAGAIN', 12: 'ENOMEM', 14: 'EFAULT', 16: 'EBUSY', 22: 'EINVAL', 34: 'ERANGE' };

function errnoName(ret: number): string {
  return ERRNO[-ret] ? `-${ERRNO[-ret]}` : `errno ${-ret}`;
}
