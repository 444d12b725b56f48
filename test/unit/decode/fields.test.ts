import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseBig, parseNumber, parseNumberIn, parseNumberInBytes, pointerText, type Radix, shortHex, signedReturn } from '../../../src/core/decode/fields';
import { seededRandom } from '../helpers';
import type { ProbeFieldType } from '../../../src/core/decode/probeCatalog';

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

test('numbers read from a body\'s bytes are the numbers read from its characters', () => {
  const values = ['0', '42', '-11', '0x0', '0x7f3a5c201000', '0XFF', '7f3a5c201000', 'ffffffffffffffff', '0xffd40003f3fffd40', '123456789012345', '1234567890123456',
    '12,', ' 7', '-', '0x', '(fault)', 'abc', '1é', 'é1', '0x1234567890ab\u00a0', '\u00a012', '0x123456789abcd', '0x123456789abcde', '-0x10', '99999999999999999999'];
  const types: (ProbeFieldType | undefined)[] = [undefined, { kind: 'hex', bits: 64 }, { kind: 'unsigned', bits: 64 }, { kind: 'signed', bits: 32 }];
  const radixes: Radix[] = ['hex', 'dec', 'auto-pointer', 'auto'];
  for (const v of values) {
    const text = `k=${v} x`;
    const bytes = Buffer.from(text, 'utf8');
    const from = 2;
    const to = from + v.length;
    const bto = 2 + Buffer.byteLength(v);
    for (const type of types) {
      for (const radix of radixes) {
        assert.equal(parseNumberInBytes(bytes, from, bto, type, radix), parseNumberIn(text, from, to, type, radix), JSON.stringify([v, type, radix]));
      }
    }
  }
});

test('shortHex reads what the syscall exit pattern and parseBig read, where it reads anything', () => {
  const rnd = seededRandom(31);
  const parts = ['0x', '0X', '0', '7f', 'ff', 'F', 'g', ' ', '-', '12345678', 'deadbeefcafe1'];
  let read = 0;
  for (let i = 0; i < 20_000; i++) {
    let t = rnd() < 0.5 ? '0x' : '';
    const n = 1 + Math.floor(rnd() * 3);
    for (let j = 0; j < n; j++) t += parts[Math.floor(rnd() * parts.length)];
    const v = shortHex(t);
    if (v === undefined) continue;
    read++;
    const m = /(?:->\s*|^\s*)(-?0x[0-9a-f]+|-?\d+)\s*$/i.exec(t);
    assert.ok(m, t);
    assert.equal(v, signedReturn(parseBig(m[1], undefined, 'hex'), { kind: 'hex', bits: 64 }), t);
  }
  assert.ok(read > 1000, `${read}`);
});
