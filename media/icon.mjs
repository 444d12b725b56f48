// Draws media/icon.png (128x128 RGBA), the extension's Marketplace/Extensions-view icon:
// three per-page timelines (system RAM -> migrating -> device-private -> back), the way the analysis view
// draws a page's states, crossed by a red mmu_notifier invalidation, on a dark rounded tile.
// No dependencies: shapes are rasterised at 4x and box-filtered down (anti-aliasing), PNG written with zlib.
//   node media/icon.mjs            (rewrites media/icon.png; commit both)
/* global Buffer */
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const SIZE = 128;
const SS = 4; // supersampling factor
const W = SIZE * SS;
const px = new Float64Array(W * W * 4); // premultiplied RGBA in [0,1]

const hex = (h, a = 1) => [parseInt(h.slice(1, 3), 16) / 255, parseInt(h.slice(3, 5), 16) / 255, parseInt(h.slice(5, 7), 16) / 255, a];

/** Source-over of a colour on one supersampled pixel. */
function plot(x, y, [r, g, b, a]) {
  if (x < 0 || y < 0 || x >= W || y >= W) return;
  const i = (y * W + x) * 4;
  px[i] = r * a + px[i] * (1 - a);
  px[i + 1] = g * a + px[i + 1] * (1 - a);
  px[i + 2] = b * a + px[i + 2] * (1 - a);
  px[i + 3] = a + px[i + 3] * (1 - a);
}

/** Filled rounded rectangle in icon coordinates (0..128). */
function roundRect(x0, y0, x1, y1, radius, color) {
  const [X0, Y0, X1, Y1, R] = [x0, y0, x1, y1, radius].map((v) => v * SS);
  for (let y = Math.floor(Y0); y < Math.ceil(Y1); y++) {
    for (let x = Math.floor(X0); x < Math.ceil(X1); x++) {
      const cx = Math.min(Math.max(x + 0.5, X0 + R), X1 - R);
      const cy = Math.min(Math.max(y + 0.5, Y0 + R), Y1 - R);
      if ((x + 0.5 - cx) ** 2 + (y + 0.5 - cy) ** 2 <= R * R) plot(x, y, color);
    }
  }
}

function circle(cx, cy, r, color) {
  roundRect(cx - r, cy - r, cx + r, cy + r, r, color);
}

// the tile
roundRect(4, 4, 124, 124, 22, hex('#1b2330'));

// page-state colours, as in the analysis view's legend
const RAM = hex('#3b82f6');
const MIGRATING = hex('#f59e0b');
const DEVICE = hex('#22c55e');
const LANE = hex('#33415a');

// three page timelines: [start, end, colour] segments between x=18 and x=110
const lanes = [
  [[18, 44, RAM], [46, 58, MIGRATING], [60, 110, DEVICE]],
  [[18, 36, RAM], [38, 50, MIGRATING], [52, 80, DEVICE], [82, 92, MIGRATING], [94, 110, RAM]],
  [[18, 62, RAM], [64, 110, MIGRATING]], // stuck migrating: the refcount stall the rules flag
];
lanes.forEach((segments, i) => {
  const y = 34 + i * 26;
  roundRect(16, y - 1, 112, y + 15, 4, LANE);
  for (const [a, b, color] of segments) roundRect(a, y + 1, b, y + 13, 3, color);
});

// the invalidation: a red vertical stroke across all lanes with a marker on top
roundRect(69, 24, 73, 106, 2, hex('#ef4444'));
circle(71, 22, 7, hex('#ef4444'));
circle(71, 22, 3, hex('#1b2330'));

// box-filter down to 128x128, un-premultiply, 8-bit RGBA
const out = Buffer.alloc(SIZE * SIZE * 4);
for (let y = 0; y < SIZE; y++) {
  for (let x = 0; x < SIZE; x++) {
    const acc = [0, 0, 0, 0];
    for (let sy = 0; sy < SS; sy++) {
      for (let sx = 0; sx < SS; sx++) {
        const i = ((y * SS + sy) * W + x * SS + sx) * 4;
        for (let c = 0; c < 4; c++) acc[c] += px[i + c];
      }
    }
    const a = acc[3] / (SS * SS);
    const o = (y * SIZE + x) * 4;
    for (let c = 0; c < 3; c++) out[o + c] = a > 0 ? Math.round((acc[c] / (SS * SS) / a) * 255) : 0;
    out[o + 3] = Math.round(a * 255);
  }
}

// PNG: signature, IHDR (8-bit RGBA), IDAT (filter byte 0 per row), IEND
const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}
const ihdr = Buffer.alloc(13);
ihdr.writeUInt32BE(SIZE, 0);
ihdr.writeUInt32BE(SIZE, 4);
ihdr[8] = 8; // bit depth
ihdr[9] = 6; // colour type RGBA
const raw = Buffer.alloc(SIZE * (SIZE * 4 + 1));
for (let y = 0; y < SIZE; y++) out.copy(raw, y * (SIZE * 4 + 1) + 1, y * SIZE * 4, (y + 1) * SIZE * 4);
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', ihdr),
  chunk('IDAT', deflateSync(raw, { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
const file = new URL('./icon.png', import.meta.url);
writeFileSync(file, png);
console.log(`wrote ${file.pathname} (${png.length} bytes, ${SIZE}x${SIZE})`);
