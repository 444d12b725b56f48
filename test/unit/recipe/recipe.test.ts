import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fixture } from '../helpers';
import { DRIVERS, RULE_NEEDS, buildRecipe, makeTarget, parseProbeDefinitions, recipeText } from '../../../src/core/recipe';

test('BTF on 6.12: fprobe with member names first, then the named kprobe, then raw offsets', () => {
  const r = buildRecipe(makeTarget({ kernel: '6.12', driver: 'test_hmm', btf: true }));
  assert.ok(r.btfNames);
  const mn = r.probes.find((p) => p.spec.name === 'mn_start');
  assert.ok(mn);
  assert.deepEqual(mn.definitions.map((d) => d.kind), ['fprobe', 'kprobe', 'kprobe']);
  assert.equal(mn.definitions[0].args.find((a) => a.name === 'event')?.fetch, 'range->event');
  assert.equal(mn.definitions[2].args.find((a) => a.name === 'event')?.fetch, '+28(%di)');
  const ret = r.probes.find((p) => p.spec.name === 'mvma_setup_ret');
  assert.deepEqual(ret?.definitions.map((d) => d.kind), ['fexit', 'kretprobe']);
});

test('BTF asked for on a kernel without probe member access falls back to offsets and says why', () => {
  const r = buildRecipe(makeTarget({ kernel: '6.1', driver: 'test_hmm', btf: true }));
  assert.equal(r.btfNames, false);
  assert.ok(r.notes.some((n) => /member access.*6\.7/.test(n)));
  assert.ok(r.probes.every((p) => p.definitions.every((d) => d.kind === 'kprobe' || d.kind === 'kretprobe')));
});

test('6.15+: make_device_exclusive replaces the _range form, restore_exclusive_pte reads its 4th argument', () => {
  const r = buildRecipe(makeTarget({ kernel: '6.15', driver: 'nouveau' }));
  const names = r.probes.map((p) => p.spec.name);
  assert.ok(names.includes('mdex') && !names.includes('mde_range') && !names.includes('mk_dev_excl_one'));
  const restore = r.probes.find((p) => p.spec.name === 'restore_excl_pte');
  assert.equal(restore?.definitions[0].args[0].fetch, '%cx');
  assert.ok(r.notes.some((n) => /CLEAR/.test(n)));
});

test('each driver gets its own callbacks and no other driver\'s', () => {
  const owners: Record<string, string[]> = {
    test_hmm: ['dmirror_inval', 'devmem_fault'],
    nouveau: ['nv_mn', 'nv_mni', 'nouveau_dmem_migrate_to_ram'],
    amdkfd: ['svm_range_cpu_invalidate_pagetables', 'svm_migrate_to_ram'],
    xe: ['xe_svm_invalidate', 'xe_svm_handle_pagefault'],
  };
  for (const driver of DRIVERS) {
    const names = new Set(buildRecipe(makeTarget({ kernel: '6.15', driver })).probes.map((p) => p.spec.name));
    for (const [d, probes] of Object.entries(owners)) for (const p of probes) assert.equal(names.has(p), d === driver, `${driver}: ${p}`);
    assert.ok(names.has('mn_start') && names.has('mvma_setup'), 'core probes for every driver');
  }
});

test('xe before 6.15 has no SVM probes and the recipe says why', () => {
  const r = buildRecipe(makeTarget({ kernel: '6.8', driver: 'xe' }));
  assert.ok(!r.probes.some((p) => p.spec.module === 'xe'));
  assert.ok(r.notes.some((n) => /xe SVM.*6\.15/.test(n)));
});

test('every rule has the probes it needs, or names the ones this kernel lacks', () => {
  for (const kernel of ['6.1', '6.12', '6.15']) {
    const r = buildRecipe(makeTarget({ kernel, driver: 'test_hmm' }));
    assert.equal(r.rules.length, Object.keys(RULE_NEEDS).length);
    for (const c of r.rules) assert.ok(c.probes.length > 0, `${kernel} ${c.rule} has probes`);
    const eagain = r.rules.find((c) => c.rule === 'refcount/move-mapping-eagain');
    assert.ok(eagain?.probes.includes('folio_mig_mapping_ret'));
    const fmm = r.probes.find((p) => p.spec.name === 'folio_mig_mapping_ret');
    assert.ok(fmm?.rules.includes('refcount/move-mapping-eagain'), 'the probe knows the rules it feeds');
  }
});

