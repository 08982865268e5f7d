// How many frames of a camera clip each decoder reads on its own: Vaora's frame decoder (the
// wasm the scan worker runs, called with consecutive frame numbers as the page does) and
// zxing-wasm (the anchor), both in Node's V8 on the same RGBA pixels.
// usage: node clip-frames.mjs <dir with vaora_scan_worker.js> <clip.y4m> <expected text>
// Prints one JSON line: { frames, vaora, zxing } (counts of frames read with the expected text).
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { prepareZXingModule, readBarcodes } from 'zxing-wasm/reader';

const [dir, clipPath, expected] = process.argv.slice(2);
if (!expected) {
  console.error('usage: node clip-frames.mjs <pkg dir> <clip.y4m> <expected text>');
  process.exit(2);
}
const glue = await import(pathToFileURL(resolve(join(dir, 'vaora_scan_worker.js'))).href);
glue.initSync({ module: readFileSync(join(dir, 'vaora_scan_worker_bg.wasm')) });
const require = createRequire(import.meta.url);
const zxingWasm = require.resolve('zxing-wasm/reader/zxing_reader.wasm');
await prepareZXingModule({
  overrides: { wasmBinary: readFileSync(zxingWasm) },
  fireImmediately: true,
});

const clip = readFileSync(clipPath);
const headerEnd = clip.indexOf(0x0a);
const header = clip.subarray(0, headerEnd).toString();
const width = Number(/ W(\d+)/.exec(header)[1]);
const height = Number(/ H(\d+)/.exec(header)[1]);
const frameBytes = 6 + width * height * 3 / 2; // "FRAME\n", Y, U and V (4:2:0)
const frames = Math.floor((clip.length - headerEnd - 1) / frameBytes);

let vaora = 0;
let zxing = 0;
for (let i = 0; i < frames; i++) {
  const start = headerEnd + 1 + i * frameBytes + 6;
  const luma = clip.subarray(start, start + width * height);
  const rgba = new Uint8ClampedArray(width * height * 4);
  for (let p = 0; p < luma.length; p++) {
    rgba[4 * p] = rgba[4 * p + 1] = rgba[4 * p + 2] = luma[p];
    rgba[4 * p + 3] = 255;
  }
  if (glue.decode_rgba(width, height, rgba, i).some((d) => d.text === expected)) vaora++;
  const found = await readBarcodes({ data: rgba, width, height, colorSpace: 'srgb' }, { formats: ['QRCode'] });
  if (found.some((r) => r.isValid && r.text === expected)) zxing++;
}
console.log(JSON.stringify({ frames, vaora, zxing }));
