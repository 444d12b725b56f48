import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { fixture } from '../helpers';
import { buildRecipe, makeTarget, sampleLine } from '../../../src/core/recipe';
import type { SampleFormat } from '../../../src/core/recipe';

/**
 * The events a recipe's probes produce must look like the ones the real kernels produced: same event name,
 * same field names in the same order, same site form. The sample lines (used by the decode tests) are held
 * to the real lines of the 6.1 and 6.12 captures in all three text formats.
 */

const FORMAT_FILES: Record<SampleFormat, RegExp> = {
  ftrace: /-ftrace(-k6\.12)?\.txt$/,
  'trace-cmd': /-tracecmd(-k6\.12)?\.txt$/,
  perf: /-perf(-k6\.12)?\.txt$/,
};

/** event name → first real line, per format, from every capture of one kernel. */
function realLines(dir: string, format: SampleFormat): Map<string, string> {
  const out = new Map<string, string>();
  for (const f of readdirSync(fixture('traces', dir)).filter((n) => FORMAT_FILES[format].test(n))) {
    for (const line of readFileSync(fixture('traces', dir, f), 'utf8').split('\n')) {
      const m = /\s(?:kprobes:)?([a-z_0-9]+):\s+\(/.exec(line);
      if (m && !out.has(m[1])) out.set(m[1], line);
    }
  }
  return out;
}

/** The parts of an event line that identify the probe: name, entry/return site form, field names in order. */
function shape(line: string): { name: string; site: 'entry' | 'return'; fields: string[]; symbolic: boolean } {
  const m = /\s(?:kprobes:)?([a-z_0-9]+):\s+\(([^)]*)\)\s*(.*)$/.exec(line);
  assert.ok(m, `event line: ${line}`);
  return {
    name: m[1],
    site: m[2].includes(' <- ') ? 'return' : 'entry',
    symbolic: !/^[0-9a-f]{16}( <- [0-9a-f]{16})?$/.test(m[2]),
    fields: m[3].split(/\s+/).filter((s) => s.includes('=')).map((s) => s.slice(0, s.indexOf('='))),
  };
}

for (const [kernel, dir] of [['6.1', 'k6.1'], ['6.12', 'k6.12']] as const) {
  const recipe = buildRecipe(makeTarget({ kernel, driver: 'test_hmm' }));
  for (const format of ['ftrace', 'trace-cmd', 'perf'] as const) {
    test(`${kernel} ${format}: every probe's sample line has the shape of the real kernel's line`, () => {
      const real = realLines(dir, format);
      let compared = 0;
      for (const p of recipe.probes) {
        const line = real.get(p.spec.name);
        if (!line) continue; // the scenarios did not hit every function (e.g. split_huge_page)
        const want = shape(line);
        const got = shape(sampleLine(p.definitions[0], format));
        assert.deepEqual(got, want, `${p.spec.name}\n real: ${line}\n mine: ${sampleLine(p.definitions[0], format)}`);
        compared++;
      }
      assert.ok(compared >= (kernel === '6.1' && format !== 'perf' ? 25 : 15), `compared ${compared} probes with real lines`);
    });
  }
}

test('ftrace sample lines print the probed symbol (with the module) and the caller <- callee of returns', () => {
  const r = buildRecipe(makeTarget({ kernel: '6.12', driver: 'test_hmm' }));
  const inval = r.probes.find((p) => p.spec.name === 'dmirror_inval');
  assert.ok(inval);
  assert.match(sampleLine(inval.definitions[1], 'ftrace'), /: dmirror_inval: \(dmirror_interval_invalidate\+0x0\/0x190 \[test_hmm\]\) start=0x/);
  const ret = r.probes.find((p) => p.spec.name === 'mvma_setup_ret');
  assert.ok(ret);
  assert.match(sampleLine(ret.definitions[0], 'ftrace'), /: mvma_setup_ret: \(\S+ <- migrate_vma_setup\) ret=0$/);
});
