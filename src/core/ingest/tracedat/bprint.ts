/**
 * trace_printk() records (ftrace:bprint): the kernel stores only the format's address and the arguments in
 * binary (lib/vsprintf.c vbin_printf(): ints and longs 4-byte aligned, 8-byte values as two u32, strings
 * copied inline with their NUL). The format text itself is in the file's printk_formats table.
 */

import type { EventFormat } from './eventFormat';
import { compileConversions, formatValues, type RenderEnv } from './render';
import { fieldValue, readInt, type RecordView, type Val } from './recordData';

export function bprintFormat(printk: Map<bigint, string>, addr: bigint): string | undefined {
  return printk.get(addr);
}

export function renderBprint(format: string | undefined, ev: EventFormat, r: RecordView, env: RenderEnv): string {
  if (format === undefined) return '[trace_printk format not in the file]';
  const fmt = compileConversions({ format, args: [] });
  const bufF = ev.byName.get('buf');
  if (!bufF) return format;
  const buf = fieldValue(r, bufF);
  if (typeof buf !== 'object') return format;
  const end = buf.start + buf.len;
  let p = buf.start;
  const values: Val[] = [];
  const take = (size: number): bigint | undefined => {
    p = buf.start + (((p - buf.start) + 3) & ~3);
    if (p + size > end) return undefined;
    const v = readInt(r, p, size, false);
    p += size;
    return v;
  };
  for (const c of fmt.convs) {
    if (c.width === '*') values.push(take(4) ?? 0n);
    if (c.prec === '*') values.push(take(4) ?? 0n);
    if (c.conv === 's') {
      let nul = r.buf.indexOf(0, p);
      if (nul < 0 || nul > end) nul = end;
      values.push(r.buf.toString('utf8', p, nul));
      p = nul + 1;
      continue;
    }
    const size = c.conv === 'p' ? env.longSize : c.length === 'll' || c.length === 'L' || c.length === 'q' || c.length === 'j' ? 8 : c.length === 'l' || c.length === 'z' || c.length === 't' ? env.longSize : 4;
    const v = take(size);
    if (v === undefined) break;
    values.push(v);
  }
  return formatValues(fmt, values, r, env);
}
