import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DRIVERS, buildRecipe, formatProbeDefinition, makeTarget, sampleLine } from '../../../src/core/recipe';
import type { ProbeDefinition, RecipeProbe, SampleFormat } from '../../../src/core/recipe';
import { Decoder, ProbeCatalog, functionInfo } from '../../../src/core/decode';
import { readTrace } from '../../../src/core/ingest';
import type { RawEvent } from '../../../src/core/ingest';

/**
 * Every probe a recipe emits must be one the decoders recognise: a line in the probe's output shape goes
 * through the real ingest readers and the decoder, and must come out as the probe's kernel function, entry
 * or return, with the domain kind the recipe promises. trace-cmd and perf print raw addresses, so there the
 * decoder has only the event name, with the saved definitions (what the script writes next to the trace)
 * and without them (names alone).
 */

const HEADERS: Record<SampleFormat, string> = {
  ftrace: '# tracer: nop\n#\n# entries-in-buffer/entries-written: 1/1   #P:2\n#\n',
  'trace-cmd': 'cpus=2\n',
  perf: '',
};

async function decodeLines(format: SampleFormat, lines: string[], definitions: string | undefined): Promise<{ raw: RawEvent; decoded: ReturnType<Decoder['decode']> }[]> {
  const dir = mkdtempSync(join(tmpdir(), 'hmm-recipe-decode-'));
  try {
    const file = join(dir, `sample-${format}.txt`);
    writeFileSync(file, `${HEADERS[format]}${lines.join('\n')}\n`);
    const catalog = new ProbeCatalog();
    if (definitions !== undefined) catalog.addText(definitions, 'recipe');
    const decoder = new Decoder(catalog);
    const out: { raw: RawEvent; decoded: ReturnType<Decoder['decode']> }[] = [];
    await readTrace(file, (ev) => out.push({ raw: ev, decoded: decoder.decode(ev) }), {});
    return out;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Optional probes (only emitted with --include) that the decoders resolve from the symbol (ftrace) or the
 * saved definitions (trace-cmd, perf) but not yet from the event name alone: functions.ts does not list
 * them. When it does, this test fails until they are removed from here.
 */
const NAME_ONLY_GAPS = new Set(['lru_add_drain_all', 'svm_range_evict']);

/** What is wrong with one decoded probe line, or undefined when it decoded as the recipe promises. */
function problem(p: RecipeProbe, def: ProbeDefinition, got: { raw: RawEvent; decoded: ReturnType<Decoder['decode']> } | undefined, nameOnly: boolean): string | undefined {
  if (!got) return 'no event';
  const isReturn = def.kind === 'kretprobe' || def.kind === 'fexit';
  const d = got.decoded;
  if (got.raw.name !== def.event) return `event name ${got.raw.name}`;
  if (d.resolvedBy === 'none') return 'not resolved';
  // by name alone the kernel version is unknown, so a probe name kept across a rename (split_huge_page:
  // split_huge_page_to_list, _to_order since 6.8) resolves to the older function, with the same kind
  const renamed = nameOnly && d.func !== undefined && functionInfo(d.func)?.entry === functionInfo(p.spec.symbol)?.entry;
  if (d.func !== p.spec.symbol && !renamed) return `function ${d.func ?? '?'} (resolved by ${d.resolvedBy})`;
  if (d.ret !== isReturn) return `ret=${d.ret}`;
  if (p.spec.kind && d.kind !== p.spec.kind) return `kind ${d.kind}, recipe says ${p.spec.kind}`;
  return undefined;
}

const TARGETS = [
  ...DRIVERS.map((driver) => ({ kernel: '6.1', driver, btf: false })),
  ...DRIVERS.map((driver) => ({ kernel: '6.12', driver, btf: true })),
  ...DRIVERS.map((driver) => ({ kernel: '6.15', driver, btf: false })),
];

for (const format of ['ftrace', 'trace-cmd', 'perf'] as const) {
  for (const withDefinitions of format === 'ftrace' ? [false] : [true, false]) {
    test(`${format}${format === 'ftrace' ? '' : withDefinitions ? ' with the saved definitions' : ' by event name alone'}: every probe of every recipe decodes to its function and kind`, async () => {
      let checked = 0;
      const failures = new Set<string>();
      const gaps = new Set<string>();
      for (const t of TARGETS) {
        const recipe = buildRecipe(makeTarget({ ...t, include: ['all'] }));
        // every alternative form: the kernel may have accepted any of them
        const pairs = recipe.probes.flatMap((p) => p.definitions.map((d) => ({ p, d })));
        const defsText = pairs.map(({ d }) => formatProbeDefinition(d, { withModule: true })).join('\n');
        const lines = pairs.map(({ d }, i) => sampleLine(d, format, {}, { ts: `${100 + i}.000001` }));
        const events = await decodeLines(format, lines, withDefinitions ? defsText : undefined);
        assert.equal(events.length, pairs.length, `${t.kernel}/${t.driver}: one event per line`);
        pairs.forEach(({ p, d }, i) => {
          const nameOnly = format !== 'ftrace' && !withDefinitions;
          const why = problem(p, d, events[i], nameOnly);
          if (why && nameOnly && NAME_ONLY_GAPS.has(p.spec.name) && why === 'not resolved') gaps.add(p.spec.name);
          else if (why) failures.add(`${t.kernel} ${d.kind} ${p.spec.name} (${p.spec.symbol}): ${why}`);
        });
        checked += pairs.length;
      }
      assert.deepEqual([...failures], []);
      assert.deepEqual([...gaps].sort(), format !== 'ftrace' && !withDefinitions ? [...NAME_ONLY_GAPS].sort() : []);
      assert.ok(checked > 300);
    });
  }
}
