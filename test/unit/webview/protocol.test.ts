import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatAddress, isRequestMessage, isToWebview, pageKey, parseAddress } from '../../../src/protocol';
import { parseRange } from '../../../webview/lib/range';

test('a request envelope needs a known method, an integer id and params', () => {
  assert.equal(isRequestMessage({ kind: 'request', id: 1, method: 'timeline', params: {} }), true);
  assert.equal(isRequestMessage({ kind: 'request', id: 1, method: 'eval', params: {} }), false);
  assert.equal(isRequestMessage({ kind: 'request', id: 1.5, method: 'init', params: {} }), false);
  assert.equal(isRequestMessage({ kind: 'request', id: 1, method: 'init' }), false);
  assert.equal(isRequestMessage({ kind: 'request', id: 1, method: 'init', params: null }), false);
  assert.equal(isRequestMessage('{"kind":"request"}'), false);
  assert.equal(isRequestMessage(null), false);
});

test('the webview accepts responses and events only', () => {
  assert.equal(isToWebview({ kind: 'response', id: 3, ok: true, result: null }), true);
  assert.equal(isToWebview({ kind: 'event', name: 'notesChanged', payload: { notes: [] } }), true);
  assert.equal(isToWebview({ kind: 'request', id: 3, method: 'init', params: {} }), false);
  assert.equal(isToWebview(undefined), false);
});

test('user addresses parse exactly from hex as the kernel prints them', () => {
  assert.equal(parseAddress('0x7facf60de000'), 0x7facf60de000);
  assert.equal(parseAddress('7FACF60DE000'), 0x7facf60de000);
  assert.equal(parseAddress(' 0x7fac_f60d_e000 '), 0x7facf60de000);
  assert.equal(parseAddress('0x'), undefined);
  assert.equal(parseAddress('0x7g'), undefined);
  assert.equal(parseAddress('4096', 10), 4096);
  assert.equal(parseAddress('0x1000', 10), undefined);
  // 57-bit user space (la57): the largest page-aligned address still round-trips
  assert.equal(formatAddress(parseAddress('0xfffffffffff000') as number), '0xfffffffffff000');
});

test('page keys distinguish address spaces given as tgid or mm pointer', () => {
  assert.notEqual(pageKey(123, 5), pageKey('0xffff888003c4d000', 5));
  assert.equal(pageKey(123, 5), '123:5');
});

test('the address-range filter accepts ranges, open ends and a single page', () => {
  assert.deepEqual(parseRange('0x7f0000000000-0x7f0000010000'), { start: 0x7f0000000000, end: 0x7f0000010000 });
  assert.deepEqual(parseRange('0x7f0000000000..0x7f0000010000'), { start: 0x7f0000000000, end: 0x7f0000010000 });
  assert.deepEqual(parseRange('0x7f0000000000-'), { start: 0x7f0000000000, end: undefined });
  assert.deepEqual(parseRange('0x7f0000000123'), { start: 0x7f0000000000, end: 0x7f0000001000 });
  assert.deepEqual(parseRange(''), {});
  assert.equal(parseRange('0x1-0x2-0x3'), undefined);
  assert.equal(parseRange('<img src=x>'), undefined);
});
