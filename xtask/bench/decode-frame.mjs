// Times Vaora's frame decoder (the wasm the browser's scan worker runs) in Node's V8.
// usage: node decode-frame.mjs <dir with vaora_scan_worker.js> <clip.y4m> [iterations]
// Prints one JSON line: median and mean ms per decode, and how many codes were found.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [dir, clipPath, iterationsArg] = process.argv.slice(2);
const iterations = Number(iterationsArg ?? 40);
const glue = await import(pathToFileURL(resolve(join(dir, 'vaora_scan_worker.js'))).href);
glue.initSync({ module: readFileSync(join(dir, 'vaora_scan_worker_bg.wasm')) });

// First frame of a Y4M clip (C420jpeg): the Y plane, expanded to RGBA like canvas ImageData.
const clip = readFileSync(clipPath);
const headerEnd = clip.indexOf(0x0a);
const header = clip.subarray(0, headerEnd).toString();
const width = Number(/ W(\d+)/.exec(header)[1]);
const height = Number(/ H(\d+)/.exec(header)[1]);
const frameStart = clip.indexOf(0x0a, headerEnd + 1) + 1; // after "FRAME\n"
const luma = clip.subarray(frameStart, frameStart + width * height);
const rgba = new Uint8Array(width * height * 4);
for (let i = 0; i < luma.length; i++) {
  rgba[4 * i] = rgba[4 * i + 1] = rgba[4 * i + 2] = luma[i];
  rgba[4 * i + 3] = 255;
}

let found = 0;
const times = [];
for (let i = 0; i < iterations + 5; i++) {
  const start = performance.now();
  // Counting frames as the page does: timings average over the decoder's pass rotation.
  found = glue.decode_rgba(width, height, rgba, i).length;
  if (i >= 5) times.push(performance.now() - start); // first runs warm up the JIT tiers
}
times.sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)];
const mean = times.reduce((a, b) => a + b, 0) / times.length;
console.log(JSON.stringify({ width, height, found, median_ms: median, mean_ms: mean }));
