/**
 * The trace.dat container (trace-cmd Documentation/trace-cmd/trace-cmd.dat.v6.5.txt and .v7.5.txt):
 * initial header, then either v6's fixed sequence (headers, ftrace formats, event formats, kallsyms, printk,
 * cmdlines, CPU count, options, flyrecord|latency) or v7's options sections that point at typed sections.
 * This file reads all metadata and the location of every CPU's ring-buffer data; it never reads trace data.
 */

import { codecFor, decompressBlock, type Codec } from './compression';
import { Cursor, DatFile, at } from './fileAccess';
import { parseEventFormat, parseHeaderPage, type EventFormat, type HeaderPage } from './eventFormat';
import { Kallsyms, parseCmdlines, parsePrintkFormats } from './symbols';

export const MAGIC = Buffer.from([0x17, 0x08, 0x44, 0x74, 0x72, 0x61, 0x63, 0x69, 0x6e, 0x67]); // "\x17\x08Dtracing"

/** Option and section ids (`enum tracecmd_option_id`, lib/trace-cmd/include/private/trace-cmd-private.h). */
export const Opt = {
  DONE: 0, DATE: 1, CPUSTAT: 2, BUFFER: 3, TRACECLOCK: 4, UNAME: 5, HOOK: 6, OFFSET: 7, CPUCOUNT: 8,
  VERSION: 9, PROCMAPS: 10, TRACEID: 11, TIME_SHIFT: 12, GUEST: 13, TSC2NSEC: 14, STRINGS: 15,
  HEADER_INFO: 16, FTRACE_EVENTS: 17, EVENT_FORMATS: 18, KALLSYMS: 19, PRINTK: 20, CMDLINES: 21,
  BUFFER_TEXT: 22, BTF_FILE: 23, LAST_BOOT_INFO: 24, MODULES_FILE: 25,
} as const;
const MAX_KNOWN_ID = 25;

export interface CpuData {
  cpu: number;
  /** File offset of the CPU's data (v7 compressed: of its chunk table). */
  offset: number;
  /** Bytes in the file (compressed size when compressed). */
  size: number;
}

export interface BufferInstance {
  /** "" for the top-level instance. */
  name: string;
  clock: string;
  cpus: CpuData[];
  compressed: boolean;
  /** Latency (text) buffer: no ring-buffer pages, the text is stored as is. */
  latency?: { offset: number; size: number };
}

export interface TraceDatMeta {
  version: number;
  little: boolean;
  longSize: number;
  pageSize: number;
  codec: Codec;
  compression: string;
  headerPage: HeaderPage;
  formats: Map<number, EventFormat>;
  kallsyms: Kallsyms;
  printk: Map<bigint, string>;
  cmdlines: Map<number, string>;
  cpus: number;
  clock: string;
  /** ns added to every timestamp (OFFSET and DATE options), as trace-cmd's timestamp_calc() does. */
  tsOffset: number;
  tsc2nsec?: { mult: number; shift: number; offset: bigint };
  buffers: BufferInstance[];
  uname?: string;
  tracecmdVersion?: string;
  /** Non-fatal oddities met while reading metadata. */
  warnings: string[];
}

export async function readMeta(f: DatFile): Promise<TraceDatMeta> {
  const head = await f.readUpTo(0, 64);
  if (head.length < MAGIC.length || !head.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw f.fail('not a trace.dat file (wrong magic; expected \\x17\\x08Dtracing)', 0);
  }
  const vEnd = head.indexOf(0, 10);
  if (vEnd < 0 || vEnd + 7 > head.length) throw f.fail('truncated file: initial header', 10);
  const version = Number(head.toString('latin1', 10, vEnd));
  if (version !== 6 && version !== 7) throw f.fail(`unsupported trace.dat version "${head.toString('latin1', 10, vEnd)}"`, 10);
  const endian = head[vEnd + 1]!;
  const longSize = head[vEnd + 2]!;
  if (endian > 1) throw f.fail(`bad endianness byte ${endian}`, vEnd + 1);
  if (longSize !== 4 && longSize !== 8) throw f.fail(`bad long size ${longSize}`, vEnd + 2);
  const little = endian === 0;
  const pageSize = little ? head.readUInt32LE(vEnd + 3) : head.readUInt32BE(vEnd + 3);
  if (pageSize < 64 || pageSize > 1 << 24 || (pageSize & (pageSize - 1)) !== 0) throw f.fail(`bad page size ${pageSize}`, vEnd + 3);
  const meta: TraceDatMeta = {
    version, little, longSize, pageSize, codec: 'none', compression: 'none',
    headerPage: parseHeaderPage('', longSize), formats: new Map(), kallsyms: new Kallsyms(), printk: new Map(),
    cmdlines: new Map(), cpus: 0, clock: 'local', tsOffset: 0, buffers: [], warnings: [],
  };
  const after = vEnd + 7;
  if (version === 6) await readV6(f, meta, after);
  else await readV7(f, meta, after);
  return meta;
}

