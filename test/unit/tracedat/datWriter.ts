/**
 * A small trace.dat writer for tests: builds v6 and v7 (uncompressed or zlib) files from format texts and
 * hand-made ring-buffer pages, in either endianness and with a 4- or 8-byte kernel long. It follows the same
 * documents as the reader (trace-cmd.dat.v6.5.txt / v7.5.txt, kernel ring_buffer.c), and when trace-cmd is
 * installed the tests check that trace-cmd itself reads what it writes.
 */

import { deflateSync } from 'node:zlib';

export class W {
  private parts: Buffer[] = [];
  length = 0;
  constructor(readonly little: boolean) {}

  raw(b: Buffer | string): this {
    const buf = typeof b === 'string' ? Buffer.from(b, 'utf8') : b;
    this.parts.push(buf);
    this.length += buf.length;
    return this;
  }
  cstr(s: string): this {
    return this.raw(Buffer.concat([Buffer.from(s, 'utf8'), Buffer.from([0])]));
  }
  u8(v: number): this {
    return this.raw(Buffer.from([v & 0xff]));
  }
  u16(v: number): this {
    const b = Buffer.alloc(2);
    if (this.little) b.writeUInt16LE(v);
    else b.writeUInt16BE(v);
    return this.raw(b);
  }
  u32(v: number): this {
    const b = Buffer.alloc(4);
    if (this.little) b.writeUInt32LE(v >>> 0);
    else b.writeUInt32BE(v >>> 0);
    return this.raw(b);
  }
  u64(v: number | bigint): this {
    const b = Buffer.alloc(8);
    const x = BigInt.asUintN(64, BigInt(v));
    if (this.little) b.writeBigUInt64LE(x);
    else b.writeBigUInt64BE(x);
    return this.raw(b);
  }
  long(v: number | bigint, size: number): this {
    return size === 4 ? this.u32(Number(BigInt.asUintN(32, BigInt(v)))) : this.u64(v);
  }
  pad(to: number): this {
    const n = (to - (this.length % to)) % to;
    return this.raw(Buffer.alloc(n));
  }
  done(): Buffer {
    return Buffer.concat(this.parts);
  }
}

export interface DatSpec {
  version: 6 | 7;
  little: boolean;
  /** The traced kernel's long size (header_page commit size and the file's long byte). */
  longSize: 4 | 8;
  pageSize: number;
  /** v7 only. */
  compression?: 'none' | 'zlib';
  ftraceFormats: string[];
  systems: { name: string; formats: string[] }[];
  kallsyms: string;
  printk: string;
  cmdlines: string;
  clock: string;
  /** Raw page data per CPU (each a multiple of pageSize). */
  cpus: Buffer[];
  /** v7: further trace instances (`trace-cmd record -B name`), each with its own flyrecord buffer. */
  instances?: { name: string; cpus: Buffer[] }[];
}

export function headerPageText(longSize: number, pageSize: number): string {
  const data = 8 + longSize;
  return (
    `\tfield: u64 timestamp;\toffset:0;\tsize:8;\tsigned:0;\n` +
    `\tfield: local_t commit;\toffset:8;\tsize:${longSize};\tsigned:1;\n` +
    `\tfield: int overwrite;\toffset:8;\tsize:1;\tsigned:1;\n` +
    `\tfield: char data;\toffset:${data};\tsize:${pageSize - data};\tsigned:1;\n`
  );
}

const HEADER_EVENT =
  '# compressed entry header\n\ttype_len    :    5 bits\n\ttime_delta  :   27 bits\n\tarray       :   32 bits\n\n' +
  '\tpadding     : type == 29\n\ttime_extend : type == 30\n\ttime_stamp : type == 31\n\tdata max type_len  == 28\n';

function magic(w: W, spec: DatSpec): void {
  w.raw(Buffer.from([0x17, 0x08, 0x44])).raw('tracing').cstr(String(spec.version));
  w.u8(spec.little ? 0 : 1).u8(spec.longSize).u32(spec.pageSize);
}

