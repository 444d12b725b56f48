/**
 * trace.dat bench: our native reader in stats mode (fields off) against `trace-cmd report > /dev/null` on the
 * same large file, in the same run.
 *
 * The large file is made from a real capture (pinned-tracecmd.dat, kernel 6.1, trace-cmd 3.1.6): its
 * metadata sections are kept byte for byte, its ring-buffer pages are decompressed and replicated with every
 * page timestamp (and any absolute TIME_STAMP event) shifted by the capture's span per copy, and they are
 * written as an uncompressed flyrecord buffer section with a new options section pointing at it. The result
 * is a valid v7 file that trace-cmd itself reads (the bench checks both readers count the same events).
 *
 *   node dist/test/bench/stage-tracedat.js [--size 256M]     standalone comparison
 *   stages.ts `tracedat`                                     the same reader as a stage of `npm run bench`
 */

import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, statSync, writeSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { codecFor, decompressBlock } from '../../src/core/ingest/tracedat/compression';
import { readTraceDat } from '../../src/core/ingest/tracedat/index';
import type { BenchStage } from './stages';

const ROOT = join(__dirname, '..', '..', '..');
const SOURCE = join(ROOT, 'test', 'fixtures', 'traces', 'k6.1', 'pinned-tracecmd.dat');

interface Le {
  u16(o: number): number;
  u32(o: number): number;
  u64(o: number): number;
}

function le(b: Buffer): Le {
  return { u16: (o) => b.readUInt16LE(o), u32: (o) => b.readUInt32LE(o), u64: (o) => Number(b.readBigUInt64LE(o)) };
}

/** Shifts a page's timestamp and any absolute TIME_STAMP events in it by `shift` ns (little-endian pages). */
function shiftPage(page: Buffer, shift: bigint, dataOffset: number): void {
  page.writeBigUInt64LE(page.readBigUInt64LE(0) + shift, 0);
  const size = Number(page.readBigUInt64LE(8) & 0x7ffffffn);
  let p = dataOffset;
  const end = dataOffset + size;
  while (p + 4 <= end) {
    const w = page.readUInt32LE(p);
    const type = w & 0x1f;
    if (type === 31) {
      const abs = BigInt(page.readUInt32LE(p + 4)) * (1n << 27n) + BigInt(w >>> 5) + shift;
      page.writeUInt32LE(Number(abs & 0x7ffffffn) * 32 + 31, p);
      page.writeUInt32LE(Number(abs >> 27n), p + 4);
      p += 8;
    } else if (type === 30) p += 8;
    else if (type === 29) p += 4 + (p + 8 <= end ? page.readUInt32LE(p + 4) : end);
    else if (type === 0) p += 4 + ((page.readUInt32LE(p + 4) + 3) & ~3);
    else p += 4 + type * 4;
  }
}

