/**
 * x86_64 page-table-entry decoding for the `pte=` of `set/remove_migration_pte` and the `orig_pte` of
 * `do_swap_page` (arch/x86/include/asm/pgtable_64.h, include/linux/swapops.h).
 *
 * A present PTE has _PAGE_PRESENT (bit 0) or _PAGE_PROTNONE (bit 8) set; its pfn sits in bits 12..51.
 * Anything else that is not zero is a swap entry: since the L1TF mitigation (4.19) x86_64 stores the swap
 * type in the top 5 bits and the *inverted* offset below it:
 *   type   = pte >> 59
 *   offset = (~pte << 5) >> 14        (SWP_TYPE_BITS = 5, SWP_OFFSET_SHIFT = 9 + 5)
 * For migration and device entries the offset is the pfn of the page.
 *
 * The non-file types sit above MAX_SWAPFILES, which depends on the config: MAX_SWAPFILES =
 * 32 - SWP_DEVICE_NUM(4) - SWP_MIGRATION_NUM(3) - SWP_HWPOISON_NUM(1) - SWP_PTE_MARKER_NUM(1) = 23 with
 * DEVICE_PRIVATE, MIGRATION, MEMORY_FAILURE and PTE markers enabled (distro configs, and the 6.1/6.12 capture
 * kernels: device-private writable entries print as 0xdfff.., i.e. type 27, exclusive ones as 0xefff..,
 * type 29, migration-read entries as 0xc7ff.., type 24).
 */

import { hexBig } from './fields';

export type PteKind =
  | 'none'
  | 'present'
  | 'swap'
  | 'migration'
  | 'device-private'
  | 'device-exclusive'
  | 'hwpoison'
  | 'marker';

export interface DecodedPte {
  kind: PteKind;
  /** Present: the mapped pfn. Migration/device entries: the pfn in the offset. Swap: the offset. */
  pfn?: number;
  /** Swap type number for non-present entries. */
  type?: number;
  /** Present: _PAGE_RW; migration/device entries: the WRITE variant of the type. */
  writable?: boolean;
  /** Present PTE flags worth a word. */
  flags?: string[];
  /** One-line description: `present pfn=0x1f08 RW`, `device-private entry pfn=0xfcffff0 W`. */
  text: string;
}

const MAX_SWAPFILES = 23;
const TYPE_NAMES: Record<number, { kind: PteKind; write?: boolean; label: string }> = {
  [MAX_SWAPFILES]: { kind: 'hwpoison', label: 'hwpoison entry' },
  [MAX_SWAPFILES + 1]: { kind: 'migration', write: false, label: 'migration entry (read)' },
  [MAX_SWAPFILES + 2]: { kind: 'migration', write: false, label: 'migration entry (read-exclusive)' },
  [MAX_SWAPFILES + 3]: { kind: 'migration', write: true, label: 'migration entry (write)' },
  [MAX_SWAPFILES + 4]: { kind: 'device-private', write: true, label: 'device-private entry' },
  [MAX_SWAPFILES + 5]: { kind: 'device-private', write: false, label: 'device-private entry' },
  [MAX_SWAPFILES + 6]: { kind: 'device-exclusive', write: true, label: 'device-exclusive entry' },
  [MAX_SWAPFILES + 7]: { kind: 'device-exclusive', write: false, label: 'device-exclusive entry' },
  [MAX_SWAPFILES + 8]: { kind: 'marker', label: 'pte marker' },
};

/**
 * Decodes a PTE from its two 32-bit halves as numbers: the replay asks for one per migration PTE and swap
 * fault (~0.15 M at 256 MiB), and BigInt masks and shifts allocate a value each (~1.4 µs a PTE, ~0.2 s).
 */
export function decodePte(pte: bigint): DecodedPte {
  const v = BigInt.asUintN(64, pte);
  const lo = Number(v & 0xffffffffn);
  const hi = Number(v >> 32n);
  if (hi === 0 && lo === 0) return { kind: 'none', text: 'none (pte_none)' };
  if ((lo & 1) !== 0 || (lo & 0x100) !== 0) {
    // bits 12..51
    const pfn = (hi & 0xfffff) * 0x100000 + (lo >>> 12);
    const flags: string[] = [];
    if ((lo & 1) === 0) flags.push('PROTNONE');
    if (lo & 2) flags.push('RW');
    if (lo & 4) flags.push('USER');
    if (lo & 0x40) flags.push('DIRTY');
    if (hi & 0x80000000) flags.push('NX');
    return { kind: 'present', pfn, writable: (lo & 2) !== 0, flags, text: `present pfn=0x${pfn.toString(16)} ${flags.join('|')}`.trim() };
  }
  const type = hi >>> 27;
  // (~pte << 5) >> 14 in 64 bits: bits 9..58 of the inverted entry
  const offset = (~hi & 0x7ffffff) * 0x800000 + ((~lo >>> 0) >>> 9);
  const t = TYPE_NAMES[type];
  if (!t) return { kind: 'swap', type, pfn: offset, text: `swap entry type=${type} offset=0x${offset.toString(16)}` };
  const w = t.write === undefined ? '' : t.write ? ' W' : ' R';
  return { kind: t.kind, type, pfn: offset, writable: t.write, text: `${t.label} pfn=0x${offset.toString(16)}${w}` };
}

/**
 * decodePte(pte).kind without the flags list and text: the replay asks only this of every migration PTE and
 * swap fault (~45 ms of the 1 GiB replay went to the full decode).
 */
export function pteKind(pte: bigint): PteKind {
  const v = BigInt.asUintN(64, pte);
  const lo = Number(v & 0xffffffffn);
  const hi = Number(v >> 32n);
  if (hi === 0 && lo === 0) return 'none';
  if ((lo & 1) !== 0 || (lo & 0x100) !== 0) return 'present';
  return TYPE_NAMES[hi >>> 27]?.kind ?? 'swap';
}

/** Parses a raw PTE string in the radix the event prints it (`pte=%lx` has no 0x; kprobe :x64 has one). */
export function parsePte(text: string): bigint | undefined {
  const plain = hexBig(text, text.length > 2 && text.charCodeAt(0) === 48 && (text.charCodeAt(1) === 120 || text.charCodeAt(1) === 88) ? 2 : 0);
  if (plain !== undefined) return plain;
  const t = text.trim().replace(/,$/, '');
  if (!/^(0x)?[0-9a-f]+$/i.test(t)) return undefined;
  return BigInt(t.startsWith('0x') || t.startsWith('0X') ? t : `0x${t}`);
}
