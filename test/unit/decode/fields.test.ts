import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseBig, parseNumber, pointerText, signedReturn } from '../../../src/core/decode/fields';

test('the radix comes from the type or the format, never from the digits', () => {
  assert.equal(parseNumber('16', { kind: 'unsigned', bits: 64 }, 'auto'), 16);
  assert.equal(parseNumber('16', undefined, 'hex'), 0x16);
  assert.equal(parseNumber('10', undefined, 'auto'), 10);
  assert.equal(parseNumber('7f829c9ba000', undefined, 'auto-pointer'), 0x7f829c9ba000);
  assert.equal(parseNumber('0x7f829c9ba000', { kind: 'hex', bits: 64 }, 'auto'), 0x7f829c9ba000);
  assert.equal(parseNumber('7f829c9ba000,', undefined, 'hex'), 0x7f829c9ba000);
  assert.equal(parseNumber('-11', { kind: 'signed', bits: 32 }, 'auto'), -11);
  assert.equal(parseNumber('zz', undefined, 'hex'), undefined);
  assert.equal(parseNumber('0xffffffffffffffff', { kind: 'hex', bits: 64 }, 'auto'), 2 ** 64);
  assert.equal(parseBig('0xffffffffffffffff', undefined, 'auto'), 0xffffffffffffffffn);
});

test('kernel pointers are normalised strings; hex returns in the errno range are negative', () => {
  assert.equal(pointerText('0xFFFFFFFFC0006440', undefined, 'auto'), '0xffffffffc0006440');
  assert.equal(pointerText('0x0', undefined, 'auto'), '0x0');
  assert.equal(pointerText('ffff888104b2c000', undefined, 'auto-pointer'), '0xffff888104b2c000');
  assert.equal(signedReturn(0xfffffff5n, { kind: 'hex', bits: 32 }), -11);
  assert.equal(signedReturn(0x400n, { kind: 'hex', bits: 32 }), 0x400);
  assert.equal(signedReturn(-11n, { kind: 'signed', bits: 32 }), -11);
});