/** Builds (or reuses) a large valid trace.dat of about `target` bytes next to the other bench data. */
export function buildLargeTraceDat(target: number): string {
  const out = join(ROOT, 'test', 'bench', '.data', `tracedat-${target}.dat`);
  if (existsSync(out) && statSync(out).size >= target * 0.9) return out;
  mkdirSync(dirname(out), { recursive: true });
  const src = readFileSync(SOURCE);
  const r = le(src);
  const v = src.indexOf(0, 10);
  const pageSize = r.u32(v + 3);
  const n1 = src.indexOf(0, v + 7);
  const n2 = src.indexOf(0, n1 + 1);
  const codec = codecFor(src.toString('latin1', v + 7, n1))!;
  const firstOptions = r.u64(n2 + 1);
  // the first options section: find its DONE option (to chain our options) and the BUFFER section
  let doneAt = -1;
  let next = firstOptions;
  let bufferSection = -1;
  const cpus: { cpu: number; offset: number; size: number }[] = [];
  const walked = new Set<number>();
  while (next && !walked.has(next)) {
    walked.add(next);
    let q = next + 16;
    for (;;) {
      const id = r.u16(q);
      const size = r.u32(q + 2);
      if (id === 0) {
        if (next === firstOptions) doneAt = q + 6;
        next = r.u64(q + 6);
        break;
      }
      if (id === 3) {
        bufferSection = r.u64(q + 6);
        let p = src.indexOf(0, src.indexOf(0, q + 14) + 1) + 1 + 4;
        const count = r.u32(p);
        p += 4;
        for (let i = 0; i < count; i++, p += 20) cpus.push({ cpu: r.u32(p), offset: r.u64(p + 4), size: r.u64(p + 12) });
      }
      q += 6 + size;
    }
  }
  if (doneAt < 0 || bufferSection < 0) throw new Error(`unexpected layout in ${SOURCE}`);
  const compressed = (r.u16(bufferSection + 2) & 1) === 1;
  const pages = cpus.map((c) => {
    if (!compressed) return src.subarray(c.offset, c.offset + c.size);
    const parts: Buffer[] = [];
    let p = c.offset + 4;
    for (let i = r.u32(c.offset); i > 0; i--) {
      const cs = r.u32(p);
      parts.push(decompressBlock(codec, src.subarray(p + 8, p + 8 + cs), r.u32(p + 4)));
      p += 8 + cs;
    }
    return Buffer.concat(parts);
  });
  let first = Infinity;
  let last = 0;
  for (const b of pages) {
    for (let p = 0; p + pageSize <= b.length; p += pageSize) {
      const ts = Number(b.readBigUInt64LE(p));
      first = Math.min(first, ts);
      last = Math.max(last, ts);
    }
  }
  const span = BigInt(last - first + 10_000_000);
  const perCopy = pages.reduce((s, b) => s + b.length, 0);
  const copies = Math.max(1, Math.ceil(target / perCopy));
  const tmp = `${out}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    const head = Buffer.from(src.subarray(0, bufferSection));
    // chain: the first options section's DONE now points at our options section (patched below)
    writeSync(fd, head);
    let pos = head.length;
    const secHeader = Buffer.alloc(16);
    secHeader.writeUInt16LE(3, 0);
    const dataStart = Math.ceil((pos + 16) / pageSize) * pageSize;
    const cpuBytes = pages.map((b) => b.length * copies);
    const total = dataStart - (pos + 16) + cpuBytes.reduce((s, n) => s + n, 0);
    secHeader.writeBigUInt64LE(BigInt(total), 8);
    writeSync(fd, secHeader);
    pos += 16;
    writeSync(fd, Buffer.alloc(dataStart - pos));
    pos = dataStart;
    const table: { cpu: number; offset: number; size: number }[] = [];
    pages.forEach((b, i) => {
      table.push({ cpu: cpus[i]!.cpu, offset: pos, size: cpuBytes[i]! });
      for (let k = 0; k < copies; k++) {
        const copy = Buffer.from(b);
        for (let p = 0; p + pageSize <= copy.length; p += pageSize) shiftPage(copy.subarray(p, p + pageSize), span * BigInt(k), 16);
        writeSync(fd, copy);
        pos += copy.length;
      }
    });
    const name = Buffer.from('\0mono\0', 'latin1');
    const buf = Buffer.alloc(8 + name.length + 8 + 20 * table.length);
    buf.writeBigUInt64LE(BigInt(bufferSection), 0);
    name.copy(buf, 8);
    let o = 8 + name.length;
    buf.writeUInt32LE(pageSize, o);
    buf.writeUInt32LE(table.length, o + 4);
    o += 8;
    for (const t of table) {
      buf.writeUInt32LE(t.cpu, o);
      buf.writeBigUInt64LE(BigInt(t.offset), o + 4);
      buf.writeBigUInt64LE(BigInt(t.size), o + 12);
      o += 20;
    }
    const opts = Buffer.concat([u16u32(3, buf.length), buf, u16u32(0, 8), Buffer.alloc(8)]);
    const optHeader = Buffer.alloc(16);
    optHeader.writeBigUInt64LE(BigInt(opts.length), 8);
    const optionsAt = pos;
    writeSync(fd, Buffer.concat([optHeader, opts]));
    const patch = Buffer.alloc(8);
    patch.writeBigUInt64LE(BigInt(optionsAt));
    writeSync(fd, patch, 0, 8, doneAt);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, out);
  return out;
}

function u16u32(id: number, size: number): Buffer {
  const b = Buffer.alloc(6);
  b.writeUInt16LE(id, 0);
  b.writeUInt32LE(size, 2);
  return b;
}

async function readStats(file: string): Promise<number> {
  const s = await readTraceDat(file, () => undefined, { fields: false });
  if (s.warnings.length) throw new Error(`reader warnings: ${s.warnings.join('; ')}`);
  return s.events;
}

export const tracedatStage: BenchStage = {
  name: 'tracedat',
  description: 'native trace.dat reader, fields off (on a 256 MiB trace.dat built from a real capture)',
  async run() {
    return readStats(buildLargeTraceDat(256 << 20));
  },
};

/** Standalone: build the file, then time our reader and `trace-cmd report > /dev/null` back to back. */
async function main(): Promise<void> {
  const i = process.argv.indexOf('--size');
  const m = /^(\d+)([MG]?)$/i.exec(i > 0 ? process.argv[i + 1] ?? '' : '256M');
  const size = m ? Number(m[1]) * (m[2]?.toUpperCase() === 'G' ? 1 << 30 : 1 << 20) : 256 << 20;
  const file = buildLargeTraceDat(size);
  const mb = statSync(file).size / (1 << 20);
  process.stdout.write(`file ${file} (${mb.toFixed(0)} MiB, v7, uncompressed flyrecord)\n`);
  process.stdout.write(`load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}\n`);
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  const events = await readStats(file);
  const ours = Number(process.hrtime.bigint() - t0) / 1e9;
  const c1 = process.cpuUsage(c0);
  const oursCpu = (c1.user + c1.system) / 1e6;
  process.stdout.write(
    `hmm-trace reader (stats mode):  ${ours.toFixed(2)} s wall, ${oursCpu.toFixed(2)} s CPU, ${events} events, ` +
      `${(mb / ours).toFixed(0)} MB/s, peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB\n`,
  );
  // the shell's `times` reports the CPU time of its finished children: trace-cmd's own user+sys seconds
  const t1 = process.hrtime.bigint();
  const tc = spawnSync('sh', ['-c', `trace-cmd report -i '${file.replace(/'/g, '')}' > /dev/null 2>&1 || exit 3; times`], { encoding: 'utf8' });
  const theirs = Number(process.hrtime.bigint() - t1) / 1e9;
  if (tc.error || tc.status !== 0) {
    process.stdout.write(`trace-cmd report: not run (${tc.error ? tc.error.message : `exit ${tc.status}`})\n`);
    return;
  }
  const child = /(\d+)m([\d.]+)s\s+(\d+)m([\d.]+)s\s*$/.exec(tc.stdout.trim());
  const theirsCpu = child ? Number(child[1]) * 60 + Number(child[2]) + Number(child[3]) * 60 + Number(child[4]) : NaN;
  const wc = spawnSync('sh', ['-c', `trace-cmd report -i '${file.replace(/'/g, '')}' 2>/dev/null | grep -c ': '`], { encoding: 'utf8' });
  process.stdout.write(`trace-cmd report > /dev/null:   ${theirs.toFixed(2)} s wall, ${theirsCpu.toFixed(2)} s CPU (${wc.stdout.trim()} event lines)\n`);
  process.stdout.write(`ratio trace-cmd / hmm-trace: ${(theirs / ours).toFixed(1)}x wall, ${(theirsCpu / oursCpu).toFixed(1)}x CPU\n`);
}

// bundled into bench.js too (through stages.ts), where require.main is bench.js: run only as its own entry
if (require.main === module && /stage-tracedat\.js$/.test(process.argv[1] ?? '')) {
  main().catch((e) => {
    process.stderr.write(`stage-tracedat: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  });
}