function headers(w: W, spec: DatSpec): void {
  const hp = headerPageText(spec.longSize, spec.pageSize);
  w.raw('header_page\0').u64(Buffer.byteLength(hp)).raw(hp);
  w.raw('header_event\0').u64(Buffer.byteLength(HEADER_EVENT)).raw(HEADER_EVENT);
}

function ftrace(w: W, spec: DatSpec): void {
  w.u32(spec.ftraceFormats.length);
  for (const f of spec.ftraceFormats) w.u64(Buffer.byteLength(f)).raw(f);
}

function events(w: W, spec: DatSpec): void {
  w.u32(spec.systems.length);
  for (const s of spec.systems) {
    w.cstr(s.name).u32(s.formats.length);
    for (const f of s.formats) w.u64(Buffer.byteLength(f)).raw(f);
  }
}

export function buildDat(spec: DatSpec): Buffer {
  return spec.version === 6 ? buildV6(spec) : buildV7(spec);
}

function buildV6(spec: DatSpec): Buffer {
  const w = new W(spec.little);
  magic(w, spec);
  headers(w, spec);
  ftrace(w, spec);
  events(w, spec);
  w.u32(Buffer.byteLength(spec.kallsyms)).raw(spec.kallsyms);
  w.u32(Buffer.byteLength(spec.printk)).raw(spec.printk);
  w.u64(Buffer.byteLength(spec.cmdlines)).raw(spec.cmdlines);
  w.u32(spec.cpus.length);
  w.raw('options  \0');
  const clock = Buffer.from(`local global [${spec.clock}]\n\0`);
  w.u16(4).u32(clock.length).raw(clock);
  w.u16(0);
  w.raw('flyrecord\0');
  const tableEnd = w.length + 16 * spec.cpus.length;
  let off = Math.ceil(tableEnd / spec.pageSize) * spec.pageSize;
  for (const c of spec.cpus) {
    w.u64(off).u64(c.length);
    off += Math.ceil(c.length / spec.pageSize) * spec.pageSize;
  }
  w.pad(spec.pageSize);
  for (const c of spec.cpus) w.raw(c).pad(spec.pageSize);
  return w.done();
}

