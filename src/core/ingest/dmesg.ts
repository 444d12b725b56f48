/**
 * Kernel logs: `dmesg` (`[  812.331020] text`, local_clock seconds: the same clock as ftrace's `local`
 * clock in practice), `journalctl -k -o short-monotonic` (`[  812.331020] host kernel: text`),
 * `journalctl -k` (`Nov 21 05:24:01 host kernel: text`, wall clock: ts is ns since Jan 1 of an unknown year),
 * and `dmesg -T` (`[Sat Nov 21 05:24:01 2026] text`). A line without a timestamp prefix continues the
 * message above (multi-line WARN/Oops dumps print their own prefix on every line, so this is rare).
 *
 * Every message is a `driver-log` event; `driver` (and the event name) says who printed it, from the
 * prefixes the drivers use (reference §3.5–3.8):
 * - nouveau: `nouveau 0000:01:00.0: DRM: svm-%p: invalidate %016lx-%016lx` / `addr %016llx` / `fault ...`
 * - amdkfd: `amdgpu 0000:03:00.0: ...` or pr_debug lines from kfd_svm.c/kfd_migrate.c (`svm_range_*`,
 *   `kfd_migrate*`, `[0x.. 0x..] range[...] notifier[...] N`)
 * - xe: `xe 0000:00:02.0: [drm:...] INVALIDATE: asid=...` and the drm_gpusvm range messages
 * - test_hmm: `test_hmm: ...`, `HMM test module loaded...`, `added new %u MB chunk ...`
 */

import type { Accounting } from './accounting';
import { HASH, Interner, skipSpaces, trimEnd } from './bytes';
import { splitFields } from './fields';
import { newEvent, type LineParser } from './reader';
import type { RawEvent, ReadOptions } from './types';

const BRACKET_TS = /^\[\s*(\d+)\.(\d{1,9})\]\s?/;
const JOURNAL = /^([A-Z][a-z]{2}) ([ \d]\d) (\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))? (\S+) kernel: ?/;
const CTIME = /^\[[A-Z][a-z]{2} ([A-Z][a-z]{2}) ([ \d]\d) (\d\d):(\d\d):(\d\d) (\d{4})\] ?/;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const MONTH_DAYS = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];

