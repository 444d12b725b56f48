/**
 * A hand-built trace in every container variant (v6, v7 none, v7 zlib; little and big endian; 4- and 8-byte
 * kernel long) with the record kinds the captures do not contain: kernel stacks, function and
 * function_graph events, trace_marker writes, dynamic strings, symbolic and flag fields, padding, time
 * extends, dropped-event markers and a record whose event id has no format.
 */

import { W, buildDat, buildPage, type DatSpec, type RbItem } from './datWriter';

export interface Variant {
  label: string;
  version: 6 | 7;
  little: boolean;
  longSize: 4 | 8;
  compression?: 'none' | 'zlib';
}

export const VARIANTS: Variant[] = [
  { label: 'v6 little-endian 64-bit', version: 6, little: true, longSize: 8 },
  { label: 'v6 big-endian 32-bit', version: 6, little: false, longSize: 4 },
  { label: 'v7 uncompressed little-endian 64-bit', version: 7, little: true, longSize: 8, compression: 'none' },
  { label: 'v7 zlib big-endian 64-bit', version: 7, little: false, longSize: 8, compression: 'zlib' },
  { label: 'v7 zlib little-endian 32-bit', version: 7, little: true, longSize: 4, compression: 'zlib' },
];

/** Kernel addresses per long size: x86_64 style for 8, i386 style for 4. */
export function addr(longSize: number, sym: keyof typeof SYMS, off = 0): bigint {
  return (longSize === 8 ? SYMS[sym][0] : SYMS[sym][1]) + BigInt(off);
}

const SYMS = {
  _stext: [0xffffffff81000000n, 0xc1000000n],
  mn_start: [0xffffffff81200000n, 0xc1200000n],
  migrate_vma_setup: [0xffffffff81200190n, 0xc1200190n],
  tracing_mark_write: [0xffffffff81200400n, 0xc1200400n],
  other_func: [0xffffffff81200500n, 0xc1200500n],
  dmirror_interval_invalidate: [0xffffffffc0200000n, 0xf8200000n],
  dmirror_migrate_to_device: [0xffffffffc0200200n, 0xf8200200n],
} as const;

export function kallsyms(L: number): string {
  const hex = (k: keyof typeof SYMS): string => addr(L, k).toString(16).padStart(L * 2, '0');
  return [
    `${'0'.repeat(L * 2)} A fixed_percpu_data`,
    `${hex('_stext')} T _stext`,
    `${hex('mn_start')} T __mmu_notifier_invalidate_range_start`,
    `${hex('migrate_vma_setup')} T migrate_vma_setup`,
    `${hex('tracing_mark_write')} T tracing_mark_write`,
    `${hex('other_func')} T other_func`,
    `${hex('dmirror_interval_invalidate')} t dmirror_interval_invalidate\t[test_hmm]`,
    `${hex('dmirror_migrate_to_device')} t dmirror_migrate_to_device\t[test_hmm]`,
    '',
  ].join('\n');
}

export type F = [decl: string, offset: number, size: number, signed: 0 | 1];

export function format(name: string, id: number, fields: F[], printFmt: string): string {
  const common: F[] = [
    ['unsigned short common_type', 0, 2, 0],
    ['unsigned char common_flags', 2, 1, 0],
    ['unsigned char common_preempt_count', 3, 1, 0],
    ['int common_pid', 4, 4, 1],
  ];
  const line = (f: F): string => `\tfield:${f[0]};\toffset:${f[1]};\tsize:${f[2]};\tsigned:${f[3]};\n`;
  return `name: ${name}\nID: ${id}\nformat:\n${common.map(line).join('')}\n${fields.map(line).join('')}\nprint fmt: ${printFmt}\n`;
}

export const ID = { function: 1, kernel_stack: 4, print: 5, funcgraph_exit: 10, funcgraph_entry: 11, mn_start: 1500, mn_start_ret: 1501, strs: 1600 };

function formats(L: number): Pick<DatSpec, 'ftraceFormats' | 'systems'> {
  return {
    ftraceFormats: [
      format('function', ID.function, [['unsigned long ip', 8, L, 0], ['unsigned long parent_ip', 8 + L, L, 0]], '" %ps <-- %ps", (void *)REC->ip, (void *)REC->parent_ip'),
      format('kernel_stack', ID.kernel_stack, [['int size', 8, 4, 1], [`unsigned long caller[8]`, 8 + L, 8 * L, 0]],
        '"\\t=> %ps\\n\\t=> %ps\\n", (void *)REC->caller[0], (void *)REC->caller[1]'),
      format('print', ID.print, [['unsigned long ip', 8, L, 0], ['char buf[]', 8 + L, 0, 1]], '"%ps: %s", (void *)REC->ip, REC->buf'),
      format('funcgraph_exit', ID.funcgraph_exit,
        [['unsigned long func', 8, L, 0], ['int depth', 8 + L, 4, 1], ['unsigned int overrun', 12 + L, 4, 0], ['unsigned long long calltime', 24, 8, 0], ['unsigned long long rettime', 32, 8, 0]],
        '"<-- %ps (%d) (start: %llx  end: %llx) over: %d", (void *)REC->func, REC->depth, REC->calltime, REC->rettime, REC->depth'),
      format('funcgraph_entry', ID.funcgraph_entry, [['unsigned long func', 8, L, 0], ['int depth', 8 + L, 4, 1]], '"--> %ps (%d)", (void *)REC->func, REC->depth'),
    ],
    systems: [
      {
        name: 'kprobes',
        formats: [
          format('mn_start', ID.mn_start, [['unsigned long __probe_ip', 8, L, 0], ['u64 start', 8 + L, 8, 0], ['u32 event', 16 + L, 4, 0]],
            '"(%lx) start=0x%Lx event=%u", REC->__probe_ip, REC->start, REC->event'),
          format('mn_start_ret', ID.mn_start_ret, [['unsigned long __probe_func', 8, L, 0], ['unsigned long __probe_ret_ip', 8 + L, L, 0], ['s32 ret', 8 + 2 * L, 4, 1]],
            '"(%lx <- %lx) ret=%d", REC->__probe_func, REC->__probe_ret_ip, REC->ret'),
        ],
      },
      {
        name: 'hmmtest',
        formats: [
          format('strs', ID.strs, [['__data_loc char[] name', 8, 4, 0], ['unsigned int mode', 12, 4, 0], ['unsigned long fl', 16, L, 0], ['int neg', 16 + L, 4, 1]],
            '"name=%s mode=%s fl=%s neg=%d", __get_str(name), __print_symbolic(REC->mode, { 0, "ZERO" }, { 1, "ONE" }), __print_flags(REC->fl, "|", { 1, "A" }, { 2, "B" }), REC->neg'),
        ],
      },
    ],
  };
}

