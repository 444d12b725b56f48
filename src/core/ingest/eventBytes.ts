/**
 * The counting-only path of the event parser (`ReadOptions.bodies: false`, used by `stats`): the same
 * name / system / kind decisions as eventText.ts, made on bytes without decoding the body or the probe
 * sites, with what a name alone says cached per name. countingMode.test.ts checks that it accepts and
 * names exactly what the full parser does.
 */

import { COLON, LPAREN, SP, indexOfByte, skipSpaces, trimEnd, type Interner } from './bytes';
import { KNOWN_SYSTEM, MARK_PREFIX, TextResult, nameEnd, parseEventText, type TextStyle } from './eventText';
import type { NameGuess } from './nameGuess';
import { NameClass, type NameInfo, cachedByteHead, nameInfo, rememberByteHead } from './nameInfo';
import type { RawEvent } from './types';

/**
 * Counting-only variant of parseEventText (`bodies: false`): the same name, system and kind decisions
 * from the bytes, without decoding the body or the probe sites. Lines it accepts are exactly the lines
 * parseEventText accepts for tracefs text and trace-cmd report (the property test checks it on every
 * capture), so `stats` counts do not depend on the mode.
 *
 * What the name says rides on its interned entry (the NameInfo parseEventText keeps there too): no lookup by
 * name per event. A Map lookup by name and a byte loop over the kept head cost ~0.1 s of a 256 MiB `stats`.
 */
export function classifyEventBytes(
  buf: Buffer,
  s: number,
  e: number,
  style: Exclude<TextStyle, 'perf'>,
  names: Interner<NameInfo>,
  ev: RawEvent,
  guess?: NameGuess<NameInfo>,
): TextResult {
  e = trimEnd(buf, s, e);
  if (s >= e) return TextResult.Fail;
  let t = s;
  let entry = guess?.find(buf, s, e);
  if (entry !== undefined) {
    t += entry.run.length;
  } else {
    t = nameEnd(buf, t, e);
    if (t === s || t >= e) return TextResult.Fail;
    if (buf[t] !== COLON) return parseEventText(buf, s, e, style, false, names, ev, false, guess);
    entry = names.entry(buf, s, t);
    guess?.remember(buf, s, e, entry);
  }
  ev.name = entry.str;
  const known = entry.data;
  const info = known !== undefined && known.style === style ? known : (entry.data = nameInfo(entry.str, style, KNOWN_SYSTEM));
  if (info.system !== undefined) ev.system = info.system;
  let b = t + 1;
  if (style !== 'ftrace') b = skipSpaces(buf, b, e);
  else if (b < e && buf[b] === SP) b++;
  switch (info.cls) {
    case NameClass.Other: {
      const first = b < e ? buf[b] : 0;
      if (first === 60 /* < */) return parseEventText(buf, s, e, style, false, names, ev, false, guess);
      ev.kind = first === LPAREN ? probeKindCached(info, buf, b, e) : 'tracepoint';
      break;
    }
    case NameClass.Marker:
      ev.kind = 'marker';
      break;
    case NameClass.Print:
      ev.kind = startsWithBytes(buf, b, e, MARK_PREFIX) ? 'marker' : 'tracepoint';
      break;
    case NameClass.Function:
      // tracefs prints `function: ...` only for odd lines: the full parser decides
      if (style !== 'tracecmd') return parseEventText(buf, s, e, style, false, names, ev, false, guess);
      ev.kind = 'function';
      break;
    case NameClass.Console:
      ev.kind = 'driver-log';
      break;
    case NameClass.SyscallEnter:
      ev.kind = 'syscall-enter';
      break;
    case NameClass.SyscallExit:
      ev.kind = 'syscall-exit';
      break;
    default:
      // stacks and trace-cmd graph lines
      return parseEventText(buf, s, e, style, false, names, ev, false, guess);
  }
  return TextResult.Event;
}

