/**
 * The decoder's fast path (fields read as ranges of the unsplit body of a TextEvent, numbers parsed in place)
 * against its general path (the same event as a plain object with its `fields` Record), on every fixture
 * event, with the probe definitions found next to each capture: every decoded attribute must be the same.
 * The number parsers' fast paths against their general forms on random text.
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { basename } from 'node:path';
import { Decoder } from '../../../src/core/decode/decoder';
import { parseBig, parseNumber, parseNumberIn, type Radix } from '../../../src/core/decode/fields';
import type { ProbeFieldType } from '../../../src/core/decode/probeCatalog';
import { parsePte } from '../../../src/core/decode/pte';
import { TextEvent } from '../../../src/core/ingest/textEvent';
import type { RawEvent } from '../../../src/core/ingest/types';
import { catalogOf, probeTextsFor } from '../../../src/core/model/build';
import { seededRandom } from '../helpers';
import { fixtureTraces, readAll } from '../ingest/helpers';

/** The same event as an ordinary object: own properties copied, `body` and `fields` materialised. */
function plain(e: RawEvent): RawEvent {
  return { ...e, body: e.body, fields: { ...e.fields } };
}

for (const file of fixtureTraces()) {
  test(`${basename(file)}: decoding from body ranges gives what decoding the fields Record gives`, async () => {
    const { events } = await readAll(file);
    const probes = probeTextsFor(file, {});
    const fast = new Decoder(catalogOf(probes));
    const general = new Decoder(catalogOf(probes));
    let unsplit = 0;
    for (const e of events) {
      const a = fast.decode(e);
      if (e instanceof TextEvent && e.pendingSplit() !== undefined) unsplit++;
      const b = general.decode(plain(e));
      assert.deepEqual(a, b, `line ${e.line}: ${e.body}`);
    }
    assert.deepEqual(fast.resolvedCounts, general.resolvedCounts);
    assert.deepEqual(fast.unresolved, general.unresolved);
    const probeEvents = events.filter((e) => e instanceof TextEvent && (e.kind === 'kprobe' || e.kind === 'kretprobe')).length;
    // the decoder must not have split the fields of the probes it read (that is the point of the fast path)
    assert.ok(unsplit >= probeEvents, `${unsplit} events left unsplit, ${probeEvents} text probes`);
  });
}

test('parseNumberIn reads a part of a text as parseNumber reads it as a string', () => {
  const parts = ['0x', '0X', '-', ',', ' ', '1', '7f', 'ff', '0', '9', 'a', 'G', '12345678', 'deadbeefcafe', '(fault)', '"'];
  const radixes: Radix[] = ['hex', 'dec', 'auto', 'auto-pointer'];
  const types = [undefined, { kind: 'hex' as const, bits: 64 }, { kind: 'unsigned' as const, bits: 32 }, { kind: 'signed' as const, bits: 32 }];
  const rnd = seededRandom(7);
  for (let i = 0; i < 20000; i++) {
    let v = '';
    const n = Math.floor(rnd() * 6);
    for (let j = 0; j < n; j++) v += parts[Math.floor(rnd() * parts.length)];
    const pre = rnd() < 0.5 ? 'x=' : '';
    const post = rnd() < 0.5 ? ' y=1' : '';
    const text = pre + v + post;
    const radix = radixes[Math.floor(rnd() * radixes.length)];
    const type = types[Math.floor(rnd() * types.length)];
    assert.equal(parseNumberIn(text, pre.length, pre.length + v.length, type, radix), parseNumber(v, type, radix), JSON.stringify([v, radix, type]));
  }
});

/** parseBig and parsePte as they were before their hex fast path (the oracle for it). */
function parseBigRef(value: string, type: ProbeFieldType | undefined, radix: Radix): bigint | undefined {
  let v = value.trim().replace(/,$/, '');
  if (v === '' || v === '(fault)') return undefined;
  const neg = v.startsWith('-');
  if (neg) v = v.slice(1);
  let out: bigint | undefined;
  const hasPrefix = /^0x/i.test(v);
  if (type && (type.kind === 'unsigned' || type.kind === 'signed') && !hasPrefix) out = /^\d+$/.test(v) ? BigInt(v) : undefined;
  else if (hasPrefix) out = /^0x[0-9a-f]+$/i.test(v) ? BigInt(v) : undefined;
  else if ((type && type.kind === 'hex') || radix === 'hex' || radix === 'auto-pointer') out = /^[0-9a-f]+$/i.test(v) ? BigInt(`0x${v}`) : undefined;
  else out = /^\d+$/.test(v) ? BigInt(v) : undefined;
  if (out === undefined) return undefined;
  return neg ? -out : out;
}

function parsePteRef(text: string): bigint | undefined {
  const t = text.trim().replace(/,$/, '');
  if (!/^(0x)?[0-9a-f]+$/i.test(t)) return undefined;
  return BigInt(t.startsWith('0x') || t.startsWith('0X') ? t : `0x${t}`);
}

test('parseBig and parsePte read hex as they did before their fast path', () => {
  const digits = '0123456789abcdefABCDEFxg';
  const rnd = seededRandom(11);
  for (let i = 0; i < 30000; i++) {
    let v = rnd() < 0.6 ? (rnd() < 0.8 ? '0x' : '0X') : rnd() < 0.1 ? '-0x' : '';
    const n = Math.floor(rnd() * 20);
    for (let j = 0; j < n; j++) v += digits[Math.floor(rnd() * (rnd() < 0.95 ? 22 : digits.length))];
    if (rnd() < 0.05) v += ',';
    if (rnd() < 0.05) v = ` ${v}`;
    for (const radix of ['hex', 'dec', 'auto', 'auto-pointer'] as Radix[]) {
      assert.equal(parseBig(v, undefined, radix), parseBigRef(v, undefined, radix), JSON.stringify([v, radix]));
      assert.equal(parseBig(v, { kind: 'unsigned', bits: 64 }, radix), parseBigRef(v, { kind: 'unsigned', bits: 64 }, radix), JSON.stringify([v, radix, 'u64']));
    }
    assert.equal(parsePte(v), parsePteRef(v), JSON.stringify(v));
  }
});