function cursor(f: DatFile, meta: TraceDatMeta, buf: Buffer, base: number): Cursor {
  return new Cursor(buf, meta.little, base, (m, o) => f.fail(m, o));
}

// ---------------------------------------------------------------- shared section bodies

function parseHeaderInfo(c: Cursor, meta: TraceDatMeta): void {
  if (c.bytes(12, 'header_page tag').toString('latin1') !== 'header_page\0') throw c.onError('missing "header_page"', c.base + c.pos - 12);
  const hp = c.bytes(c.u64('header_page size'), 'header_page').toString('utf8');
  meta.headerPage = parseHeaderPage(hp, meta.longSize);
  if (c.bytes(13, 'header_event tag').toString('latin1') !== 'header_event\0') throw c.onError('missing "header_event"', c.base + c.pos - 13);
  c.bytes(c.u64('header_event size'), 'header_event');
}

function parseFtraceEvents(c: Cursor, meta: TraceDatMeta): void {
  const count = c.u32('ftrace format count');
  for (let i = 0; i < count; i++) addFormat(meta, c.bytes(c.u64('format size'), 'ftrace format').toString('utf8'), 'ftrace');
}

function parseEventFormats(c: Cursor, meta: TraceDatMeta): void {
  const systems = c.u32('event system count');
  for (let s = 0; s < systems; s++) {
    const system = c.cstr('system name');
    const count = c.u32('event count');
    for (let i = 0; i < count; i++) addFormat(meta, c.bytes(c.u64('format size'), 'event format').toString('utf8'), system);
  }
}

function addFormat(meta: TraceDatMeta, text: string, system: string): void {
  const ev = parseEventFormat(text, system);
  if (ev) meta.formats.set(ev.id, ev);
  else meta.warnings.push(`an event format in system "${system}" has no name or ID; skipped`);
}

function selectedClock(text: string): string {
  const m = /\[([^\]]+)\]/.exec(text);
  return (m ? m[1]! : text.replace(/\0.*$/s, '').trim()) || 'local';
}

/** Options common to v6 and v7; returns false for ids this function does not handle. */
function applyOption(meta: TraceDatMeta, id: number, data: Buffer): boolean {
  const str = (): string => data.toString('utf8').replace(/\0[\s\S]*$/, '');
  switch (id) {
    case Opt.DATE: {
      // difference between trace timestamps and gettimeofday, in usecs, written as "0x..." text
      const v = parseCInt(str());
      if (v !== undefined) meta.tsOffset += v * 1000;
      return true;
    }
    case Opt.OFFSET: {
      const v = parseCInt(str());
      if (v !== undefined) meta.tsOffset += v;
      return true;
    }
    case Opt.TRACECLOCK:
      meta.clock = selectedClock(str());
      return true;
    case Opt.UNAME:
      meta.uname = str();
      return true;
    case Opt.VERSION:
      meta.tracecmdVersion = str();
      return true;
    case Opt.CPUCOUNT:
      if (data.length >= 4) meta.cpus = meta.little ? data.readUInt32LE(0) : data.readUInt32BE(0);
      return true;
    case Opt.TSC2NSEC:
      if (data.length >= 16) {
        const c = new Cursor(data, meta.little, -1, (m) => new Error(m));
        meta.tsc2nsec = { mult: c.u32(), shift: c.u32(), offset: c.u64big() };
      }
      return true;
    default:
      return false;
  }
}

