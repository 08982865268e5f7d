// Driver of `cargo xtask bench-browser`: serves browser/ (the bench page), pkg/ (Vaora's frame
// decoder), zxing-wasm's files and the frames from one local origin, opens the page in headless
// Chromium and prints per case the median and p90 ms per decode of each decoder, the
// Vaora/zxing-wasm ratio, and how many decodes read the code.
//
// usage: node browser-decode.mjs --chromium BIN --pkg DIR --frames DIR --text TEXT
//                                [--warmup N] [--timed N]
// The frames dir holds `code-WxH-I.png` and `none-WxH-I.png` (vaora-testkit frame).
// Exits non-zero when a decoder reads none of the frames with a code, or finds a code in a
// frame without one: timing a failed decode would be meaningless.
import { createServer } from 'node:http';
import { createReadStream, readdirSync, statSync } from 'node:fs';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';

const { values: opts } = parseArgs({
  options: {
    chromium: { type: 'string' },
    pkg: { type: 'string' },
    frames: { type: 'string' },
    text: { type: 'string' },
    warmup: { type: 'string', default: '15' },
    timed: { type: 'string', default: '90' },
  },
});
for (const name of ['chromium', 'pkg', 'frames', 'text']) {
  if (!opts[name]) {
    console.error(`browser-decode.mjs: missing --${name} (run it through \`cargo xtask bench-browser\`)`);
    process.exit(2);
  }
}
const warmup = Number(opts.warmup);
const timed = Number(opts.timed);

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const zxingDist = resolve(dirname(require.resolve('zxing-wasm/reader')), '..', '..');
/** URL prefix → directory. */
const roots = {
  '/bench/': join(here, 'browser'),
  '/pkg/': resolve(opts.pkg),
  '/zxing/': zxingDist,
  '/frames/': resolve(opts.frames),
};
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
};

/** A minimal static server; cross-origin isolated, so performance.now() is fine-grained. */
function serve() {
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url, 'http://x').pathname);
    const prefix = Object.keys(roots).find((p) => path.startsWith(p));
    const file = prefix && resolve(roots[prefix], path.slice(prefix.length));
    if (!file || !(file + sep).startsWith(roots[prefix] + sep) || !statSync(file, { throwIfNoEntry: false })?.isFile()) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-embedder-policy': 'require-corp',
      'cache-control': 'no-store',
    });
    createReadStream(file).pipe(response);
  });
  return new Promise((done) => server.listen(0, '127.0.0.1', () => done(server)));
}

/** Cases from the frame files: each size with and without a code. */
function cases() {
  const bySize = new Map();
  for (const name of readdirSync(opts.frames).sort()) {
    const match = /^(code|none)-(\d+)x(\d+)-(\d+)\.png$/.exec(name);
    if (!match) continue;
    const [, kind, width, height] = match;
    const key = `${width}x${height} ${kind === 'code' ? 'with code' : 'no code'}`;
    if (!bySize.has(key)) bySize.set(key, { key, pixels: width * height, kind, frames: [] });
    bySize.get(key).frames.push(`/frames/${name}`);
  }
  return [...bySize.values()].sort((a, b) => a.pixels - b.pixels || (a.kind === 'code' ? -1 : 1));
}

const server = await serve();
const origin = `http://127.0.0.1:${server.address().port}`;
const browser = await chromium.launch({
  executablePath: opts.chromium,
  headless: true,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
let failed = false;
try {
  const page = await browser.newPage();
  const foreign = [];
  page.on('request', (request) => {
    if (!request.url().startsWith(origin)) foreign.push(request.url());
  });
  page.on('pageerror', (err) => console.error('[page error]', err.message));
  await page.goto(`${origin}/bench/index.html`);
  await page.waitForFunction(() => window.benchReady, null, { timeout: 60_000 });
  if (!(await page.evaluate(() => window.crossOriginIsolated))) {
    console.error('note: the page is not cross-origin isolated; timer resolution is coarse');
  }

  const ms = (x) => (x === null ? '—' : x.toFixed(2)).padStart(8);
  console.log(`Chromium ${browser.version()}, page main thread, per case ${warmup} warm-up then ${timed} timed`);
  console.log('decodes of each decoder, alternating; ms per decode of an RGBA ImageData\n');
  console.log(`${'case'.padEnd(20)} ${'decoder'.padEnd(11)} ${'median'.padStart(8)} ${'p90'.padStart(8)} ${'read'.padStart(7)} ${'median of reads'.padStart(16)}`);
  for (const c of cases()) {
    const expected = c.kind === 'code' ? opts.text : null;
    const r = await page.evaluate((args) => window.runCase(args), {
      frames: c.frames, expected, warmup, timed,
    });
    const rows = [['Vaora', r.vaora], ['zxing-wasm', r.zxing]];
    rows.forEach(([name, x], i) => {
      const reads = expected === null ? '' : ms(x.readMedian).padStart(16);
      console.log(`${(i === 0 ? c.key : '').padEnd(20)} ${name.padEnd(11)} ${ms(x.median)} ${ms(x.p90)} ${`${x.ok}/${x.timed}`.padStart(7)} ${reads}`);
    });
    let ratio = `${' '.repeat(21)}Vaora/zxing-wasm ${(r.vaora.median / r.zxing.median).toFixed(2)}`;
    if (expected !== null && r.vaora.readMedian !== null && r.zxing.readMedian !== null) {
      ratio += ` (median of reads: ${(r.vaora.readMedian / r.zxing.readMedian).toFixed(2)})`;
    }
    console.log(ratio);
    for (const [name, x] of rows) {
      if (expected !== null && x.ok === 0) {
        console.error(`error: ${name} read none of the ${c.key} frames: its timings are meaningless`);
        failed = true;
      } else if (expected === null && x.ok > 0) {
        console.error(`error: ${name} found a code in ${x.ok} frames without one`);
        failed = true;
      }
    }
  }
  console.log(`\nread: decodes that returned the code's text (no-code cases: that found anything);`);
  console.log('frames are cycled, so a frame one decoder cannot read is timed again every few decodes.');
  if (foreign.length > 0) {
    console.error(`error: the page requested other origins: ${[...new Set(foreign)].join(', ')}`);
    failed = true;
  }
} finally {
  await browser.close();
  server.close();
}
process.exit(failed ? 1 : 0);
