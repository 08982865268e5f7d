// The decoder's isolation and loading: a trapped worker is replaced (the page recovers and the
// next image decodes), and the camera path never downloads the photo decoder. Payload charsets:
// a Shift_JIS code read by the camera shows its Japanese text (decoded by the browser's
// TextDecoder, since the wasm carries no Shift_JIS table).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  serverPerFile, testkit, launch, byTest, scanVenue, expectGenuineVenue,
} from './harness.mjs';

// A real photo on which rqrr 0.11 panicked (geometry assertion), from the shared QR corpus; our
// fork rejects that candidate instead (crates/rqrr/README.md).
const FORMER_PANIC_IMAGE = resolve('..', 'shared', 'qr-corpus', 'zxing', 'qrcode-6', '7.png');

// Stands in for a decoder whose wasm trapped: answers like worker-host.js does after a
// RuntimeError, then closes. Served once; the page must start a fresh (real) worker.
const TRAPPING_WORKER = `
self.onmessage = (event) => {
  self.postMessage({ id: event.data.id, crashed: true, message: 'RuntimeError: unreachable' });
  self.close();
};
self.postMessage({ ready: true });
`;

// The real worker-host.js around a wasm module whose one function is `unreachable`: every frame
// traps the engine for real (a WebAssembly.RuntimeError, as a Rust panic does in release builds),
// so the crash path under test is the shipped one, not a stand-in.
const GENUINELY_TRAPPING_WORKER = `
import { serve } from './worker-host.js';
const trap = new WebAssembly.Instance(new WebAssembly.Module(new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version 1
  0x01, 0x04, 0x01, 0x60, 0x00, 0x00, // one type: () -> ()
  0x03, 0x02, 0x01, 0x00, // one function of that type
  0x07, 0x08, 0x01, 0x04, 0x74, 0x72, 0x61, 0x70, 0x00, 0x00, // exported as "trap"
  0x0a, 0x05, 0x01, 0x03, 0x00, 0x00, 0x0b, // body: unreachable
]))).exports.trap;
serve(Promise.resolve(), { frame: () => trap() });
`;

const env = serverPerFile();

