// In-page side of `cargo xtask bench-browser`: Vaora's frame decoder (the scan worker's wasm
// from pkg/) and zxing-wasm, both on this page's main thread, timed on the same ImageData.
// Everything is served from the page's own origin (see browser-decode.mjs for the paths).
import init, { decode_rgba } from '/pkg/vaora_scan_worker.js';
import { prepareZXingModule, readBarcodes } from '/zxing/es/reader/index.js';

/** zxing-wasm as a QR scanner would use it: QR codes only, otherwise the library's defaults. */
const ZXING_OPTIONS = { formats: ['QRCode'] };

async function loadDecoders() {
  await init({ module_or_path: '/pkg/vaora_scan_worker_bg.wasm' });
  await prepareZXingModule({
    overrides: {
      locateFile: (path, prefix) => (path.endsWith('.wasm') ? `/zxing/reader/${path}` : prefix + path),
    },
    fireImmediately: true,
  });
}

/** A grayscale PNG as canvas ImageData (RGBA), exactly as drawn: no colour management. */
async function imageData(url) {
  const blob = await (await fetch(url)).blob();
  const bitmap = await createImageBitmap(blob, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const context = canvas.getContext('2d', { willReadFrequently: true });
  context.drawImage(bitmap, 0, 0);
  return context.getImageData(0, 0, bitmap.width, bitmap.height);
}

const decoders = {
  vaora: (image, frame) => decode_rgba(image.width, image.height, image.data, frame).map((d) => d.text),
  zxing: async (image) =>
    (await readBarcodes(image, ZXING_OPTIONS)).filter((r) => r.isValid).map((r) => r.text),
};

function summary(times) {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { median: at(0.5), p90: at(0.9), mean: times.reduce((a, b) => a + b, 0) / times.length };
}

/**
 * One case: `frames` (PNG URLs, cycled), `expected` (text, or null for frames without a code).
 * The two decoders alternate decode by decode, so load from elsewhere on the machine hits both
 * alike; Vaora gets consecutive frame numbers (its harder passes rotate by frame number).
 * Returns per decoder the timing summary over `timed` decodes and how many read `expected`
 * (for frames without a code: how many found anything).
 */
async function runCase({ frames, expected, warmup, timed }) {
  const images = await Promise.all(frames.map(imageData));
  const result = {};
  for (const name of Object.keys(decoders)) result[name] = { times: [], readTimes: [], ok: 0 };
  for (let i = 0; i < warmup + timed; i++) {
    const image = images[i % images.length];
    for (const [name, decode] of Object.entries(decoders)) {
      const start = performance.now();
      const texts = await decode(image, i);
      const elapsed = performance.now() - start;
      if (i < warmup) continue;
      result[name].times.push(elapsed);
      const hit = expected === null ? texts.length > 0 : texts.includes(expected);
      if (hit) {
        result[name].ok++;
        result[name].readTimes.push(elapsed);
      }
    }
  }
  const out = {};
  for (const [name, { times, readTimes, ok }] of Object.entries(result)) {
    const reads = readTimes.length > 0 ? summary(readTimes).median : null;
    out[name] = { ...summary(times), readMedian: reads, ok, timed: times.length };
  }
  return out;
}

window.benchReady = loadDecoders().then(() => true);
window.runCase = runCase;
