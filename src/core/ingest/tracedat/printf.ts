/**
 * One printf conversion as libtraceevent's print_arg_data()/trace_seq_printf() produce it: the length
 * modifier picks the C type the value is cast to (`%d` int, `%ld` the traced kernel's long, `%lld` 64 bits),
 * `%p` prints 0x-hex, `%ps`/`%pS` kernel symbols (`0x...` when none), `%pM` MAC and `%pI4` IPv4 addresses.
 */

import { bytesToString, type RecordView, type Val } from './recordData';
import type { Conv, RenderEnv } from './render';

function asNumber(v: Val): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'string') throw new TypeError('string used as a number');
  return BigInt(v.start);
}

function pad(s: string, width: number | undefined, flags: string, zeroOk: boolean): string {
  if (width === undefined || s.length >= width) return s;
  if (flags.includes('-')) return s.padEnd(width);
  if (zeroOk && flags.includes('0')) {
    const sign = /^[-+ ]/.test(s) ? s[0]! : '';
    const pre = s.slice(sign.length).startsWith('0x') ? '0x' : '';
    const digits = s.slice(sign.length + pre.length);
    return sign + pre + digits.padStart(width - sign.length - pre.length, '0');
  }
  return s.padStart(width);
}

function lengthBits(length: string, longSize: number): number {
  switch (length) {
    case 'hh': return 8;
    case 'h': return 16;
    case 'l': return longSize * 8;
    case 'll': case 'L': case 'q': case 'j': return 64;
    case 'z': case 't': return longSize * 8;
    default: return 32;
  }
}

export function formatOne(c: Conv, width: number | undefined, prec: number | undefined, v: Val, r: RecordView, env: RenderEnv): string {
  if (c.conv === 's') {
    let s = typeof v === 'string' ? v : typeof v === 'object' ? bytesToString(r, v) : v.toString();
    if (prec !== undefined) s = s.slice(0, prec);
    return pad(s, width, c.flags, false);
  }
  if (c.conv === 'p') {
    const addr = BigInt.asUintN(env.longSize * 8, asNumber(v));
    const ext = c.pext[0];
    if (ext && /[FfSsBb]/.test(ext)) {
      const sym = env.syms.lookup(addr);
      if (!sym) return pad(`0x${addr.toString(16)}`, width, c.flags, false);
      const s = ext === 'F' || ext === 'S' ? `${sym.symbol}+0x${sym.offset.toString(16)}` : sym.symbol;
      return pad(s, width, c.flags, false);
    }
    if ((ext === 'M' || ext === 'm') && typeof v === 'object') {
      const hex: string[] = [];
      for (let i = 0; i < Math.min(6, v.len); i++) hex.push(r.buf[v.start + i]!.toString(16).padStart(2, '0'));
      return hex.join(ext === 'M' ? ':' : '');
    }
    if (c.pext === 'I4' || c.pext === 'i4') {
      if (typeof v === 'object' && v.len >= 4) return [0, 1, 2, 3].map((i) => String(r.buf[v.start + i])).join('.');
    }
    return pad(`0x${addr.toString(16)}`, width, c.flags, false);
  }
  const bits = lengthBits(c.length, env.longSize);
  const raw = asNumber(v);
  if (c.conv === 'c') return pad(String.fromCharCode(Number(BigInt.asUintN(8, raw))), width, c.flags, false);
  let text: string;
  if (c.conv === 'd' || c.conv === 'i') {
    const n = BigInt.asIntN(bits, raw);
    const neg = n < 0n;
    let digits = (neg ? -n : n).toString();
    if (prec !== undefined) digits = digits.padStart(prec, '0');
    text = (neg ? '-' : c.flags.includes('+') ? '+' : c.flags.includes(' ') ? ' ' : '') + digits;
  } else {
    const n = BigInt.asUintN(bits, raw);
    const radix = c.conv === 'o' ? 8 : c.conv === 'u' ? 10 : 16;
    let digits = n.toString(radix);
    if (c.conv === 'X') digits = digits.toUpperCase();
    if (prec !== undefined) digits = digits.padStart(prec, '0');
    const alt = c.flags.includes('#') && n !== 0n ? (c.conv === 'o' ? '0' : c.conv === 'x' ? '0x' : c.conv === 'X' ? '0X' : '') : '';
    text = alt + digits;
  }
  return pad(text, width, c.flags, prec === undefined);
}
