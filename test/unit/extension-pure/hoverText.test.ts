/** Hover text: kernel decoding of notifier events, owners, MIGRATE_PFN, PTE, VM_FAULT and untrusted text. */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DomainEvent } from '../../../src/core/model/types';
import { hoverMarkdown } from '../../../src/extension/pure/hoverText';
import { finding, invalidation, migration } from './fakeEditorData';

function event(extra: Partial<DomainEvent>): DomainEvent {
  return {
    id: 42,
    line: 101,
    offset: 0,
    ts: 5_088_400_000,
    cpu: 1,
    pid: 116,
    tgid: 116,
    comm: 'hmmtrace',
    as: 116,
    kind: 'generic',
    name: 'x',
    fields: {},
    summary: '',
    rawKind: 'kprobe',
    ...extra,
  };
}

test('an invalidation start decodes the notifier event, the owner as the driver own, the range and origin', () => {
  const md = hoverMarkdown({
    event: event({
      kind: 'invalidate-start',
      name: 'mn_start',
      func: '__mmu_notifier_invalidate_range_start',
      notifierEvent: 'MIGRATE',
      owner: '0xffffffffc0006440',
      blockable: true,
      start: 0x7fb2c11d8000,
      end: 0x7fb2c11e8000,
      fields: { event: '6', owner: '0xffffffffc0006440' },
    }),
    span: { id: 1, pid: 116, func: 'migrate_vma_setup', depth: 0, entryId: 40, startTs: 5_088_300_000, endTs: 5_090_000_000 },
    page: { addr: 0x7fb2c11d8000, before: 'system', after: 'migrating-to-device', count: 16 },
    invalidation: invalidation(101, 5_088_400_000, { durationNs: 28_000 }),
    driverOwners: new Set(['0xffffffffc0006440']),
    findings: [finding('invalidation/self-during-migration', 'info', [101])],
    notes: [{ id: 'n', line: 101, body: 'dmirror ignores its own <b>MIGRATE</b>', created: '', updated: '' }],
    timelineCommand: 'command:hmmTrace.showPageTimeline?x',
  });
  assert.match(md, /mmu_notifier event \*\*MIGRATE\*\*: pages are being migrated/);
  assert.match(md, /the driver's own pgmap owner/);
  assert.match(md, /blockable/);
  assert.match(md, /`\[0x7fb2c11d8000, 0x7fb2c11e8000\)` = 64 KiB, 16 pages/);
  assert.match(md, /issued from `migrate_vma_setup`; start → end 28 µs/);
  assert.match(md, /inside `migrate_vma_setup`, 1\.7 ms/);
  assert.match(md, /page `0x7fb2c11d8000` \(first of 16 pages\): system → \*\*migrating-to-device\*\*/);
  assert.match(md, /`invalidation\/self-during-migration`/);
  assert.match(md, /\\<b\\>MIGRATE\\<\/b\\>/, 'note text is escaped, never HTML');
  assert.match(md, /\[Show page timeline\]\(command:hmmTrace\.showPageTimeline\?x\)/);
});

test('a NULL owner is the core mm asking every mirror', () => {
  const md = hoverMarkdown({ event: event({ notifierEvent: 'CLEAR', owner: '0x0' }), driverOwners: new Set(['0xffffffffc0006440']), findings: [], notes: [] });
  assert.match(md, /owner `NULL` \(core mm/);
  assert.match(md, /\*\*CLEAR\*\*: PTEs cleared/);
});

test('migrate_vma src/dst entries decode as MIGRATE_PFN bits, select flags as MIGRATE_VMA_SELECT names', () => {
  const md = hoverMarkdown({
    event: event({ kind: 'migrate-pages', name: 'mvma_pages', fields: { src0: '0x7c4b', dst0: '0x3f3f00b', flags: '0x1' } }),
    migration: migration(101, { cpages: 16, moved: 16, durationNs: 3_400_000 }),
    driverOwners: new Set(),
    findings: [],
    notes: [],
  });
  assert.match(md, /`src0=0x7c4b` → MIGRATE_PFN pfn=0x1f1 VALID\|MIGRATE\|WRITE/);
  assert.match(md, /`dst0=0x3f3f00b` → MIGRATE_PFN pfn=0xfcfc0 VALID\|MIGRATE\|WRITE/);
  assert.match(md, /migration of 16 pages to-device \(MIGRATE_VMA_SELECT_SYSTEM\)/);
  assert.match(md, /16 collected, 16 moved; setup → finalize 3\.4 ms/);
});

test('fault returns decode as VM_FAULT bits, PTE fields and x86 error codes in kernel words', () => {
  const md = hoverMarkdown({
    event: event({ kind: 'migrate-to-ram-ret', name: 'devmem_fault_ret', ret: 0x400, fields: { orig_pte: 'dfffffffffc08c1e', error_code: '0x6' } }),
    driverOwners: new Set(),
    findings: [],
    notes: [],
  });
  assert.match(md, /returned 1024 = VM_FAULT RETRY/);
  assert.match(md, /`orig_pte=dfffffffffc08c1e` → PTE device-private entry/);
  const fault = hoverMarkdown({ event: event({ kind: 'cpu-fault', name: 'page_fault_user', fields: { error_code: '0x6' } }), driverOwners: new Set(), findings: [], notes: [] });
  assert.match(fault, /x86 page fault WRITE \| USER/);
  const swap = hoverMarkdown({
    event: event({ kind: 'swap-fault', name: 'do_swap_page', fields: { address: '0x7fb2c11d8000', orig_pte: '0xdfffffe060000000', fault_flags: '0xa54' } }),
    driverOwners: new Set(),
    findings: [],
    notes: [],
  });
  assert.match(swap, /`fault_flags=0xa54` → FAULT_FLAG ALLOW_RETRY \| KILLABLE \| USER \| INTERRUPTIBLE \| ORIG_PTE_VALID/);
  assert.match(swap, /`orig_pte=0xdfffffe060000000` → PTE device-private entry/);
  const ret = hoverMarkdown({ event: event({ kind: 'swap-fault-ret', name: 'do_swap_page_ret', ret: 0x400, fields: { vm_fault_ret: '0x400' } }), driverOwners: new Set(), findings: [], notes: [] });
  assert.match(ret, /`vm_fault_ret=0x400` → VM_FAULT RETRY/);
  assert.doesNotMatch(ret, /returned 1024/, 'decoded once, from the field');
  const prot = hoverMarkdown({ event: event({ kind: 'change-protection', name: 'change_prot', fields: { newprot: '0x8000000000000025' } }), driverOwners: new Set(), findings: [], notes: [] });
  assert.match(prot, /x86 pgprot PRESENT \| USER \| ACCESSED \| NX \(read-only\)/);
  const folios = hoverMarkdown({ event: event({ name: 'rm_mig_ptes', fields: { src: '0xffd400000007eec0', dst: '0xffd40003f3ffffc0' } }), driverOwners: new Set(), findings: [], notes: [] });
  assert.doesNotMatch(folios, /MIGRATE_PFN/, 'remove_migration_ptes src/dst are folios, not migrate pfns');
  const eagain = hoverMarkdown({ event: event({ kind: 'move-mapping-ret', ret: -11 }), driverOwners: new Set(), findings: [], notes: [] });
  assert.match(eagain, /returned -11 \(-EAGAIN\)/);
});

test('untrusted comm and summary text cannot inject links or HTML', () => {
  const md = hoverMarkdown({
    event: event({ comm: '[x](command:evil)', summary: '<img src=x onerror=alert(1)>', stack: ['a`b', 'c'] }),
    driverOwners: new Set(),
    findings: [],
    notes: [],
  });
  assert.ok(!md.includes('[x](command:evil)'));
  assert.ok(md.includes('\\[x\\]\\(command:evil\\)'));
  assert.doesNotMatch(md, /(^|[^\\])</, 'every < is escaped');
  assert.ok(md.includes('\\<img src=x onerror=alert\\(1\\)\\>'));
  assert.match(md, /stack: `a b` ← `c`/);
});