function parseCInt(s: string): number | undefined {
  const t = s.trim();
  if (!/^-?(0x[0-9a-fA-F]+|\d+)$/.test(t)) return undefined;
  const neg = t.startsWith('-');
  const v = Number(BigInt(neg ? t.slice(1) : t));
  return neg ? -v : v;
}

// ---------------------------------------------------------------- v6

async function readV6(f: DatFile, meta: TraceDatMeta, start: number): Promise<void> {
  // v6 is one forward sequence. The metadata before the CPU data is small except kallsyms (a few MiB), so
  // each part is read with its own exact-size read.
  let pos = start;
  const rd = async (len: number, what: string): Promise<Buffer> => {
    const b = await f.read(pos, len, what);
    pos += len;
    return b;
  };
  const num = async (n: 4 | 8, what: string): Promise<number> => {
    const b = await rd(n, what);
    return n === 4 ? cursor(f, meta, b, pos - 4).u32(what) : cursor(f, meta, b, pos - 8).u64(what);
  };
  // headers: "header_page\0" size text "header_event\0" size text
  const hpTag = await rd(12, 'header_page tag');
  if (hpTag.toString('latin1') !== 'header_page\0') throw f.fail('missing "header_page"', pos - 12);
  meta.headerPage = parseHeaderPage((await rd(await num(8, 'header_page size'), 'header_page')).toString('utf8'), meta.longSize);
  const heTag = await rd(13, 'header_event tag');
  if (heTag.toString('latin1') !== 'header_event\0') throw f.fail('missing "header_event"', pos - 13);
  await rd(await num(8, 'header_event size'), 'header_event');
  const ftraceCount = await num(4, 'ftrace format count');
  for (let i = 0; i < ftraceCount; i++) addFormat(meta, (await rd(await num(8, 'format size'), 'ftrace format')).toString('utf8'), 'ftrace');
  const systems = await num(4, 'event system count');
  for (let s = 0; s < systems; s++) {
    const name = await f.readUpTo(pos, 256);
    const nul = name.indexOf(0);
    if (nul < 0) throw f.fail('unterminated system name', pos);
    const system = name.toString('utf8', 0, nul);
    pos += nul + 1;
    const count = await num(4, 'event count');
    for (let i = 0; i < count; i++) addFormat(meta, (await rd(await num(8, 'format size'), 'event format')).toString('utf8'), system);
  }
  meta.kallsyms = Kallsyms.parse(await rd(await num(4, 'kallsyms size'), 'kallsyms'));
  meta.printk = parsePrintkFormats((await rd(await num(4, 'printk size'), 'printk formats')).toString('utf8'));
  meta.cmdlines = parseCmdlines((await rd(await num(8, 'cmdlines size'), 'saved cmdlines')).toString('utf8'));
  meta.cpus = await num(4, 'cpu count');
  let tag = (await rd(10, 'options/flyrecord tag')).toString('latin1');
  const extra: { name: string; offset: number }[] = [];
  if (tag.startsWith('options')) {
    for (;;) {
      const id = cursor(f, meta, await rd(2, 'option id'), pos - 2).u16();
      if (id === Opt.DONE) break;
      const size = await num(4, 'option size');
      const data = await rd(size, 'option data');
      if (id === Opt.BUFFER && data.length > 8) {
        const c = cursor(f, meta, data, pos - size);
        extra.push({ offset: c.u64('buffer offset'), name: c.cstr('buffer name') });
      } else applyOption(meta, id, data);
    }
    tag = (await rd(10, 'flyrecord tag')).toString('latin1');
  }
  if (tag.startsWith('latency')) {
    meta.buffers.push({ name: '', clock: meta.clock, cpus: [], compressed: false, latency: { offset: pos, size: f.size - pos } });
    return;
  }
  if (!tag.startsWith('flyrecord')) throw f.fail(`expected "flyrecord" or "latency", found ${JSON.stringify(tag)}`, pos - 10);
  meta.buffers.push({ name: '', clock: meta.clock, cpus: await readCpuTable(f, meta, pos, meta.cpus), compressed: false });
  for (const b of extra) {
    // a v6 instance: its BUFFER option points at a per-CPU (offset, size) table like the top one
    meta.buffers.push({ name: b.name, clock: meta.clock, cpus: await readCpuTable(f, meta, b.offset, meta.cpus), compressed: false });
  }
}

