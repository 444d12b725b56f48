import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeFile } from '../../../src/core/analyze';
import { ruleCatalog } from '../../../src/core/detect/rules';
import type { Finding } from '../../../src/core/detect/types';
import { artifactUri, fence, mdEscape, reportSource, toJson, toMarkdown, toSarif, type ReportSource } from '../../../src/core/report';
import { fixture } from '../helpers';

const EXCLUSIVE = fixture('traces', 'k6.1', 'exclusive-ftrace.txt');

let cached: Promise<ReportSource & { close(): void }> | undefined;
function exclusiveSource() {
  cached ??= analyzeFile(EXCLUSIVE, {}).then((a) => reportSource(a));
  return cached;
}

test('toJson follows the issue-5 contract exactly (keys, types, ns-exact timestamps as strings)', async () => {
  const j = toJson(await exclusiveSource());
  assert.deepEqual(Object.keys(j), ['file', 'format', 'summary', 'findings', 'missingEvidence']);
  assert.deepEqual(Object.keys(j.summary), ['events', 'pages', 'migrations', 'invalidations']);
  assert.equal(j.format, 'ftrace');
  assert.equal(typeof j.summary.events, 'number');
  assert.equal(j.summary.invalidations.EXCLUSIVE, 13, 'the .md counts 13 EXCLUSIVE invalidations');
  assert.ok(j.findings.length > 0);
  for (const f of j.findings) {
    assert.deepEqual(Object.keys(f), ['rule', 'severity', 'title', 'message', 'as', 'pages', 'fromTs', 'toTs', 'lines']);
    assert.match(f.fromTs, /^\d+\.\d{9}$/);
    assert.ok(['error', 'warning', 'info'].includes(f.severity));
    assert.ok(f.lines.every((l) => Number.isInteger(l) && l > 0));
    assert.ok(typeof f.as === 'number' || typeof f.as === 'string' || f.as === null);
  }
  for (const m of j.missingEvidence) assert.deepEqual(Object.keys(m), ['rule', 'message']);
});

test('toSarif is SARIF 2.1.0: driver rules with help and helpUri, results on trace lines, fingerprints from Finding.key', async () => {
  const src = await exclusiveSource();
  const sarif = toSarif(src, { baseDir: fixture('..'), toolVersion: '1.2.3' });
  assert.equal(sarif.version, '2.1.0');
  assert.match(sarif.$schema, /sarif-2\.1\.0/);
  const run = sarif.runs[0];
  assert.equal(run.tool.driver.name, 'hmm-trace');
  assert.equal(run.tool.driver.rules.length, ruleCatalog().length);
  for (const r of run.tool.driver.rules) {
    assert.ok(r.id && r.name && r.shortDescription.text && r.fullDescription.text && r.help.text && r.help.markdown);
    assert.equal(r.helpUri, `https://github.com/hmm-trace/hmm-trace/blob/main/docs/rules.md#${r.id}`);
    assert.ok(['error', 'warning', 'note'].includes(r.defaultConfiguration.level));
  }
  assert.equal(run.artifacts[0].location.uri, 'fixtures/traces/k6.1/exclusive-ftrace.txt', 'relative to the base directory');
  assert.equal(run.results.length, src.findings.length);
  run.results.forEach((res, i) => {
    const f = src.findings[i];
    assert.equal(res.ruleId, f.rule);
    assert.equal(res.level, f.severity === 'info' ? 'note' : f.severity);
    assert.equal(run.tool.driver.rules[res.ruleIndex as number].id, f.rule);
    const loc = (res.locations as { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[])[0].physicalLocation;
    assert.equal(loc.region.startLine, f.lines[0]);
    assert.equal(loc.artifactLocation.uri, run.artifacts[0].location.uri);
    assert.equal((res.relatedLocations as unknown[]).length, f.lines.length - 1);
    assert.deepEqual(res.partialFingerprints, { 'hmmTraceFindingKey/v1': f.key });
  });
});

test('artifact URIs are relative inside the base directory, file:// outside it', () => {
  assert.equal(artifactUri('/repo/traces/a b.txt', '/repo'), 'traces/a%20b.txt');
  assert.equal(artifactUri('/elsewhere/t.txt', '/repo'), 'file:///elsewhere/t.txt');
});

test('toMarkdown: summary table, findings by rule with evidence quoted verbatim from the trace lines', async () => {
  const src = await exclusiveSource();
  const md = toMarkdown(src);
  assert.match(md, /^# hmm-trace report: exclusive-ftrace\.txt/);
  assert.match(md, /\| Invalidations \| EXCLUSIVE 13, CLEAR 3, UNMAP 3 \|/);
  assert.match(md, /### invalidation\/split-clear: /);
  // line 203 is the 2 MiB CLEAR sent by __split_huge_pmd; quoted exactly as in the file
  assert.ok(md.includes('203:         hmmtrace-145     [000] .....     6.614462: mn_start: (__mmu_notifier_invalidate_range_start+0x0/0x190) start=0x7f2dbe400000 end=0x7f2dbe600000 flags=1 event=1 owner=0x0 mm=0xff11000002c3d400'));
});

test('toMarkdown renders notes and lists findings marked expected as suppressed, not deleted', async () => {
  const base = await exclusiveSource();
  const f = base.findings.find((x) => x.rule === 'invalidation/split-clear') as Finding;
  const other = base.findings.find((x) => x.rule === 'refcount/exclusive-conversion-failed') as Finding;
  const md = toMarkdown({
    ...base,
    notes: [
      { line: f.lines[0], findingKey: f.key, body: 'expected: THP <b>on purpose</b>', expected: true },
      { line: other.lines[0], findingKey: other.key, body: 'tail pages, see *thread 001*' },
      { line: 1, body: 'header line' },
    ],
  });
  assert.match(md, /## Suppressed \(marked expected\)/);
  assert.ok(md.includes('expected: THP &lt;b&gt;on purpose&lt;/b&gt;'), 'note text is escaped');
  assert.ok(md.includes('> **Note** (line'), 'note rendered beside its finding');
  assert.ok(md.includes('tail pages, see \\*thread 001\\*'));
  assert.match(md, /## Notes\n\n- Line 1: header line/);
  const sarif = toSarif({ ...base, notes: [{ line: f.lines[0], findingKey: f.key, body: 'ok', expected: true }] });
  const res = sarif.runs[0].results.find((r) => (r.partialFingerprints as Record<string, string>)['hmmTraceFindingKey/v1'] === f.key);
  assert.deepEqual(res?.suppressions, [{ kind: 'external', status: 'accepted', justification: 'ok' }]);
});

test('untrusted trace text cannot break out: markdown metacharacters escaped, fences outgrow backtick runs', () => {
  assert.equal(mdEscape('a|b *c* [x](y) <img> `z` _u_ migrate_vma_setup'), 'a\\|b \\*c\\* \\[x\\](y) &lt;img&gt; \\`z\\` \\_u\\_ migrate_vma_setup');
  const f = fence(['evil ``` inside', 'and ```` four']);
  assert.ok(f.startsWith('`````\n') && f.endsWith('\n`````'));
  assert.equal(mdEscape('line1\nline2\u001b[31m'), 'line1 line2\uFFFD\\[31m');
});
