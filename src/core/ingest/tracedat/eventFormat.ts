/**
 * The tracefs `format` files stored in a trace.dat (events/<system>/<event>/format and header_page), parsed
 * into field layouts. A record's payload is decoded only through these descriptions: offsets, sizes and
 * signedness differ between kernels and architectures, so nothing is hard-coded.
 */

export interface FieldFormat {
  name: string;
  /** The C type as written, e.g. `unsigned long`, `__data_loc char[]`, `unsigned long caller[8]`. */
  type: string;
  offset: number;
  size: number;
  signed: boolean;
  /** `__data_loc` (u32: length << 16 | offset from the record start). */
  dataLoc: boolean;
  /** `__rel_loc` (u32: length << 16 | offset from the end of this field). */
  relLoc: boolean;
  /** Fixed array `name[N]` (N elements of size/N bytes), or `type[]` dynamic. */
  array: boolean;
  /** Element size for arrays; the field size otherwise. */
  elemSize: number;
  /** char arrays and `__data_loc char[]` print as strings. */
  isString: boolean;
  isPointer: boolean;
}

export interface EventFormat {
  id: number;
  system: string;
  name: string;
  fields: FieldFormat[];
  /** Common fields (common_type, common_flags, common_preempt_count, common_pid) by name. */
  byName: Map<string, FieldFormat>;
  /** The text after `print fmt: `, unparsed (parsed lazily by the renderer). */
  printFmt: string;
}

const FIELD_LINE = /^\s*field:(.*?);\s*offset:(\d+);\s*size:(\d+);(?:\s*signed:(-?\d+);)?/;

export function parseField(line: string): FieldFormat | undefined {
  const m = FIELD_LINE.exec(line);
  if (!m) return undefined;
  const decl = m[1]!.trim();
  const offset = Number(m[2]);
  const size = Number(m[3]);
  const signed = m[4] === '1';
  let type: string;
  let name: string;
  let arrayLen: number | undefined;
  let array = false;
  // `unsigned long caller[8]`, `char comm[16]`, `__data_loc char[] name`, `u8 buf[]`
  const arr = /^(.*?)([A-Za-z_]\w*)\s*\[(\d*)\]$/.exec(decl);
  if (arr) {
    type = arr[1]!.trim();
    name = arr[2]!;
    array = true;
    if (arr[3]) arrayLen = Number(arr[3]);
  } else {
    const sp = /^(.*?)([A-Za-z_]\w*)$/.exec(decl);
    type = sp ? sp[1]!.trim() : decl;
    name = sp ? sp[2]! : decl;
  }
  const dataLoc = type.startsWith('__data_loc');
  const relLoc = type.startsWith('__rel_loc');
  if (/\[\]$/.test(type)) array = true;
  const base = type.replace(/^__(data|rel)_loc\s*/, '').replace(/\[\d*\]$/, '').trim();
  const isString = array && /^(const\s+)?(unsigned\s+)?char$/.test(base);
  const isPointer = /\*/.test(type);
  let elemSize = size;
  if (array && !dataLoc && !relLoc && arrayLen && arrayLen > 0) elemSize = size / arrayLen;
  else if (dataLoc || relLoc) elemSize = elemSizeOf(base);
  else if (array && arrayLen === undefined) elemSize = elemSizeOf(base);
  return { name, type: arr ? `${type} [${arr[3] ?? ''}]` : type, offset, size, signed, dataLoc, relLoc, array, elemSize, isString, isPointer };
}

function elemSizeOf(base: string): number {
  if (/char|u8|s8|__u8|bool/.test(base)) return 1;
  if (/short|u16|s16/.test(base)) return 2;
  if (/long long|u64|s64|__u64/.test(base)) return 8;
  if (/long/.test(base)) return 8;
  return 4;
}

/** Parses one event `format` file. Returns undefined when it has no name or ID (not an event format). */
export function parseEventFormat(text: string, system: string): EventFormat | undefined {
  let name: string | undefined;
  let id: number | undefined;
  let printFmt = '';
  const fields: FieldFormat[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('name:')) name = line.slice(5).trim();
    else if (line.startsWith('ID:')) id = Number(line.slice(3).trim());
    else if (line.startsWith('print fmt:')) printFmt = line.slice(10).trim();
    else if (line.includes('field:')) {
      const f = parseField(line);
      if (f) fields.push(f);
    }
  }
  if (name === undefined || id === undefined || !Number.isInteger(id)) return undefined;
  const byName = new Map<string, FieldFormat>();
  for (const f of fields) byName.set(f.name, f);
  return { id, system, name, fields, byName, printFmt };
}

/** Layout of a ring-buffer sub-buffer header, from `events/header_page`. */
export interface HeaderPage {
  timestampOffset: number;
  timestampSize: number;
  commitOffset: number;
  /** sizeof(local_t): the kernel's long size. */
  commitSize: number;
  dataOffset: number;
  /** Bytes of event data per page (`data` field size). */
  dataSize: number;
}

export function parseHeaderPage(text: string, fallbackLong: number): HeaderPage {
  const by = new Map<string, FieldFormat>();
  for (const line of text.split('\n')) {
    const f = parseField(line);
    if (f) by.set(f.name, f);
  }
  const ts = by.get('timestamp');
  const commit = by.get('commit');
  const data = by.get('data');
  return {
    timestampOffset: ts?.offset ?? 0,
    timestampSize: ts?.size ?? 8,
    commitOffset: commit?.offset ?? 8,
    commitSize: commit?.size ?? fallbackLong,
    dataOffset: data?.offset ?? 8 + (commit?.size ?? fallbackLong),
    dataSize: data?.size ?? 4096 - 16,
  };
}