async function readCpuTable(f: DatFile, meta: TraceDatMeta, pos: number, cpus: number): Promise<CpuData[]> {
  const c = cursor(f, meta, await f.read(pos, 16 * cpus, 'flyrecord CPU table'), pos);
  const out: CpuData[] = [];
  for (let cpu = 0; cpu < cpus; cpu++) out.push({ cpu, offset: c.u64('cpu data offset'), size: c.u64('cpu data size') });
  return out;
}

// ---------------------------------------------------------------- v7

interface SectionHeader {
  id: number;
  flags: number;
  size: number;
  dataOffset: number;
}

async function readSectionHeader(f: DatFile, meta: TraceDatMeta, pos: number): Promise<SectionHeader> {
  const c = cursor(f, meta, await f.read(pos, 16, 'section header'), pos);
  const id = c.u16();
  const flags = c.u16();
  c.u32(); // description string id
  const size = c.u64('section size');
  if (id > MAX_KNOWN_ID) throw f.fail(`unknown section id ${id}`, pos);
  return { id, flags, size, dataOffset: pos + 16 };
}

/** Section body, decompressed when flagged (v7.5: `<u32 csize><u32 usize><data>` after the header). */
async function readSectionBody(f: DatFile, meta: TraceDatMeta, h: SectionHeader, what: string): Promise<Cursor> {
  if (h.dataOffset + h.size > f.size) {
    throw f.fail(`truncated file: ${what} section is ${h.size} bytes but the file ends at ${f.size}`, h.dataOffset);
  }
  if (!(h.flags & 1)) return cursor(f, meta, await f.read(h.dataOffset, h.size, what), h.dataOffset);
  const hdr = cursor(f, meta, await f.read(h.dataOffset, 8, `${what} compression header`), h.dataOffset);
  const csize = hdr.u32();
  const usize = hdr.u32();
  const data = await f.read(h.dataOffset + 8, csize, `${what} compressed data`);
  let out: Buffer;
  try {
    out = decompressBlock(meta.codec, data, usize);
  } catch (e) {
    throw f.fail(`corrupt compressed ${what} section (${meta.compression}): ${(e as Error).message}`, h.dataOffset + 8);
  }
  return new Cursor(out, meta.little, -1, (m) => f.fail(`${m} in decompressed ${what} section`, h.dataOffset));
}

