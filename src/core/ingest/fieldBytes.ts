/**
 * The field grammar of fields.ts (keyEnd, isSeparator, keyOf, scanValue) on the bytes of a body instead of its
 * string: what FieldRanges reads when a transient read left the body in the read buffer (textEvent.ts). The
 * grammar's delimiters are all ASCII and UTF-8 never puts an ASCII byte inside a multi-byte character, so the
 * same positions delimit the same keys and values, and a value's bytes decode to the value's characters.
 */

import { utf8Text } from './bytes';
import { valueAt } from './fields';

function isKeyStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 /* _ */ || c === 36 /* $ */;
}

function isKeyChar(c: number): boolean {
  return isKeyStart(c) || (c >= 48 && c <= 57) || c === 46 /* . */ || c === 91 /* [ */ || c === 93 /* ] */;
}

/** keyEnd of fields.ts on bytes [i, n) of buf. */
export function keyEndIn(buf: Uint8Array, i: number, n: number): number {
  let k = i;
  if (k < n && isKeyStart(buf[k])) {
    k++;
    while (k < n) {
      const c = buf[k];
      if (isKeyChar(c)) k++;
      else if (c === 45 /* - */ && k + 1 < n && buf[k + 1] === 62 /* > */) k += 2; // ARG->member
      else break;
    }
  }
  return k;
}

/** isSeparator of fields.ts: `=`, or `:` glued to the value. */
export function isSeparatorIn(buf: Uint8Array, i: number, k: number, n: number): boolean {
  const sep = k > i && k < n ? buf[k] : 0;
  return sep === 61 /* = */ || (sep === 58 /* : */ && k + 1 < n && buf[k + 1] !== 32);
}

const KEY_SLOTS = 1024;
const keySlots: (string | undefined)[] = new Array<string | undefined>(KEY_SLOTS).fill(undefined);

/** The key [i, k) as a string, the same string object for the same key (keys are ASCII: isKeyChar). */
export function keyOfBytes(buf: Buffer, i: number, k: number): string {
  const len = k - i;
  const slot = (len * 31 + buf[i] * 7 + buf[k - 1] * 3 + buf[i + (len >> 1)]) & (KEY_SLOTS - 1);
  const hit = keySlots[slot];
  if (hit !== undefined && hit.length === len) {
    let c = 0;
    while (c < len && hit.charCodeAt(c) === buf[i + c]) c++;
    if (c === len) return hit;
  }
  const key = utf8Text(buf, i, k);
  keySlots[slot] = key;
  return key;
}

/** scanValue of fields.ts on bytes [i, n): sets valueAt. */
export function scanValueIn(buf: Uint8Array, i: number, n: number): void {
  const c = i < n ? buf[i] : -1;
  if (c === 34 /* " */) {
    let e = i + 1;
    while (e < n && buf[e] !== 34) e += buf[e] === 92 /* \ */ ? 2 : 1;
    valueAt.start = i + 1;
    valueAt.stop = Math.min(e, n);
    e = Math.min(e + 1, n);
    if (e < n && buf[e] === 44) e++;
    valueAt.end = e;
    return;
  }
  if (c === 123 /* { */) {
    let close = i;
    while (close < n && buf[close] !== 125 /* } */) close++;
    const e = close === n ? n : close + 1;
    valueAt.start = i;
    valueAt.stop = e;
    valueAt.end = e < n && buf[e] === 44 ? e + 1 : e;
    return;
  }
  let e = i;
  while (e < n && buf[e] !== 32) e++;
  valueAt.start = i;
  valueAt.stop = e > i && buf[e - 1] === 44 ? e - 1 : e;
  valueAt.end = e;
}
