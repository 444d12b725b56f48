import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeMigratePfn, describeMigratePfn, migrateSelectNames, notifierEventFrom, vmFaultNames, vmFaultIsError } from '../../../src/core/decode/enums';

test('mmu_notifier_event decodes by number and by name', () => {
  assert.equal(notifierEventFrom('6')?.event, 'MIGRATE');
  assert.equal(notifierEventFrom('7')?.event, 'EXCLUSIVE');
  assert.equal(notifierEventFrom('0')?.event, 'UNMAP');
  assert.equal(notifierEventFrom(1)?.event, 'CLEAR');
  assert.equal(notifierEventFrom('MMU_NOTIFY_PROTECTION_VMA')?.event, 'PROTECTION_VMA');
  assert.equal(notifierEventFrom('soft_dirty')?.event, 'SOFT_DIRTY');
  assert.deepEqual(notifierEventFrom('9'), { event: 'UNKNOWN', num: 9 });
  assert.equal(notifierEventFrom(undefined), undefined);
});

test('MIGRATE_PFN entries decode VALID, MIGRATE, WRITE and pfn<<6', () => {
  // mvma_pages src0=0x7e74b dst0=0x3f3fffc09 (double_migrate)
  const src = decodeMigratePfn(0x7e74bn);
  assert.deepEqual([src.valid, src.migrate, src.write, src.pfn], [true, true, true, 0x1f9d]);
  const dst = decodeMigratePfn(0x3f3fffc09n);
  assert.deepEqual([dst.valid, dst.migrate, dst.write, dst.pfn], [true, false, true, 0xfcffff0]);
  assert.equal(decodeMigratePfn(0n).collected, false);
  assert.match(describeMigratePfn(0n), /not collected/);
  // MIGRATE without VALID: an anonymous hole the driver may populate
  const hole = decodeMigratePfn(2n);
  assert.equal(hole.valid, false);
  assert.equal(hole.migrate, true);
});

test('MIGRATE_VMA_SELECT flags and VM_FAULT bits have the kernel names', () => {
  assert.deepEqual(migrateSelectNames(1), ['SYSTEM']);
  assert.deepEqual(migrateSelectNames(2), ['DEVICE_PRIVATE']);
  assert.deepEqual(migrateSelectNames(5), ['SYSTEM', 'DEVICE_COHERENT']);
  assert.deepEqual(vmFaultNames(0x400), ['RETRY']);
  assert.deepEqual(vmFaultNames(0x2 | 0x4), ['SIGBUS', 'MAJOR']);
  assert.deepEqual(vmFaultNames(0), ['0']);
  assert.equal(vmFaultIsError(0x2), true);
  assert.equal(vmFaultIsError(0x400), false);
});