export function driverOf(message: string): string {
  if (message.startsWith('nouveau ')) return 'nouveau';
  if (message.startsWith('xe ') || message.includes('INVALIDATE: asid=') || message.includes('gpusvm=')) return 'xe';
  if (
    message.startsWith('amdgpu ') ||
    message.startsWith('kfd') ||
    message.startsWith('amdkfd') ||
    /^svm_range_\w+:|^svm_migrate_\w+:|^kfd_\w+:/.test(message) ||
    /^\[0x[0-9a-f]+ 0x[0-9a-f]+\] range\[/.test(message)
  ) {
    return 'amdkfd';
  }
  if (message.startsWith('test_hmm') || message.startsWith('HMM test module') || message.startsWith('dmirror')) return 'test_hmm';
  if (/^added new \d+ MB chunk/.test(message) || message.startsWith('page already in device spage')) return 'test_hmm';
  return 'kernel';
}

/** The message after the device prefix (`nouveau 0000:01:00.0: DRM: `), which is where the fields are. */
function messageBody(driver: string, message: string): string {
  if (driver === 'nouveau' || driver === 'xe' || (driver === 'amdkfd' && message.startsWith('amdgpu '))) {
    const m = /^\S+ [0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.\d: (?:\[drm(?::[^\]]*)?\] )?(?:DRM: )?/.exec(message);
    if (m) return message.slice(m[0].length);
  }
  return message;
}

export class DmesgParser implements LineParser {
  tracer?: string;
  declaredCpus?: number;
  counter = false;
  private readonly names = new Interner();
  private readonly withFields: boolean;
  private last: RawEvent | undefined;
  private kinds = new Set<string>();

  constructor(
    private readonly acc: Accounting,
    opts: ReadOptions,
  ) {
    this.withFields = opts.fields !== false;
  }

  line(buf: Buffer, start: number, end: number, lineNo: number, offset: number): void {
    const acc = this.acc;
    const s = skipSpaces(buf, start, end);
    if (s >= end) {
      acc.blankLines++;
      return;
    }
    const text = buf.toString('utf8', start, trimEnd(buf, start, end));
    if (buf[s] === HASH || text.startsWith('-- ')) {
      acc.commentLines++; // journalctl's "-- Logs begin at ... --" / "-- Boot ... --"
      return;
    }
    let ts = -1;
    let rest = '';
    let m: RegExpExecArray | null;
    if ((m = BRACKET_TS.exec(text))) {
      ts = Number(m[1]) * 1e9 + Number(m[2].padEnd(9, '0'));
      rest = text.slice(m[0].length);
      // journalctl -o short-monotonic: "[  812.331020] host kernel: text"
      const jk = /^\S+ kernel: ?/.exec(rest);
      if (jk) rest = rest.slice(jk[0].length);
      this.kinds.add('[seconds]');
    } else if ((m = JOURNAL.exec(text))) {
      const day = MONTH_DAYS[MONTHS.indexOf(m[1])] + Number(m[2]) - 1;
      const secs = day * 86400 + Number(m[3]) * 3600 + Number(m[4]) * 60 + Number(m[5]);
      ts = secs * 1e9 + (m[6] ? Number(m[6].padEnd(9, '0')) : 0);
      rest = text.slice(m[0].length);
      this.kinds.add('journalctl wall clock');
    } else if ((m = CTIME.exec(text))) {
      const day = MONTH_DAYS[MONTHS.indexOf(m[1])] + Number(m[2]) - 1;
      ts = (day * 86400 + Number(m[3]) * 3600 + Number(m[4]) * 60 + Number(m[5])) * 1e9;
      rest = text.slice(m[0].length);
      this.kinds.add('dmesg -T wall clock');
    } else if (this.last) {
      this.last.body += `\n${text}`;
      this.last.lineCount++;
      acc.parsedLines++;
      return;
    } else {
      acc.unparsed(lineNo, text, 'no [seconds] or journalctl timestamp');
      return;
    }
    const driver = driverOf(rest);
    const ev = newEvent(lineNo, offset, ts, -1, -1, '', this.withFields);
    const name = Buffer.from(driver);
    ev.name = this.names.get(name, 0, name.length);
    ev.system = 'printk';
    ev.kind = 'driver-log';
    ev.driver = ev.name;
    ev.body = rest;
    ev.message = messageBody(driver, rest);
    if (this.withFields) driverFields(driver, ev.message, ev.fields);
    acc.parsedLines++;
    acc.event(ev);
    this.last = ev;
  }

  finish(): void {
    this.acc.drain(true);
  }

  detail(): string {
    return `kernel log (${[...this.kinds].join(', ') || 'no timestamps'})`;
  }
}

/**
 * Fields of the driver messages that matter (values as printed, hex without 0x where the driver prints so):
 * nouveau `svm-%p: invalidate %016lx-%016lx` → svmm, start, end; `svm-%p: addr %016llx` → svmm, addr;
 * `svm: fault %016llx %016llx %02x` → inst, addr, access; amdkfd `[s e] range[s e] notifier[s e] ev`;
 * xe `INVALIDATE: asid=.., start=0x.., event=N` (key=value) — and key=value anywhere else.
 */
export function driverFields(driver: string, msg: string, into: Record<string, string>): void {
  let m: RegExpExecArray | null;
  if (driver === 'nouveau') {
    if ((m = /^svm-([0-9a-fx]+): invalidate ([0-9a-f]+)-([0-9a-f]+)/.exec(msg))) {
      into.svmm = m[1];
      into.start = m[2];
      into.end = m[3];
      return;
    }
    if ((m = /^svm-([0-9a-fx]+): addr ([0-9a-f]+)/.exec(msg))) {
      into.svmm = m[1];
      into.addr = m[2];
      return;
    }
    if ((m = /^svm: fault ([0-9a-f]+) ([0-9a-f]+) ([0-9a-f]+)/.exec(msg))) {
      into.inst = m[1];
      into.addr = m[2];
      into.access = m[3];
      return;
    }
  }
  if (driver === 'amdkfd') {
    const body = msg.replace(/^\w+: /, '');
    if ((m = /^\[(0x[0-9a-f]+) (0x[0-9a-f]+)\] range\[(0x[0-9a-f]+) (0x[0-9a-f]+)\] notifier\[(0x[0-9a-f]+) (0x[0-9a-f]+)\] (\d+)/.exec(body))) {
      into.start = m[1];
      into.last = m[2];
      into.range_start = m[3];
      into.range_last = m[4];
      into.notifier_start = m[5];
      into.notifier_last = m[6];
      into.event = m[7];
      return;
    }
  }
  splitFields(msg.replace(/, /g, ' '), into);
}
