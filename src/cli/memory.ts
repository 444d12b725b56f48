/**
 * An analysis peaks at 74–80 bytes per event, under 0.5 byte per byte of ftrace text: a trace of several GiB
 * can need more heap than Node allows by default, and Node then dies with a fatal error instead of a message.
 * Say it first, with the flag that fixes it.
 */

import { statSync } from 'node:fs';
import { getHeapStatistics } from 'node:v8';

/** Peak bytes per trace byte, measured on the bench's replay of the real captures (analyze: 452–490 MB for 1 GiB). */
const MODEL_BYTES_PER_TRACE_BYTE = 0.48;

/** A warning when the model of `file` will not fit this process's heap, else undefined. */
export function heapWarning(file: string, heapLimit = getHeapStatistics().heap_size_limit): string | undefined {
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    return undefined; // the command reports the unreadable file itself
  }
  const need = size * MODEL_BYTES_PER_TRACE_BYTE;
  if (need < heapLimit * 0.9) return undefined;
  const gb = (b: number) => (b / 1024 ** 3).toFixed(1);
  const mb = Math.ceil((need * 1.25) / 1024 ** 2 / 1024) * 1024;
  return (
    `hmm-trace: ${file} is ${gb(size)} GiB; its model needs about ${gb(need)} GB of memory and this node allows ${gb(heapLimit)} GB. ` +
    `If it runs out, run it as \`node --max-old-space-size=${mb} dist/cli.js ...\`.`
  );
}
