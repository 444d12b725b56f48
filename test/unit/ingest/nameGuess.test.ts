/**
 * NameGuess (nameGuess.ts) must only answer with the name the byte scan would find: on every event text of the
 * fixtures and on texts built to mislead it (a kept name followed by other bytes, colons inside names, names
 * at the 16-byte edge, texts ending right after the name).
 */

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Interner, trimEnd } from '../../../src/core/ingest/bytes';
import { LineContext, bracketContext } from '../../../src/core/ingest/context';
import { NameGuess } from '../../../src/core/ingest/nameGuess';
import { seededRandom } from '../helpers';
import { fixtureTraces } from './helpers';

/** The scan of parseEventText: the end of the name token, or -1 when it does not end in `: ` / `:`$. */
function scanName(buf: Buffer, s: number, e: number): number {
  let t = s;
  while (t < e) {
    const c = buf[t];
    if (c === 58 && (t + 1 === e || buf[t + 1] === 32)) break;
    if (c === 32 || c === 40) break;
    t++;
  }
  return t === s || t >= e || buf[t] !== 58 ? -1 : t;
}

/** Feeds texts through a guess as the parsers do; every guess must agree with the scan. */
function check(texts: Buffer[]): number {
  const names = new Interner<never>();
  const guess = new NameGuess<never>();
  let hits = 0;
  for (const buf of texts) {
    const e = trimEnd(buf, 0, buf.length);
    const t = scanName(buf, 0, e);
    const g = guess.find(buf, 0, e);
    if (g !== undefined) {
      assert.equal(t, g.run.length, buf.toString());
      assert.equal(g.str, buf.toString('utf8', 0, t));
      hits++;
    } else if (t !== -1) {
      guess.remember(buf, 0, e, names.entry(buf, 0, t));
    }
  }
  return hits;
}

test('guesses agree with the scan on every fixture event text', () => {
  const ctx = new LineContext();
  const texts: Buffer[] = [];
  for (const f of fixtureTraces()) {
    const text = readFileSync(f);
    let p = 0;
    while (p < text.length) {
      let nl = text.indexOf(10, p);
      if (nl === -1) nl = text.length;
      let s = p;
      while (s < nl && text[s] === 32) s++;
      if (bracketContext(text, s, nl, ctx) !== 0) texts.push(Buffer.from(text.subarray(ctx.rest, nl)));
      p = nl + 1;
    }
  }
  const hits = check(texts);
  assert.ok(hits > texts.length / 2, `${hits} of ${texts.length}`);
});

test('texts built to mislead a guess read as the scan reads them', () => {
  const rnd = seededRandom(17);
  const names = ['mn_start', 'mn_start_ret', 'a:b', 'x', 'sixteen_bytes_ab', 'fifteen_bytes_a', 'seventeen_bytes_a', 'tlb_flush', 'name:'];
  const afters = [': (x+0x0/0x10) a=1', ':', ': ', ':x y', ': body', ':: x', ' x: y', '(x): y', ': (migrate_vma_setup+0x1/0x2)', ':  padded'];
  const texts: Buffer[] = [];
  for (let i = 0; i < 20000; i++) {
    const name = names[Math.floor(rnd() * names.length)];
    const after = afters[Math.floor(rnd() * afters.length)];
    const pad = 'abcdefghijklmnopqrstuvwxyz'.slice(0, Math.floor(rnd() * 20));
    texts.push(Buffer.from(`${name}${after}${pad}`, 'utf8'));
  }
  assert.ok(check(texts) > 1000);
});