function startsWithBytes(buf: Buffer, s: number, e: number, str: string): boolean {
  if (e - s < str.length) return false;
  for (let k = 0; k < str.length; k++) if (buf[s + k] !== str.charCodeAt(k)) return false;
  return true;
}

/**
 * The kind of the `(...)` head at b, through the heads kept under this name (NameInfo.byteHeads): a kprobe
 * prints the same head on every hit and a kretprobe one of a few, so a word compare replaces parsing it again.
 */
function probeKindCached(info: NameInfo, buf: Buffer, b: number, e: number): RawEvent['kind'] {
  const known = cachedByteHead(info, buf, b, e);
  if (known !== undefined) return known.kind;
  const close = indexOfByte(buf, 41 /* ) */, b, Math.min(e, b + 512));
  const kind = probeKindOfBytes(buf, b, e);
  if (close !== -1 && (close + 1 === e || buf[close + 1] === SP)) rememberByteHead(info, buf, b, close, kind);
  return kind;
}

/** A site as parseProbeSite accepts it: `sym+0xO/0xS`, `sym+0xO`, `sym`, each with ` [mod]`, or hex. */
function siteKind(buf: Buffer, s: number, e: number): 0 | 1 | 2 {
  // returns 0 invalid, 1 symbol-with-size or address (a kprobe head), 2 other valid site
  while (s < e && buf[s] === SP) s++;
  while (e > s && buf[e - 1] === SP) e--;
  if (e > s && buf[e - 1] === 93 /* ] */) {
    let k = e - 1;
    while (k > s && buf[k] !== 91 /* [ */) k--;
    if (k > s + 1 && buf[k - 1] === SP) e = k - 1;
  }
  if (s >= e) return 0;
  let plus = -1;
  let slash = -1;
  let hexOnly = true;
  for (let i = s; i < e; i++) {
    const c = buf[i];
    if (c === SP) return 0;
    if (c === 43 /* + */ && buf[i + 1] === 48 && buf[i + 2] === 120) plus = i;
    else if (c === 47 /* / */ && plus !== -1) slash = i;
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (i === s + 1 && c === 120 && buf[s] === 48))) hexOnly = false;
  }
  const n = e - s - (buf[s] === 48 && buf[s + 1] === 120 ? 2 : 0);
  if (hexOnly && n >= 6 && n <= 16) return 1;
  if (plus > s) {
    if (!isHexRunBytes(buf, plus + 3, slash === -1 ? e : slash)) return 0;
    if (slash === -1) return 2;
    const sz = buf[slash + 1] === 48 && buf[slash + 2] === 120 ? slash + 3 : slash + 1;
    return isHexRunBytes(buf, sz, e) ? 1 : 0;
  }
  return 2;
}

function isHexRunBytes(buf: Buffer, s: number, e: number): boolean {
  if (s >= e) return false;
  for (let i = s; i < e; i++) {
    const c = buf[i];
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70))) return false;
  }
  return true;
}

/** The kind parseProbeHead would give a body starting at `(` (b), decided on bytes. */
function probeKindOfBytes(buf: Buffer, b: number, e: number): 'kprobe' | 'kretprobe' | 'tracepoint' {
  const close = indexOfByte(buf, 41 /* ) */, b, e);
  if (close < b + 2) return 'tracepoint';
  if (close + 1 < e && buf[close + 1] !== SP) return 'tracepoint';
  // " <- " inside?
  for (let i = b + 1; i + 3 < close; i++) {
    if (buf[i] === SP && buf[i + 1] === 60 && buf[i + 2] === 45 && buf[i + 3] === SP) {
      return siteKind(buf, b + 1, i) !== 0 && siteKind(buf, i + 4, close) !== 0 ? 'kretprobe' : 'tracepoint';
    }
  }
  return siteKind(buf, b + 1, close) === 1 ? 'kprobe' : 'tracepoint';
}