async function readV7(f: DatFile, meta: TraceDatMeta, start: number): Promise<void> {
  const hdr = await f.readUpTo(start, 128);
  const n1 = hdr.indexOf(0);
  const n2 = n1 < 0 ? -1 : hdr.indexOf(0, n1 + 1);
  if (n2 < 0 || n2 + 9 > hdr.length) throw f.fail('truncated file: compression header', start);
  meta.compression = `${hdr.toString('latin1', 0, n1)} ${hdr.toString('latin1', n1 + 1, n2)}`.trim();
  const codec = codecFor(hdr.toString('latin1', 0, n1));
  if (!codec) throw f.fail(`unsupported compression "${hdr.toString('latin1', 0, n1)}"`, start);
  meta.codec = codec;
  let optOffset = cursor(f, meta, hdr.subarray(n2 + 1, n2 + 9), start + n2 + 1).u64('options offset');
  const sections = new Map<number, number>();
  const bufferOpts: Buffer[] = [];
  const seen = new Set<number>();
  while (optOffset !== 0) {
    if (seen.has(optOffset)) throw f.fail('options sections form a loop', optOffset);
    seen.add(optOffset);
    const h = await readSectionHeader(f, meta, optOffset);
    if (h.id !== Opt.DONE) throw f.fail(`expected an options section (id 0), found id ${h.id}`, optOffset);
    const c = await readSectionBody(f, meta, h, 'options');
    let next = 0;
    for (;;) {
      const id = c.u16('option id');
      const size = c.u32('option size');
      const data = c.bytes(size, 'option data');
      if (id === Opt.DONE) {
        next = size >= 8 ? cursor(f, meta, data, -1).u64('next options offset') : 0;
        break;
      }
      if (id === Opt.BUFFER || id === Opt.BUFFER_TEXT) bufferOpts.push(Buffer.concat([Buffer.from([id]), data]));
      else if (id >= Opt.HEADER_INFO && id <= Opt.CMDLINES && size >= 8) sections.set(id, cursor(f, meta, data, -1).u64('section offset'));
      else applyOption(meta, id, data);
    }
    optOffset = next;
  }
  const need = async (id: number, what: string, parse: (c: Cursor) => void): Promise<void> => {
    const off = sections.get(id);
    if (off === undefined) {
      if (id === Opt.HEADER_INFO || id === Opt.EVENT_FORMATS) meta.warnings.push(`no ${what} section`);
      return;
    }
    const h = await readSectionHeader(f, meta, off);
    if (h.id !== id) throw f.fail(`expected ${what} section (id ${id}), found id ${h.id}`, off);
    parse(await readSectionBody(f, meta, h, what));
  };
  await need(Opt.HEADER_INFO, 'headers', (c) => parseHeaderInfo(c, meta));
  await need(Opt.FTRACE_EVENTS, 'ftrace events', (c) => parseFtraceEvents(c, meta));
  await need(Opt.EVENT_FORMATS, 'event formats', (c) => parseEventFormats(c, meta));
  await need(Opt.KALLSYMS, 'kallsyms', (c) => {
    meta.kallsyms = Kallsyms.parse(Buffer.from(c.bytes(c.u32('kallsyms size'), 'kallsyms')));
  });
  await need(Opt.PRINTK, 'printk', (c) => {
    meta.printk = parsePrintkFormats(c.bytes(c.u32('printk size'), 'printk formats').toString('utf8'));
  });
  await need(Opt.CMDLINES, 'command lines', (c) => {
    meta.cmdlines = parseCmdlines(c.bytes(c.u64('cmdlines size'), 'saved cmdlines').toString('utf8'));
  });
  for (const raw of bufferOpts) meta.buffers.push(await parseBufferOption(f, meta, raw[0]!, raw.subarray(1)));
}

async function parseBufferOption(f: DatFile, meta: TraceDatMeta, id: number, data: Buffer): Promise<BufferInstance> {
  const c = cursor(f, meta, data, -1);
  const secOffset = c.u64('buffer section offset');
  const name = c.cstr('buffer name');
  const clock = c.cstr('buffer clock') || meta.clock;
  const h = await readSectionHeader(f, meta, secOffset);
  const compressed = (h.flags & 1) !== 0;
  if (id === Opt.BUFFER_TEXT) {
    return { name, clock, cpus: [], compressed, latency: { offset: h.dataOffset, size: h.size } };
  }
  if (c.left >= 4 && c.left < 8) throw f.fail('truncated BUFFER option', secOffset);
  // trace-cmd >= 3.0 writes the page size before the CPU count; older v7 writers did not
  if (c.left >= 8) {
    const maybePage = meta.little ? c.buf.readUInt32LE(c.pos) : c.buf.readUInt32BE(c.pos);
    const rest = c.left - 8;
    const cpusIfPage = meta.little ? c.buf.readUInt32LE(c.pos + 4) : c.buf.readUInt32BE(c.pos + 4);
    if (rest === cpusIfPage * 20 && maybePage >= 64) c.u32('buffer page size');
  }
  const count = c.u32('buffer cpu count');
  const cpus: CpuData[] = [];
  for (let i = 0; i < count; i++) cpus.push({ cpu: c.u32('cpu id'), offset: c.u64('cpu data offset'), size: c.u64('cpu data size') });
  for (const d of cpus) {
    if (d.size > 0 && d.offset + d.size > f.size) {
      meta.warnings.push(`CPU ${d.cpu} data of buffer "${name}" is cut short: ${d.size} bytes at ${at(d.offset)}, file ends at ${f.size}`);
    }
  }
  return { name, clock, cpus, compressed };
}
