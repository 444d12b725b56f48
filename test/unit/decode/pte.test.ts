import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodePte, parsePte } from '../../../src/core/decode/pte';

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
