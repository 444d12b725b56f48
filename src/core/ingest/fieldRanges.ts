/**
 * The fields of a body as ranges of its text instead of a `Record` of new strings: what the decoder reads on
 * the model build's hot path. A probe line like `(sym+0x0/0x190) start=0x7f.. end=0x7f.. flags=1 event=6
 * owner=0xff.. mm=0xff..` would otherwise cost an object and six value strings, all garbage right after the
 * decode (the store keeps numbers; 1.5 M events at 256 MiB: ~0.8 s of the ingest and much of its GC).
 *
 * Same grammar as splitFields (fields.ts: keyEnd, isSeparator, scanValue are shared), and the same answers:
 * the value of a key is the last one written for it, the first key is the first one written. A value that
 * is not one run of the text (a continuation word after a quoted or comma-ended value, or after two spaces)
 * makes scan() refuse, and the caller uses splitFields. fieldRanges.test.ts checks every fixture event.
 *
 * scanBytes / scanBytesAs read the same from the bytes of a body a transient read left in its buffer
 * (fieldBytes.ts: the same grammar on bytes); the ranges are then byte ranges of `bytes`.
 */

import { utf8Text } from './bytes';
import { isSeparatorIn, keyEndIn, keyOfBytes, scanValueIn } from './fieldBytes';
import { isSeparator, keyEnd, keyOf, scanValue, valueAt } from './fields';

export class FieldRanges {
  /** The text the ranges point into (scan, scanAs). */
  text = '';
  /** The bytes the ranges point into (scanBytes, scanBytesAs); undefined when they point into `text`. */
  bytes: Buffer | undefined = undefined;
  /** Number of key=value pairs read (a key written twice counts twice; lookups take the last). */
  count = 0;
  private readonly keys: string[] = [];
  /** The keys of the pairs: `keys`, or the expected keys a scanBytesAs() matched. */
  private keyList: readonly string[] = this.keys;
  private starts = new Int32Array(16);
  private stops = new Int32Array(16);

  /** Reads the fields of `text` from index `from`. false: a value is not one run of the text (see above). */
  scan(text: string, from: number): boolean {
    this.text = text;
    this.bytes = undefined;
    this.count = 0;
    this.keyList = this.keys;
    const n = text.length;
    let i = from;
    let last = -1;
    while (i < n) {
      while (i < n && text.charCodeAt(i) === 32) i++;
      if (i >= n) break;
      const k = keyEnd(text, i);
      if (isSeparator(text, i, k)) {
        const key = keyOf(text, i, k);
        // a property store of `__proto__` sets nothing on a Record: leave such bodies to splitFields
        if (key === '__proto__') return false;
        scanValue(text, k + 1);
        last = this.push(key, valueAt.start, valueAt.stop);
        i = valueAt.end;
        continue;
      }
      let e = i;
      while (e < n && text.charCodeAt(e) !== 32) e++;
      const arrow = e - i === 3 && text.startsWith('==>', i);
      if (last !== -1 && !arrow) {
        // splitFields appends ` word` (without a trailing comma): one run only right after the value's end
        if (this.stops[last] !== i - 1 || text.charCodeAt(i - 1) !== 32) return false;
        this.stops[last] = text.charCodeAt(e - 1) === 44 ? e - 1 : e;
      }
      if (arrow) last = -1;
      i = e;
    }
    return true;
  }

  /**
   * scan() for a text whose keys are expected to be `keys`, in order (a probe prints the same fetchargs on
   * every hit): each key is compared in place instead of being delimited and looked up. false when the text
   * has other keys or words; the caller then runs scan(). The same ranges as scan() when true: the compared
   * characters are a whole key (keyEnd stops at the separator that follows), and nothing else is in the text.
   */
  scanAs(text: string, from: number, keys: readonly string[]): boolean {
    this.text = text;
    this.bytes = undefined;
    this.count = 0;
    this.keyList = this.keys;
    const n = text.length;
    let i = from;
    for (let j = 0; j < keys.length; j++) {
      while (i < n && text.charCodeAt(i) === 32) i++;
      const key = keys[j];
      const k = i + key.length;
      if (k >= n) return false;
      for (let c = 0; c < key.length; c++) if (text.charCodeAt(i + c) !== key.charCodeAt(c)) return false;
      const sep = text.charCodeAt(k);
      if (sep !== 61 /* = */ && (sep !== 58 /* : */ || k + 1 >= n || text.charCodeAt(k + 1) === 32)) return false;
      scanValue(text, k + 1);
      this.push(key, valueAt.start, valueAt.stop);
      i = valueAt.end;
    }
    while (i < n && text.charCodeAt(i) === 32) i++;
    return i >= n;
  }

