import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kernelChoices, makeTarget, recipeText, sanitizeRecipeRequest } from '../../../src/core/recipe';

test('the command argument keeps only known, well-typed, valid fields (it may come from a webview)', () => {
  assert.deepEqual(sanitizeRecipeRequest(undefined), { include: [] });
  assert.deepEqual(sanitizeRecipeRequest('6.12'), { include: [] });
  assert.deepEqual(sanitizeRecipeRequest(['6.12']), { include: [] });
  assert.deepEqual(
    sanitizeRecipeRequest({ kernel: ' 6.12.117-tracelab ', driver: 'dmirror', tool: 'tracecmd', btf: true, include: ['refcount/move-mapping-eagain', 7, null], extra: 'x' }),
    { kernel: '6.12.117-tracelab', driver: 'test_hmm', tool: 'trace-cmd', btf: true, include: ['refcount/move-mapping-eagain'] },
  );
  // unusable values are dropped so the quick picks ask for them, rather than failing the command
  assert.deepEqual(sanitizeRecipeRequest({ kernel: '4.19', driver: 'i915', tool: 'bpftrace', btf: 'yes' }), { include: [] });
  assert.equal(sanitizeRecipeRequest({ include: Array.from({ length: 500 }, (_, i) => `sym${i}`) }).include.length, 64);
  assert.deepEqual(sanitizeRecipeRequest({ include: ['x'.repeat(401)] }).include, []);
});

test('a missing-evidence request turns into a script with those probes', () => {
  const req = sanitizeRecipeRequest({ kernel: '6.1', driver: 'test_hmm', tool: 'perf', include: ['r:hmm/mfolio_extra_ret migrate_folio_extra ret=$retval:s32', 'refcount/migration-entry-wait'] });
  const text = recipeText(makeTarget({ kernel: req.kernel ?? '', driver: req.driver ?? '', tool: req.tool, include: req.include }));
  assert.match(text, /^probe mfolio_extra_ret 0 \\$/m);
  assert.match(text, /^probe migration_entry_wait_on_locked 0 \\$/m);
  assert.match(text, /^perf "\$\{args\[@\]\}" -- "\$@"$/m);
});

test('kernel choices offer this machine first, then the versions whose layouts differ', () => {
  const withLocal = kernelChoices('6.8.0-45-generic');
  assert.equal(withLocal[0].version, '6.8.0-45-generic');
  assert.match(withLocal[0].description, /uname -r/);
  assert.deepEqual(kernelChoices(undefined).map((c) => c.version), ['6.1', '6.6', '6.8', '6.12', '6.15']);
  assert.equal(kernelChoices('not-a-kernel').length, 5, 'an unparsable release is not offered');
});

test('every rule the detectors run has capture needs, and an unknown rule id in a request is dropped', async () => {
  const { RULES } = await import('../../../src/core/detect/rules');
  const { RULE_NEEDS } = await import('../../../src/core/recipe');
  for (const r of RULES) assert.ok(r.id in RULE_NEEDS, `${r.id} has capture needs`);
  assert.deepEqual(sanitizeRecipeRequest({ include: ['trace/some-future-rule', 'refcount/fault-livelock'] }).include, ['refcount/fault-livelock']);
});