test('a decoder that traps is replaced and the page keeps working', async () => {
  const good = join(env.dir, 'poster.png');
  testkit('png', '--text', env.server.posterUrl, '--size', '900', '--out', good);
  // The offline worker would answer the second request from its cache, unseen by the route.
  const { browser, page, errors } = await launch({ serviceWorkers: 'block' });
  let served = 0;
  await page.route('**/photo-worker.js', (route) => {
    served += 1;
    return served === 1
      ? route.fulfill({ contentType: 'text/javascript', body: TRAPPING_WORKER })
      : route.continue();
  });
  try {
    await page.goto(env.server.url);
    await byTest(page, 'photo').setInputFiles(good);
    const notice = byTest(page, 'fallback-error');
    await notice.waitFor({ timeout: 20_000 });
    assert.match(await notice.textContent(), /khởi động lại/, 'the restart is explained');
    // Same page, fresh worker: the same photo now decodes.
    await byTest(page, 'photo').setInputFiles(good);
    await expectGenuineVenue(page);
    assert.equal(served, 2, 'a second worker was started');
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

test('the camera frame a decoder trapped on can be saved, and is that frame', async () => {
  const clip = join(env.dir, 'crash.y4m');
  testkit('clip', '--text', env.server.posterUrl, '--width', '640', '--height', '480',
    '--frames', '10', '--out', clip);
  const { browser, page, errors } = await launch({ clip, serviceWorkers: 'block' });
  let trapping = true;
  let served = 0;
  await page.route('**/scan-worker.js', (route) => {
    served += 1;
    return trapping
      ? route.fulfill({ contentType: 'text/javascript', body: GENUINELY_TRAPPING_WORKER })
      : route.continue();
  });
  try {
    await page.goto(env.server.url);
    await byTest(page, 'scan').click();
    const report = byTest(page, 'crash-report');
    await report.waitFor({ timeout: 20_000 });
    assert.match(await report.textContent(), /chỉ được lưu trên máy của bạn/);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      byTest(page, 'crash-save').click(),
    ]);
    assert.match(download.suggestedFilename(), /^vaora-crash-\d+\.png$/);
    const saved = join(env.dir, 'crash-frame.png');
    await download.saveAs(saved);
    const png = readFileSync(saved);
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    // IHDR: the scan region the worker was given (cover-fit, 10 % inset of 640x480).
    assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [512, 384]);
    assert.ok(served >= 2, `the trapping worker was replaced after each crash (${served} started)`);

    // The real decoder comes back: the camera reads the poster, and the offer stays until dismissed.
    trapping = false;
    await expectGenuineVenue(page);
    assert.ok(await report.isVisible(), 'the saved-image offer outlives the scan screen');
    await byTest(page, 'crash-dismiss').click();
    await report.waitFor({ state: 'detached', timeout: 5_000 });

    // What was saved is the very frame: the photo decoder reads the poster in it.
    await page.goto(env.server.url);
    await byTest(page, 'photo').setInputFiles(saved);
    await expectGenuineVenue(page);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

test('the photo on which rqrr 0.11 panicked is now just read',
  { skip: !existsSync(FORMER_PANIC_IMAGE) && 'the shared QR corpus is not beside the repository' },
  async () => {
    const { browser, page, errors } = await launch();
    try {
      await page.goto(env.server.url);
      await byTest(page, 'photo').setInputFiles(FORMER_PANIC_IMAGE);
      const notice = byTest(page, 'fallback-error');
      await notice.waitFor({ timeout: 20_000 });
      // Not a venue code (and no crash): the ordinary answer.
      assert.doesNotMatch(await notice.textContent(), /khởi động lại/);
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
    }
  });

test('scanning with the camera: no photo decoder, and no lazy chunk before the scan', async () => {
  const clip = join(env.dir, 'poster.y4m');
  testkit('clip', '--text', env.server.posterUrl, '--width', '640', '--height', '480',
    '--frames', '10', '--out', clip);
  const { browser, page } = await launch({ clip });
  const requested = [];
  page.on('request', (request) => requested.push(new URL(request.url()).pathname));
  try {
    await page.goto(env.server.url);
    await byTest(page, 'scan').waitFor();
    // The home screen needs none of the UI's lazy chunks (xtask/src/sizes.rs does not count
    // them): the first is fetched once a camera frame has been decoded.
    const chunk = (path) => /\/(split_|chunk_)[^/]*\.wasm$/.test(path);
    assert.deepEqual(requested.filter(chunk), [], 'no lazy chunk before scanning');
    await byTest(page, 'scan').click();
    await byTest(page, 'venue').waitFor({ timeout: 20_000 });
    assert.ok(requested.includes('/vaora_scan_worker_bg.wasm'), 'the frame decoder was loaded');
    assert.ok(requested.some(chunk), `the venue check came from a chunk: ${requested}`);
    assert.ok(!requested.some((path) => path.includes('photo')), `no photo decoder: ${requested}`);
  } finally {
    await browser.close();
  }
});

test('a light-on-dark (inverted) poster is read by the camera', async () => {
  const clip = join(env.dir, 'inverted.y4m');
  testkit('clip', '--text', env.server.posterUrl, '--width', '640', '--height', '480',
    '--frames', '10', '--invert', '--out', clip);
  const { browser, page, errors } = await launch({ clip });
  try {
    await scanVenue(page, env.server.url);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

test('with two codes in view, the venue code is picked and the other one ignored', async () => {
  const clip = join(env.dir, 'two-codes.y4m');
  // 4:3 like the viewfinder (Chromium delivers 960x720 as is), codes small enough that both
  // sit inside the scan region: the decoder only sees the framed middle of the picture.
  testkit('clip', '--text', 'https://quan-pho.example/menu', '--also', env.server.posterUrl,
    '--width', '960', '--height', '720', '--module', '4', '--frames', '10', '--out', clip);
  const { browser, page, errors } = await launch({ clip });
  try {
    await scanVenue(page, env.server.url);
    assert.equal(await byTest(page, 'venue-name').textContent(), 'Chợ Mỹ Đức');
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

// A code that is not a venue code: the scan page says so and shows the text it read.
async function expectForeignText(clip, text) {
  const { browser, page, errors } = await launch({ clip });
  try {
    await page.goto(env.server.url);
    await byTest(page, 'scan').click();
    const shown = byTest(page, 'foreign-text');
    await shown.waitFor({ timeout: 20_000 });
    assert.equal(await shown.textContent(), text);
    assert.match(await byTest(page, 'foreign-code').textContent(),
      /Đây không phải mã địa điểm Vaora\.Nội dung mã:/);
    assert.equal(await byTest(page, 'status').textContent(), 'Đây không phải mã địa điểm Vaora.');
    // The language switch rewords the notice around the same text.
    await byTest(page, 'lang-en').click();
    const english = byTest(page, 'foreign-code').filter({ hasText: 'This is not a Vaora venue code.' });
    await english.waitFor({ timeout: 5_000 });
    assert.match(await english.textContent(), /^This is not a Vaora venue code\.The code says:/);
    assert.equal(await shown.textContent(), text);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
}

const JAPANESE = 'ようこそ、東京タワーへ。チェックイン・テスト 123';

test('a Shift_JIS code in Kanji mode (no ECI) shows its Japanese text', async () => {
  const clip = join(env.dir, 'shift-jis.y4m');
  testkit('clip', '--text', JAPANESE, '--encoding', 'shift-jis', '--width', '640', '--height', '480',
    '--frames', '10', '--out', clip);
  await expectForeignText(clip, JAPANESE);
});

test('a Shift_JIS code declared by ECI 20 shows its Japanese text', async () => {
  const clip = join(env.dir, 'shift-jis-eci.y4m');
  testkit('clip', '--text', 'テスト', '--encoding', 'shift-jis-eci', '--width', '640', '--height', '480',
    '--frames', '10', '--out', clip);
  await expectForeignText(clip, 'テスト');
});

test('a photo of a Shift_JIS code is named as not a venue code, with its text', async () => {
  const photo = join(env.dir, 'shift-jis.png');
  testkit('png', '--text', JAPANESE, '--encoding', 'shift-jis', '--size', '600', '--out', photo);
  const { browser, page, errors } = await launch();
  try {
    await page.goto(env.server.url);
    await byTest(page, 'photo').setInputFiles(photo);
    const shown = byTest(page, 'foreign-text');
    await shown.waitFor({ timeout: 20_000 });
    assert.equal(await shown.textContent(), JAPANESE);
    assert.equal(await byTest(page, 'fallback-error').textContent(), 'Đây không phải mã địa điểm Vaora.');
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});
