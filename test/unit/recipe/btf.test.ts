import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../helpers';
import { buildRecipe, makeTarget } from '../../../src/core/recipe';
import { ARG_REGS } from '../../../src/core/recipe/layouts';

/**
 * btf-6.18.txt holds facts read from a real 6.18 kernel's /sys/kernel/btf/vmlinux: struct member offsets and
 * function parameter names (that kernel has no DEVICE_PRIVATE/HMM_MIRROR, so the device-exclusive and
 * hmm_range_fault functions are absent). For 6.18 the recipe's BTF names must be real parameters and
 * members, and its raw form must read the same registers and offsets BTF says those names live at.
 */

interface Facts {
  structs: Map<string, Map<string, number>>;
  funcs: Map<string, string[]>;
}

function facts(): Facts {
  const text = readFileSync(join(repoRoot(), 'test', 'unit', 'recipe', 'btf-6.18.txt'), 'utf8');
  const structs = new Map<string, Map<string, number>>();
  const funcs = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    const [what, name, ...rest] = line.split(' ');
    if (what === 'struct' || what === 'typedef') {
      const members = new Map<string, number>();
      for (const r of rest) {
        const [m, off] = r.split('@');
        if (!members.has(m)) members.set(m, Number(off));
      }
      structs.set(name, members);
    } else if (what === 'func') funcs.set(name, rest.filter((s) => s !== ''));
  }
  return { structs, funcs };
}

/** Which struct a parameter points to, by the kernel's parameter names. */
const PARAM_STRUCT: Record<string, string> = {
  range: 'mmu_notifier_range',
  args: 'migrate_vma',
  migrate: 'migrate_vma',
  vmf: 'vm_fault',
  vma: 'vm_area_struct',
  src_vma: 'vm_area_struct',
};

/** The raw fetch arg a BTF expression must equal, derived from the BTF facts alone. */
function rawFor(btf: string, params: string[], f: Facts): string {
  const reg = (p: string) => {
    const i = params.indexOf(p);
    assert.ok(i >= 0, `'${p}' is a parameter (${params.join(', ')})`);
    return ARG_REGS[i];
  };
  const member = (p: string, path: string) => {
    const [m, sub] = path.split('.');
    const s = f.structs.get(PARAM_STRUCT[p]);
    assert.ok(s, `struct of ${p}`);
    const off = s.get(m);
    assert.ok(off !== undefined, `${PARAM_STRUCT[p]}.${m} exists`);
    const subOff = sub === undefined ? 0 : f.structs.get('pte_t')?.get(sub);
    assert.ok(subOff !== undefined, `member ${sub}`);
    return `+${off + subOff}(${reg(p)})`;
  };
  let m = /^\+0\((\w+)->([\w.]+)\)$/.exec(btf);
  if (m) return `+0(${member(m[1], m[2])})`;
  m = /^(\w+)->([\w.]+)$/.exec(btf);
  if (m) return member(m[1], m[2]);
  return reg(btf);
}

test('6.18: BTF names are real parameters and members, and the raw offsets read the same places', () => {
  const f = facts();
  assert.ok(f.funcs.size > 15, 'the snapshot lists the functions');
  const recipe = buildRecipe(makeTarget({ kernel: '6.18', driver: 'generic', btf: true, include: ['all'] }));
  let checked = 0;
  for (const p of recipe.probes) {
    if (p.spec.module || p.spec.ret) continue;
    const params = f.funcs.get(p.spec.symbol);
    if (!params) continue; // not built into that kernel (no DEVICE_PRIVATE / HMM_MIRROR)
    const [named, , raw] = p.definitions;
    const rawArgs = (raw ?? named).args;
    for (const a of rawArgs) {
      const reg = /^%(\w+)$/.exec(a.fetch) ?? /\(%(\w+)\)+$/.exec(a.fetch);
      assert.ok(reg, `${p.spec.name} ${a.name}`);
      const index = ARG_REGS.indexOf(`%${reg[1]}` as (typeof ARG_REGS)[number]);
      assert.ok(index >= 0 && index < params.length, `${p.spec.name}: ${a.name}=${a.fetch} reads argument ${index + 1} of ${p.spec.symbol}(${params.join(', ')})`);
    }
    if (named.kind !== 'fprobe') continue;
    for (const a of named.args) {
      const r = rawArgs.find((x) => x.name === a.name);
      assert.ok(r, `${p.spec.name}: raw form has ${a.name}`);
      assert.equal(r.fetch, rawFor(a.fetch, params, f), `${p.spec.name}: ${a.name}=${a.fetch}`);
      checked++;
    }
  }
  assert.ok(checked >= 40, `checked ${checked} fields`);
});

test('6.18: struct layouts in the recipe match the kernel\'s BTF', () => {
  const f = facts();
  const r = buildRecipe(makeTarget({ kernel: '6.18', driver: 'generic' }));
  const mn = r.probes.find((p) => p.spec.name === 'mn_start')?.definitions[0];
  assert.ok(mn);
  const range = f.structs.get('mmu_notifier_range');
  for (const a of mn.args) assert.equal(a.fetch, `+${range?.get(a.name)}(%di)`, `mmu_notifier_range.${a.name}`);
});