test('--include adds optional probes by rule, by name, by symbol, or as a missing-evidence definition', () => {
  const base = buildRecipe(makeTarget({ kernel: '6.12', driver: 'test_hmm' })).probes.map((p) => p.spec.name);
  assert.ok(!base.includes('migration_entry_wait_on_locked'));
  const byRule = buildRecipe(makeTarget({ kernel: '6.12', driver: 'test_hmm', include: ['refcount/migration-entry-wait'] }));
  assert.ok(byRule.probes.some((p) => p.spec.name === 'migration_entry_wait_on_locked' && p.origin === 'include'));
  const bySymbol = buildRecipe(makeTarget({ kernel: '6.12', driver: 'test_hmm', include: ['lru_add_drain_all,migrate_device_range'] }));
  assert.ok(bySymbol.probes.some((p) => p.spec.name === 'lru_add_drain_all'));
  assert.ok(bySymbol.probes.some((p) => p.spec.name === 'migrate_device_range'));
  // a definition written for another kernel is replaced by this kernel's form of the same probe
  const byDef = buildRecipe(makeTarget({ kernel: '6.12', driver: 'generic', include: ['p:kprobes/dmirror_inval dmirror_interval_invalidate start=+16(%si):x64'] }));
  const inval = byDef.probes.find((p) => p.spec.name === 'dmirror_inval');
  assert.equal(inval?.definitions[0].args[0].fetch, '+8(%si)');
  // an unknown function becomes a bare entry probe, noted
  const bare = buildRecipe(makeTarget({ kernel: '6.12', driver: 'test_hmm', include: ['nouveau:nouveau_svm_fault'] }));
  const nf = bare.probes.find((p) => p.spec.name === 'nouveau_svm_fault');
  assert.deepEqual(nf?.definitions.map((d) => d.module), [undefined, 'nouveau']);
  assert.ok(bare.notes.some((n) => /bare entry probe/.test(n)));
});

test('--probes-only prints one kernel-accepted definition per probe and nothing else', () => {
  const text = recipeText(makeTarget({ kernel: '6.12', driver: 'test_hmm', probesOnly: true }));
  const { accepted, failed } = parseProbeDefinitions(text);
  const status = parseProbeDefinitions(readFileSync(fixture('traces', 'k6.12', '_guest-6.12-probes-status.txt'), 'utf8'));
  assert.equal(failed.length, 0);
  assert.deepEqual(accepted.map((d) => d.event).sort(), status.accepted.map((d) => d.event).sort());
  assert.ok(text.split('\n').every((l) => l === '' || l.startsWith('#') || /^[pr]:kprobes\//.test(l)));
});

test('the script header lists each rule with its probes and each probe with its rules', () => {
  const text = recipeText(makeTarget({ kernel: '6.1', driver: 'test_hmm' }));
  assert.match(text, /^# {3}refcount\/move-mapping-eagain: folio_mig_mapping folio_mig_mapping_ret mfolio_extra mfolio_extra_ret/m);
  assert.match(text, /^# folio_mig_mapping_ret: .*\n(?:# {3}\S.*\n)*# {3}findings: refcount\/move-mapping-eagain\n/m);
  assert.match(text, /^probe mn_start 1 \\$/m, 'stack trigger on the notifier hook');
  assert.match(text, /^ {2}'p:kprobes\/mn_start __mmu_notifier_invalidate_range_start start=\+16\(%di\):x64 /m);
});

test('every probe a missing-evidence note can ask for becomes this kernel\'s form of a catalog probe', async () => {
  const { PROBES } = await import('../../../src/core/detect/probes');
  const { parseProbeDefinition } = await import('../../../src/core/recipe');
  for (const kernel of ['6.1', '6.12', '6.15']) {
    for (const driver of DRIVERS) {
      const include = Object.values(PROBES);
      const r = buildRecipe(makeTarget({ kernel, driver, include }));
      assert.ok(r.probes.every((p) => p.spec.kind !== 'function' || p.origin !== 'include'), `${kernel}/${driver}: no bare probes for known functions`);
      for (const text of include) {
        const asked = parseProbeDefinition(text);
        assert.ok(asked);
        const isRet = asked.kind === 'kretprobe';
        const hit = r.probes.find((p) => p.spec.symbol === asked.symbol && !!p.spec.ret === isRet);
        const skipped = r.notes.some((n) => n.includes(`${asked.symbol} does not exist on ${kernel}`));
        assert.ok(hit || skipped, `${kernel}/${driver}: ${text}`);
        if (hit) assert.equal(hit.definitions[0].group, 'kprobes', 'our group and names, not the note\'s');
      }
    }
  }
});
