// The decoder's isolation and loading: a rqrr panic traps only its worker (the page recovers and
// the next image decodes), and the camera path never downloads the photo decoder.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { scratch, startServer, testkit, launch, byTest } from './harness.mjs';

// A real photo on which rqrr 0.11 panics (geometry assertion), from the shared QR corpus.
const PANIC_IMAGE = resolve('..', 'shared', 'qr-corpus', 'zxing', 'qrcode-6', '7.png');

let tmp;
let server;

before(async () => {
  tmp = scratch();
  server = await startServer(tmp.dir);
});

after(() => {
  server?.stop();
  tmp?.cleanup();
});

test('a decoder panic restarts the worker and the page keeps working',
  { skip: !existsSync(PANIC_IMAGE) && 'the shared QR corpus is not beside the repository' },
  async () => {
    const good = join(tmp.dir, 'poster.png');
    testkit('png', '--text', server.posterUrl, '--size', '900', '--out', good);
    const { browser, page, errors } = await launch();
    try {
      await page.goto(server.url);
      await byTest(page, 'photo').setInputFiles(PANIC_IMAGE);
      const notice = byTest(page, 'fallback-error');
      await notice.waitFor({ timeout: 20_000 });
      assert.match(await notice.textContent(), /khởi động lại/, 'the restart is explained');
      // Same page, fresh worker: the next photo decodes.
      await byTest(page, 'photo').setInputFiles(good);
      await byTest(page, 'venue').waitFor({ timeout: 20_000 });
      assert.equal(await byTest(page, 'venue').getAttribute('data-genuine'), 'true');
      // The trap happened inside the worker, never on the page.
      assert.deepEqual(errors.filter((e) => /unreachable|RuntimeError/.test(e.message)), []);
    } finally {
      await browser.close();
    }
  });

test('scanning with the camera never downloads the photo decoder', async () => {
  const clip = join(tmp.dir, 'poster.y4m');
  testkit('clip', '--text', server.posterUrl, '--width', '640', '--height', '480',
    '--frames', '10', '--out', clip);
  const { browser, page } = await launch({ clip });
  const requested = [];
  page.on('request', (request) => requested.push(new URL(request.url()).pathname));
  try {
    await page.goto(server.url);
    await byTest(page, 'scan').click();
    await byTest(page, 'venue').waitFor({ timeout: 20_000 });
    assert.ok(requested.includes('/vaora_scan_worker_bg.wasm'), 'the frame decoder was loaded');
    assert.ok(!requested.some((path) => path.includes('photo')), `no photo decoder: ${requested}`);
  } finally {
    await browser.close();
  }
});
