import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodePte, parsePte, pteKind } from '../../../src/core/decode/pte';
import { seededRandom } from '../helpers';

// Values copied from the 6.1 / 6.12 captures (remove_migration_pte pte=, do_swap_page orig_pte=).
test('a device-private writable entry (finalize of a migration to the device) decodes type 27 with the device pfn', () => {
  // double_migrate-ftrace.txt: dst0=0x3f3fffc09 → device pfn 0xfcffff0; remove_migration_pte pte=dfffffe060001e00
  const d = decodePte(parsePte('dfffffe060001e00')!);
  assert.equal(d.kind, 'device-private');
  assert.equal(d.type, 27);
  assert.equal(d.pfn, 0xfcffff0);
  assert.equal(d.writable, true);
});

test('a present PTE restored in RAM decodes as present with its pfn and flags', () => {
  const d = decodePte(parsePte('8000000001f08005')!);
  assert.equal(d.kind, 'present');
  assert.equal(d.pfn, 0x1f08);
  assert.equal(d.writable, false);
  assert.ok(d.flags?.includes('NX'));
  const rw = decodePte(parsePte('8000000001fbe067')!);
  assert.equal(rw.kind, 'present');
  assert.equal(rw.writable, true);
});

test('a device-exclusive entry (exclusive capture orig_pte) decodes type 29', () => {
  const d = decodePte(parsePte('0xefffffffffc07000')!);
  assert.equal(d.kind, 'device-exclusive');
  assert.equal(d.type, 29);
});

test('migration entries (set_migration_pte in try_to_migrate) decode as migration read/write', () => {
  assert.equal(decodePte(parsePte('c7ffffe060001000')!).kind, 'migration');
  assert.equal(decodePte(parsePte('c7ffffe060001000')!).writable, false);
  assert.equal(decodePte(parsePte('d7ffffe060001000')!).writable, true);
  // a device-private entry seen by do_swap_page on the child after fork (read-only, type 28)
  const ro = decodePte(parsePte('0xe7ffffe060001000')!);
  assert.equal(ro.kind, 'device-private');
  assert.equal(ro.writable, false);
});

test('pte_none and garbage are told apart', () => {
  assert.equal(decodePte(0n).kind, 'none');
  assert.equal(parsePte('xyz'), undefined);
  assert.equal(parsePte('7f3a5c201000,'), 0x7f3a5c201000n);
});

/** The BigInt decoding decodePte replaced (its two halves are numbers now): the reference for any 64 bits. */
function decodeWithBigInt(pte: bigint): unknown {
  const MASK64 = (1n << 64n) - 1n;
  const PFN_MASK = ((1n << 52n) - 1n) & ~0xfffn;
  const v = pte & MASK64;
  if (v === 0n) return { kind: 'none', text: 'none (pte_none)' };
  if ((v & 1n) !== 0n || (v & 0x100n) !== 0n) {
    const pfn = Number((v & PFN_MASK) >> 12n);
    const flags: string[] = [];
    if ((v & 1n) === 0n) flags.push('PROTNONE');
    if (v & 2n) flags.push('RW');
    if (v & 4n) flags.push('USER');
    if (v & 0x40n) flags.push('DIRTY');
    if (v & (1n << 63n)) flags.push('NX');
    return { kind: 'present', pfn, writable: (v & 2n) !== 0n, flags, text: `present pfn=0x${pfn.toString(16)} ${flags.join('|')}`.trim() };
  }
  const type = Number(v >> 59n);
  const offset = Number((((~v) << 5n) & MASK64) >> 14n);
  return { type, offset };
}

test('decodePte reads any 64 bits as the BigInt decoding did', () => {
  const rnd = seededRandom(7);
  const word = (): bigint => BigInt(Math.floor(rnd() * 2 ** 32));
  const values: bigint[] = [0n, 1n, 0x100n, 2n, (1n << 64n) - 1n, 1n << 63n, -1n, -0x2000n, (1n << 70n) + 5n, 0xdfffffe060001e00n, 0x8000000001f08005n, 0xefffffffffc07000n];
  for (let i = 0; i < 20000; i++) {
    let v = (word() << 32n) | word();
    if (i % 4 === 1) v &= ~0x101n; // a swap entry
    if (i % 4 === 2) v = (BigInt(23 + (i % 10)) << 59n) | (v & ((1n << 59n) - 1n) & ~0x101n);
    values.push(v);
  }
  for (const v of values) {
    const got = decodePte(v);
    assert.equal(pteKind(v), got.kind, `pteKind ${v.toString(16)}`);
    const want = decodeWithBigInt(v) as { type?: number; offset?: number };
    if (want.offset === undefined) assert.deepEqual(got, want, v.toString(16));
    else {
      assert.equal(got.type, want.type, v.toString(16));
      assert.equal(got.pfn, want.offset, v.toString(16));
    }
  }
});
