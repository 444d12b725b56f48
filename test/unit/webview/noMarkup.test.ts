import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../helpers';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

// Trace strings (task names, marker text, field values) reach the webview; the only safe sink is text.
test('webview code never parses strings as HTML or sets inline handlers/styles', () => {
  const files = sources(join(repoRoot(), 'webview'));
  assert.ok(files.length > 5);
  const banned = [/\.innerHTML\b/, /\.outerHTML\b/, /insertAdjacentHTML/, /document\.write/, /setAttribute\(\s*['"]on/, /setAttribute\(\s*['"]style['"]/, /\beval\(/, /new Function\(/];
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    for (const b of banned) assert.doesNotMatch(text, b, `${f} uses ${b}`);
  }
});

test('the webview HTML shell has a strict CSP with a nonce and no inline script or style', () => {
  const source = readFileSync(join(repoRoot(), 'src', 'extension', 'webview', 'html.ts'), 'utf8');
  const html = source.slice(source.indexOf('const csp = ['));
  assert.match(html, /default-src 'none'/);
  assert.match(html, /script-src 'nonce-\$\{nonce\}'/);
  assert.doesNotMatch(html, /unsafe-inline|unsafe-eval/);
  assert.doesNotMatch(html, /<style|style="/);
});
