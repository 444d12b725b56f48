/**
 * The print fmt renderer's C semantics, one behaviour per case, each as libtraceevent prints it: the length
 * modifier decides the cast, flags/width/precision, %p forms, helpers and ternaries.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseEventFormat } from '../../../src/core/ingest/tracedat/eventFormat';
import { compileFmt, render } from '../../../src/core/ingest/tracedat/render';
import { Kallsyms } from '../../../src/core/ingest/tracedat/symbols';

const FORMAT = (printFmt: string): string =>
  'name: t\nID: 1\nformat:\n' +
  '\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n' +
  '\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n' +
  '\tfield:long big;\toffset:8;\tsize:8;\tsigned:1;\n' +
  '\tfield:unsigned int u;\toffset:16;\tsize:4;\tsigned:0;\n' +
  '\tfield:int neg;\toffset:20;\tsize:4;\tsigned:1;\n' +
  '\tfield:unsigned long ip;\toffset:24;\tsize:8;\tsigned:0;\n' +
  '\tfield:char comm[8];\toffset:32;\tsize:8;\tsigned:1;\n' +
  '\tfield:__data_loc char[] name;\toffset:40;\tsize:4;\tsigned:0;\n' +
  '\tfield:u8 mac[6];\toffset:44;\tsize:6;\tsigned:0;\n' +
  `\nprint fmt: ${printFmt}\n`;

function record(): Buffer {
  const b = Buffer.alloc(64);
  b.writeBigInt64LE(-0x100000005n, 8); // big: low 32 bits are -5 as an int
  b.writeUInt32LE(0xfffffffe, 16);
  b.writeInt32LE(-42, 20);
  b.writeBigUInt64LE(0xffffffff81200010n, 24);
  b.write('kworker\0', 32, 'latin1');
  b.writeUInt32LE((5 << 16) | 52, 40);
  Buffer.from([0, 0x1b, 0x21, 0xaa, 0xbb, 0xcc]).copy(b, 44);
  b.write('dev0\0', 52, 'latin1');
  return b;
}

const syms = Kallsyms.parse('ffffffff81200000 T migrate_vma_setup\nffffffff81200400 T next_one\n');

function r(printFmt: string): string {
  const ev = parseEventFormat(FORMAT(printFmt), 'test')!;
  const b = record();
  return render(ev, compileFmt(ev.printFmt), { buf: b, start: 0, len: b.length, little: true, longSize: 8 }, { syms, longSize: 8 }).body;
}

const CASES: [string, string, string][] = [
  ['%d casts a 64-bit value to int', '"%d", REC->big', '-5'],
  ['%ld keeps the kernel long', '"%ld", REC->big', '-4294967301'],
  ['%u of a negative int is its 32-bit pattern', '"%u", REC->neg', '4294967254'],
  ['%x of a negative int is 32-bit hex', '"%x", REC->neg', 'ffffffd6'],
  ['zero padding and width', '"%016lx|%5d|%-5d|%03d", REC->u, REC->neg, REC->neg, REC->neg', '00000000fffffffe|  -42|-42  |-42'],
  ['%#x adds the prefix', '"%#x", REC->u', '0xfffffffe'],
  ['%p prints 0x-hex', '"%p", (void *)REC->ip', '0xffffffff81200010'],
  ['%ps resolves a symbol, %pS adds the offset', '"%ps %pS", (void *)REC->ip, (void *)REC->ip', 'migrate_vma_setup migrate_vma_setup+0x10'],
  ['%ps of a non-kernel address prints it', '"%ps", (void *)(REC->ip & 0xffff)', '0x10'],
  ['char arrays and __get_str', '"%s:%s", REC->comm, __get_str(name)', 'kworker:dev0'],
  ['precision cuts strings, %% is a percent', '"%.4s 100%%", REC->comm', 'kwor 100%'],
  ['ternary and comparison', '"%s", REC->neg < 0 ? "negative" : "positive"', 'negative'],
  ['__print_symbolic falls back to hex', '"%s", __print_symbolic(REC->u, { 0, "ZERO" })', '0xfffffffe'],
  ['__print_flags names bits, leftovers in hex', '"%s", __print_flags(REC->u & 0x16, "|", { 2, "W" }, { 4, "X" })', 'W|X|0x10'],
  ['__print_flags of zero uses the zero entry', '"%s", __print_flags(0, "|", { 0, "NONE" }, { 1, "A" })', 'NONE'],
  ['%pM prints a MAC address', '"%pM", REC->mac', '00:1b:21:aa:bb:cc'],
  ['casts narrow before printing', '"%lu", (unsigned char)REC->u', '254'],
  ['an unknown helper falls back to the fields', '"%d", frobnicate(REC->neg)', 'big=-4294967301 u=0xfffffffe neg=-42 ip=0xffffffff81200010 comm=kworker name=dev0 mac={0x0,0x1b,0x21,0xaa,0xbb,0xcc}'],
];

for (const [what, fmt, want] of CASES) {
  test(`print fmt: ${what}`, () => {
    assert.equal(r(fmt), want);
  });
}