export function rec(v: Variant, id: number, pid: number, body: (w: W) => void, flags = 0, preempt = 0): Buffer {
  const w = new W(v.little).u16(id).u8(flags).u8(preempt).u32(pid);
  body(w);
  return w.done();
}

export const BASE = 1_000_000_000n;

export function buildVariant(v: Variant, pageSize = 4096, withInstance = false): Buffer {
  const L = v.longSize;
  const a = (s: keyof typeof SYMS, off = 0): bigint => addr(L, s, off);
  const cpu0: RbItem[] = [
    { delta: 100, payload: rec(v, ID.mn_start, 42, (w) => w.long(a('mn_start'), L).u64(0x7f0000001000n).u32(6), 0x01, 0x01) },
    { delta: 50, payload: rec(v, ID.kernel_stack, 42, (w) => w.u32(3).pad(L).long(a('dmirror_interval_invalidate', 0x10), L).long(a('migrate_vma_setup', 0x20), L).long(0, L)) },
    { delta: 11, payload: rec(v, ID.mn_start_ret, 42, (w) => w.long(a('mn_start'), L).long(a('migrate_vma_setup', 0x44), L).u32(-11 >>> 0)) },
    { padding: 16 },
    { extend: 5000 },
    { delta: 7, payload: rec(v, ID.print, 42, (w) => w.long(a('tracing_mark_write'), L).raw('hello marker\n\0')) },
    {
      delta: 3,
      payload: rec(v, ID.strs, 42, (w) => {
        const dataAt = 20 + L;
        w.u32((7 << 16) | dataAt).u32(1).long(3, L).u32(-5 >>> 0).raw('devmem\0');
      }),
    },
    { delta: 2, payload: new W(v.little).u16(999).u16(0).u32(42).u32(0).done() },
  ];
  const cpu1: RbItem[] = [
    { delta: 0, payload: rec(v, ID.function, 43, (w) => w.long(a('migrate_vma_setup'), L).long(a('mn_start', 5), L)) },
    { delta: 30, payload: rec(v, ID.funcgraph_entry, 43, (w) => w.long(a('migrate_vma_setup'), L).u32(0)) },
    { delta: 5, payload: rec(v, ID.funcgraph_entry, 43, (w) => w.long(a('dmirror_interval_invalidate'), L).u32(1)) },
    { delta: 5, payload: rec(v, ID.funcgraph_exit, 43, (w) => w.long(a('dmirror_interval_invalidate'), L).u32(1).u32(0).pad(8).u64(BASE + 155n).u64(BASE + 1655n)) },
    { delta: 5, payload: rec(v, ID.funcgraph_exit, 43, (w) => w.long(a('migrate_vma_setup'), L).u32(0).u32(0).pad(8).u64(BASE + 150n).u64(BASE + 4150n)) },
  ];
  const cpu1b: RbItem[] = [
    { delta: 0, payload: rec(v, ID.strs, 0, (w) => w.u32((4 << 16) | (20 + L)).u32(7).long(0, L).u32(0).raw('idl\0')) },
  ];
  const page = (ts: bigint, items: RbItem[], lost?: number | 'unknown'): Buffer => buildPage(v.little, L, pageSize, ts, items, lost);
  return buildDat({
    version: v.version, little: v.little, longSize: L, pageSize, compression: v.compression,
    ...formats(L),
    kallsyms: kallsyms(L),
    printk: '',
    cmdlines: '42 hmmtest\n43 worker one\n',
    clock: 'mono',
    cpus: [page(BASE, cpu0), Buffer.concat([page(BASE + 120n, cpu1, 7), page(BASE + 6000n, cpu1b, 'unknown')])],
    // an instance (`trace-cmd record -B gpu`) whose CPU 0 wrote one trace_marker line at BASE + 130
    instances: withInstance
      ? [{ name: 'gpu', cpus: [page(BASE + 130n, [{ delta: 0, payload: rec(v, ID.print, 42, (w) => w.long(a('tracing_mark_write'), L).raw('from the gpu instance\0')) }])] }]
      : undefined,
  });
}
