/**
 * `npm run bench [-- --size 256M] [--stages naive,stats]`: generates a synthetic ftrace file by replaying the real 6.1 captures
 * (generate.ts; default 1 GiB, under test/bench/.data/, git-ignored), then runs every stage of stages.ts in its own child
 * process and prints seconds, MB/s and peak RSS (process.resourceUsage().maxRSS) for each, the naive
 * baseline included. A benchmark, not a test: nothing here asserts a time.
 */

import { execFileSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { generateTrace } from './generate';
import { stages } from './stages';

function parseSize(s: string): number {
  const m = /^(\d+(?:\.\d+)?)([KMG]?)i?B?$/i.exec(s.trim());
  if (!m) throw new Error(`bad --size ${s} (examples: 256M, 1G)`);
  const mult = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 }[m[2].toUpperCase() as '' | 'K' | 'M' | 'G'];
  return Math.round(Number(m[1]) * mult);
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  if (i !== -1) return process.argv[i + 1];
  const eq = process.argv.find((a) => a.startsWith(`--${name}=`));
  return eq?.slice(name.length + 3);
}

async function child(stageName: string, file: string): Promise<void> {
  const stage = stages.find((s) => s.name === stageName);
  if (!stage) throw new Error(`unknown stage ${stageName}`);
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  const events = await stage.run(file);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const cpu = process.cpuUsage(c0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  process.stdout.write(JSON.stringify({ ms, cpuMs, events, maxRSSKiB: process.resourceUsage().maxRSS }));
}

async function main(): Promise<void> {
  const stageName = arg('stage');
  const file = arg('file');
  if (stageName && file) return child(stageName, file);
  const size = parseSize(arg('size') ?? '1G');
  const root = join(__dirname, '..', '..', '..');
  const path = join(root, 'test', 'bench', '.data', `replay-${size}.trace`);
  const t0 = Date.now();
  const gen = generateTrace(path, size, root);
  const mb = gen.bytes / (1024 * 1024);
  process.stdout.write(`${gen.reused ? 'reusing' : 'generated'} ${path} (${mb.toFixed(0)} MiB${gen.reused ? '' : `, ${((Date.now() - t0) / 1000).toFixed(1)} s`})\n`);
  process.stdout.write(`node ${process.version}, ${cpus().length} CPUs, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}\n`);
  process.stdout.write('MB/s is wall-clock; cpu MB/s divides by the process CPU time (user+sys), which a loaded machine does not inflate\n\n');
  process.stdout.write(
    `${'stage'.padEnd(8)} ${'seconds'.padStart(8)} ${'MB/s'.padStart(8)} ${'cpu s'.padStart(8)} ${'cpu MB/s'.padStart(9)} ${'peak RSS'.padStart(10)} ${'events'.padStart(12)}  what\n`,
  );
  const only = arg('stages')?.split(',');
  for (const s of stages) {
    if (only && !only.includes(s.name)) continue;
    const out = execFileSync(process.execPath, [__filename, '--stage', s.name, '--file', path], { encoding: 'utf8', maxBuffer: 1 << 20 });
    const r = JSON.parse(out) as { ms: number; cpuMs: number; events: number; maxRSSKiB: number };
    const mbps = mb / (r.ms / 1000);
    const cpuMbps = mb / (r.cpuMs / 1000);
    process.stdout.write(
      `${s.name.padEnd(8)} ${(r.ms / 1000).toFixed(2).padStart(8)} ${mbps.toFixed(0).padStart(8)} ${(r.cpuMs / 1000).toFixed(2).padStart(8)} ${cpuMbps.toFixed(0).padStart(9)} ${`${(r.maxRSSKiB / 1024).toFixed(0)} MB`.padStart(10)} ${String(r.events).padStart(12)}  ${s.description}\n`,
    );
  }
}

main().catch((e) => {
  process.stderr.write(`bench: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