  /** scan() of the bytes [from, n) of buf. */
  scanBytes(buf: Buffer, from: number, n: number): boolean {
    this.bytes = buf;
    this.count = 0;
    this.keyList = this.keys;
    let i = from;
    let last = -1;
    while (i < n) {
      while (i < n && buf[i] === 32) i++;
      if (i >= n) break;
      const k = keyEndIn(buf, i, n);
      if (isSeparatorIn(buf, i, k, n)) {
        const key = keyOfBytes(buf, i, k);
        if (key === '__proto__') return false;
        scanValueIn(buf, k + 1, n);
        last = this.push(key, valueAt.start, valueAt.stop);
        i = valueAt.end;
        continue;
      }
      let e = i;
      while (e < n && buf[e] !== 32) e++;
      const arrow = e - i === 3 && buf[i] === 61 && buf[i + 1] === 61 && buf[i + 2] === 62; // ==>
      if (last !== -1 && !arrow) {
        if (this.stops[last] !== i - 1 || buf[i - 1] !== 32) return false;
        this.stops[last] = buf[e - 1] === 44 ? e - 1 : e;
      }
      if (arrow) last = -1;
      i = e;
    }
    return true;
  }

  /**
   * scanAs() of the bytes [from, n) of buf (keys are ASCII, so a key's chars compare with its bytes). The
   * ranges' keys are then `keys` itself (no copy; the caller does not change it). A plain word value (no
   * quote or brace) is delimited here, not by scanValueIn: the same run to the next space, a trailing comma
   * left out (~100 ns a probe body before, ~60 after).
   */
  scanBytesAs(buf: Buffer, from: number, n: number, keys: readonly string[]): boolean {
    this.bytes = buf;
    this.count = 0;
    this.keyList = keys;
    const count = keys.length;
    if (this.starts.length < count) this.grow(count);
    const starts = this.starts;
    const stops = this.stops;
    let i = from;
    for (let j = 0; j < count; j++) {
      while (i < n && buf[i] === 32) i++;
      const key = keys[j];
      const len = key.length;
      const k = i + len;
      if (k >= n) return false;
      for (let c = 0; c < len; c++) {
        const b = buf[i + c];
        if (b !== key.charCodeAt(c) || b >= 0x80) return false;
      }
      const sep = buf[k];
      if (sep !== 61 /* = */ && (sep !== 58 /* : */ || k + 1 >= n || buf[k + 1] === 32)) return false;
      const v = k + 1;
      const c0 = v < n ? buf[v] : -1;
      if (c0 === 34 /* " */ || c0 === 123 /* { */) {
        scanValueIn(buf, v, n);
        starts[j] = valueAt.start;
        stops[j] = valueAt.stop;
        i = valueAt.end;
        continue;
      }
      let e = v;
      while (e < n && buf[e] !== 32) e++;
      starts[j] = v;
      stops[j] = e > v && buf[e - 1] === 44 ? e - 1 : e;
      i = e;
    }
    this.count = count;
    while (i < n && buf[i] === 32) i++;
    return i >= n;
  }

  /** Index of the value of `key` (the last pair written with it), or -1. */
  indexOf(key: string): number {
    const keys = this.keyList;
    for (let j = this.count - 1; j >= 0; j--) if (keys[j] === key) return j;
    return -1;
  }

  key(j: number): string {
    return this.keyList[j];
  }

  start(j: number): number {
    return this.starts[j];
  }

  stop(j: number): number {
    return this.stops[j];
  }

  /** Room for `n` pairs. */
  private grow(n: number): void {
    const s = new Int32Array(n);
    s.set(this.starts);
    this.starts = s;
    const t = new Int32Array(n);
    t.set(this.stops);
    this.stops = t;
  }

  /** The value of pair j as a string. */
  value(j: number): string {
    const b = this.bytes;
    return b !== undefined ? utf8Text(b, this.starts[j], this.stops[j]) : this.text.slice(this.starts[j], this.stops[j]);
  }

  private push(key: string, start: number, stop: number): number {
    const j = this.count++;
    if (j === this.starts.length) this.grow(j * 2);
    this.keys[j] = key;
    this.starts[j] = start;
    this.stops[j] = stop;
    return j;
  }
}
