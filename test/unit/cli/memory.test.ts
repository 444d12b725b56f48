import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { heapWarning } from '../../../src/cli/memory';
import { fixture } from '../helpers';

test('a trace whose model will not fit the heap gets a warning with the node flag that fixes it', () => {
  const file = fixture('traces', 'k6.1', 'pinned-ftrace.txt');
  const size = statSync(file).size;
  // this node's real limit is far above a 0.5 MB capture
  assert.equal(heapWarning(file), undefined);
  // as if the heap were smaller than the model (0.48 byte per trace byte)
  const w = heapWarning(file, size / 4);
  assert.ok(w);
  assert.match(w, /its model needs about/);
  assert.match(w, /node --max-old-space-size=\d+ dist\/cli\.js/);
  assert.equal(heapWarning(file, size * 10), undefined);
  assert.equal(heapWarning('/nonexistent/trace'), undefined, 'the command reports an unreadable file itself');
});
