/**
 * Where the model build's memory goes: heap and external bytes right after the build (with a forced GC when
 * node runs with --expose-gc), the column bytes of the store, and the record counts. Run by hand:
 * `node --expose-gc dist/test/bench/stage-model-memory.js <trace>` (HEAP_SNAPSHOT=file.heapsnapshot to write a
 * snapshot of what the model keeps); not part of the bench table.
 */

import { writeHeapSnapshot } from 'node:v8';
import { statSync } from 'node:fs';
import { readTrace } from '../../src/core/ingest';
import { ModelBuilder, probeCatalogFor } from '../../src/core/model/build';
import { FieldsFromFile } from '../../src/core/model/fieldsFromFile';

async function main(): Promise<void> {
  const file = process.argv[2];
  if (!file) throw new Error('usage: stage-model-memory.js <trace>');
  const c0 = process.cpuUsage();
  // buildModel's steps, timed apart: streaming (ingest + decode + store) and finish (spans, pages, replay)
  const builder = new ModelBuilder(probeCatalogFor(file, { discoverProbes: false }), { keepFields: statSync(file).size <= 16 * 1024 * 1024 });
  await readTrace(file, (ev) => builder.add(ev), { fields: true });
  const c1 = process.cpuUsage(c0);
  const model = builder.finish(builder.store.keepFields ? undefined : new FieldsFromFile(file, 'ftrace'));
  const cpu = process.cpuUsage(c0);
  const s = (u: NodeJS.CpuUsage) => ((u.user + u.system) / 1e6).toFixed(2);
  process.stdout.write(`stream ${s(c1)} s cpu, finish ${((cpu.user + cpu.system - c1.user - c1.system) / 1e6).toFixed(2)} s cpu\n`);
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) gc();
  if (process.env.HEAP_SNAPSHOT) process.stdout.write(`heap snapshot ${writeHeapSnapshot(process.env.HEAP_SNAPSHOT)}\n`);
  const m = process.memoryUsage();
  const mb = (n: number) => `${(n / 1048576).toFixed(0)} MB`;
  process.stdout.write(
    `cpu ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s; events ${model.eventCount}; migrations ${model.migrations.length}; invalidations ${model.invalidations.length}\n` +
      `after build${gc ? ' + gc' : ''}: heapUsed ${mb(m.heapUsed)}, external ${mb(m.external)}, arrayBuffers ${mb(m.arrayBuffers)}, rss ${mb(m.rss)}; peak rss ${mb(process.resourceUsage().maxRSS * 1024)}\n`,
  );
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exitCode = 1;
});
