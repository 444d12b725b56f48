import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fixture } from '../helpers';
import type { ProbeDefinition } from '../../../src/core/recipe';
import { buildRecipe, makeTarget, parseProbeDefinitions } from '../../../src/core/recipe';

/**
 * The probe definitions in test/fixtures/traces/k6.*\/ were written for real 6.1 and 6.12 kernels; the
 * probes-status files say which ones each kernel accepted. The recipe for the same kernel and test_hmm must
 * produce the same probes: same symbols, same offsets and registers, same field names and types.
 */

const KERNELS = [
  { version: '6.1', dir: 'k6.1', uname: 'k6.1/_guest-6.1-uname.txt' },
  { version: '6.12', dir: 'k6.12', uname: 'k6.12/_guest-6.12-uname.txt' },
];

/** What must be equal for two definitions to install the same probe (group and maxactive do not matter). */
function signature(d: ProbeDefinition): string {
  const kind = d.kind === 'kretprobe' || d.kind === 'fexit' ? 'ret' : 'entry';
  const args = d.args.map((a) => `${a.name}=${a.fetch}:${a.type ?? ''}`).sort();
  return `${kind} ${d.symbol}+${d.offset ?? 0} ${args.join(' ')}`;
}

function capture(dir: string, file: string): string {
  return readFileSync(fixture('traces', dir, file), 'utf8');
}

/** `uname -a` text → the release field as `uname -r` prints it (`6.12.117-tracelab`). */
function release(unameFile: string): string {
  const m = /^Linux \S+ (\S+)/.exec(capture(unameFile.split('/')[0], unameFile.split('/')[1]).trim());
  assert.ok(m, 'uname fixture has a release');
  return m[1];
}

for (const k of KERNELS) {
  const status = parseProbeDefinitions(capture(k.dir, `_guest-${k.version}-probes-status.txt`));
  const readBack = parseProbeDefinitions(capture(k.dir, `_guest-${k.version}-kprobe_events.txt`)).accepted;
  const recipe = buildRecipe(makeTarget({ kernel: release(k.uname), driver: 'test_hmm' }));
  const emitted = new Map(recipe.probes.map((p) => [p.spec.name, p.definitions[0]]));

  test(`${k.version}: the recipe emits exactly the probes the kernel accepted, by name`, () => {
    assert.ok(status.accepted.length >= 30, 'the status file lists the accepted probes');
    assert.deepEqual([...emitted.keys()].sort(), status.accepted.map((d) => d.event).sort());
  });

  test(`${k.version}: every accepted probe has the same symbol, kind, registers, offsets and types`, () => {
    for (const accepted of status.accepted) {
      const mine = emitted.get(accepted.event);
      assert.ok(mine, `recipe has ${accepted.event}`);
      assert.equal(signature(mine), signature(accepted), `probe ${accepted.event}`);
    }
  });

  test(`${k.version}: the kernel's own read-back of kprobe_events matches too (r10: = r: with the default maxactive)`, () => {
    assert.equal(readBack.length, status.accepted.length);
    for (const d of readBack) {
      const mine = emitted.get(d.event);
      assert.ok(mine, `recipe has ${d.event}`);
      assert.equal(signature(mine), signature(d));
      assert.equal(d.group, 'kprobes');
      assert.equal(mine.group, 'kprobes', 'same event group, so perf/trace-cmd print kprobes:<name>');
    }
  });

  test(`${k.version}: probes the kernel refused (inlined or absent functions) are not emitted`, () => {
    assert.ok(status.failed.length > 0);
    const symbols = new Set(recipe.probes.flatMap((p) => p.definitions.map((d) => d.symbol)));
    for (const f of status.failed) {
      assert.ok(!symbols.has(f.symbol), `${f.symbol} (${f.event}) was refused by ${k.version} and must not be emitted`);
      assert.ok(!emitted.has(f.event));
    }
  });

  test(`${k.version}: symbols the kernel listed as traceable are probed, the ones it did not list are not`, () => {
    const listing = capture(k.dir, `_guest-${k.version}-available-functions.txt`);
    const symbols = new Set(recipe.probes.map((p) => p.spec.symbol));
    for (const line of listing.split('\n')) {
      const m = /^available_filter_functions: (yes|NO)\s+(\S+)$/.exec(line.trim());
      if (!m) continue;
      assert.equal(symbols.has(m[2]), m[1] === 'yes', `${m[2]} is ${m[1] === 'yes' ? '' : 'not '}in available_filter_functions`);
    }
  });

  test(`${k.version}: module symbols keep the captures' plain form first and offer MOD:SYM as the fallback`, () => {
    const inval = recipe.probes.find((p) => p.spec.name === 'dmirror_inval');
    assert.ok(inval);
    assert.equal(inval.definitions[0].module, undefined);
    assert.equal(inval.definitions[1].module, 'test_hmm');
    assert.equal(signature(inval.definitions[1]), signature(inval.definitions[0]));
  });
}

test('6.1 and 6.12 differ exactly where the kernels differ (vma member, renamed and removed functions)', () => {
  const names = (v: string) => new Set(buildRecipe(makeTarget({ kernel: v, driver: 'test_hmm' })).probes.map((p) => p.spec.name));
  const old = names('6.1');
  const cur = names('6.12');
  assert.deepEqual([...old].filter((n) => !cur.has(n)).sort(), ['mfolio_extra', 'mfolio_extra_ret', 'mn_inv_range']);
  assert.deepEqual([...cur].filter((n) => !old.has(n)).sort(), ['mn_inv_secondary_tlbs']);
});