function buildV7(spec: DatSpec): Buffer {
  const zlib = spec.compression === 'zlib';
  const w = new W(spec.little);
  magic(w, spec);
  w.cstr(zlib ? 'zlib' : 'none').cstr(zlib ? '1.2.13' : '');
  const optPtrAt = w.length;
  w.u64(0); // patched below
  const offsets = new Map<number, number>();
  const section = (id: number, body: Buffer): void => {
    offsets.set(id, w.length);
    let data = body;
    let flags = 0;
    if (zlib) {
      const c = deflateSync(body);
      const h = new W(spec.little).u32(c.length).u32(body.length).done();
      data = Buffer.concat([h, c]);
      flags = 1;
    }
    w.u16(id).u16(flags).u32(0).u64(data.length).raw(data);
  };
  const sub = (fill: (x: W) => void): Buffer => {
    const x = new W(spec.little);
    fill(x);
    return x.done();
  };
  section(16, sub((x) => headers(x, spec)));
  section(17, sub((x) => ftrace(x, spec)));
  section(18, sub((x) => events(x, spec)));
  section(19, sub((x) => x.u32(Buffer.byteLength(spec.kallsyms)).raw(spec.kallsyms)));
  section(20, sub((x) => x.u32(Buffer.byteLength(spec.printk)).raw(spec.printk)));
  section(21, sub((x) => x.u64(Buffer.byteLength(spec.cmdlines)).raw(spec.cmdlines)));
  // each flyrecord buffer section: header, padding to a page boundary, then each CPU's data
  const bufferOpts: Buffer[] = [];
  for (const inst of [{ name: '', cpus: spec.cpus }, ...(spec.instances ?? [])]) {
    const bufferAt = w.length;
    const cpuBlobs = inst.cpus.map((pages) => {
      if (!zlib) return pages;
      const x = new W(spec.little);
      const chunkPages = 2;
      const chunks: Buffer[] = [];
      for (let p = 0; p < pages.length; p += chunkPages * spec.pageSize) chunks.push(pages.subarray(p, p + chunkPages * spec.pageSize));
      x.u32(chunks.length);
      for (const c of chunks) {
        const z = deflateSync(c);
        x.u32(z.length).u32(c.length).raw(z);
      }
      return x.done();
    });
    const headerEnd = bufferAt + 16;
    let off = Math.ceil(headerEnd / spec.pageSize) * spec.pageSize;
    const table: { cpu: number; offset: number; size: number }[] = [];
    cpuBlobs.forEach((b, cpu) => {
      table.push({ cpu, offset: off, size: b.length });
      off += Math.ceil(b.length / spec.pageSize) * spec.pageSize;
    });
    w.u16(3).u16(zlib ? 1 : 0).u32(0).u64(off - headerEnd);
    w.pad(spec.pageSize);
    for (const b of cpuBlobs) w.raw(b).pad(spec.pageSize);
    const buf = new W(spec.little).u64(bufferAt).cstr(inst.name).cstr(spec.clock).u32(spec.pageSize).u32(table.length);
    for (const t of table) buf.u32(t.cpu).u64(t.offset).u64(t.size);
    bufferOpts.push(buf.done());
  }
  // options: section pointers, clock, cpu count, the buffer, DONE
  const opts = new W(spec.little);
  for (const id of [16, 17, 18, 19, 20, 21]) opts.u16(id).u32(8).u64(offsets.get(id)!);
  const clock = Buffer.from(`local global [${spec.clock}]\n\0`);
  opts.u16(4).u32(clock.length).raw(clock);
  opts.u16(8).u32(4).u32(spec.cpus.length);
  for (const b of bufferOpts) opts.u16(3).u32(b.length).raw(b);
  opts.u16(0).u32(8).u64(0);
  const optionsAt = w.length;
  const ob = opts.done();
  w.u16(0).u16(0).u32(0).u64(ob.length).raw(ob);
  const out = w.done();
  if (spec.little) out.writeBigUInt64LE(BigInt(optionsAt), optPtrAt);
  else out.writeBigUInt64BE(BigInt(optionsAt), optPtrAt);
  return out;
}

/** One ring-buffer event for a page: a record payload, a time extend, or a padding hole. */
export type RbItem = { delta: number; payload: Buffer } | { extend: number } | { padding: number };

/**
 * Builds one sub-buffer page. `lost` marks events dropped before this page (RB_MISSED_EVENTS), with the count
 * stored after the data (RB_MISSED_STORED) when it is a number.
 */
export function buildPage(little: boolean, longSize: number, pageSize: number, ts: bigint, items: RbItem[], lost?: number | 'unknown'): Buffer {
  const data = new W(little);
  const word = (typeLen: number, delta: number): W => {
    const v = little ? (typeLen | (delta << 5)) >>> 0 : ((typeLen << 27) | (delta & 0x7ffffff)) >>> 0;
    return data.u32(v);
  };
  for (const it of items) {
    if ('extend' in it) {
      word(30, it.extend % 2 ** 27);
      data.u32(Math.floor(it.extend / 2 ** 27));
    } else if ('padding' in it) {
      word(29, 1);
      data.u32(it.padding).raw(Buffer.alloc(it.padding - 4));
    } else {
      const len = Math.ceil(it.payload.length / 4) * 4;
      const body = Buffer.concat([it.payload, Buffer.alloc(len - it.payload.length)]);
      if (len <= 28 * 4) word(len / 4, it.delta).raw(body);
      else {
        word(0, it.delta);
        data.u32(len + 4).raw(body);
      }
    }
  }
  const d = data.done();
  const page = new W(little);
  let commit = d.length;
  if (lost !== undefined) commit += 2 ** 31 + (lost === 'unknown' ? 0 : 2 ** 30);
  page.u64(ts).long(commit, longSize).raw(d);
  if (typeof lost === 'number') page.long(lost, longSize);
  const out = page.done();
  if (out.length > pageSize) throw new Error('page overflow');
  return Buffer.concat([out, Buffer.alloc(pageSize - out.length)]);
}
