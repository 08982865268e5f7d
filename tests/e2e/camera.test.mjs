// Camera etiquette from the spec: the camera runs only while the page is visible (every track
// stopped when hidden, restarted when shown), and the beep/vibration switch is remembered.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { serverPerFile, testkit, launch, byTest } from './harness.mjs';

const env = serverPerFile();

/** Makes the page report `state` and tells it, as a tab switch would. */
const setVisibility = (page, state) => page.evaluate((value) => {
  Object.defineProperty(document, 'visibilityState', { value, configurable: true });
  document.dispatchEvent(new Event('visibilitychange'));
}, state);

/**
 * Polls `predicate` in the page from Node until it is true. Playwright's own in-page polling
 * (waitForFunction) consults document.visibilityState, which these tests override, and stalls.
 */
async function until(page, predicate, timeout = 15_000) {
  const deadline = Date.now() + timeout;
  while (!(await page.evaluate(predicate))) {
    if (Date.now() > deadline) {
      const seen = await page.evaluate(() => ({
        videos: document.querySelectorAll('video').length,
        active: document.querySelector('video')?.srcObject?.active,
        status: document.querySelector('[data-test="status"]')?.textContent,
        visibility: document.visibilityState,
      }));
      throw new Error(`timed out waiting for ${predicate}; page: ${JSON.stringify(seen)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const liveCamera = (page) => until(page, () => {
  const stream = document.querySelector('video')?.srcObject;
  if (stream?.active) window.lastStream = stream;
  return stream?.active === true;
});

const cameraReleased = (page) =>
  until(page, () => window.lastStream.getTracks().every((track) => track.readyState === 'ended'));

test('the camera stops while the page is hidden and restarts when it is shown', async () => {
  const clip = join(env.dir, 'nothing.y4m');
  testkit('blank', '--width', '640', '--height', '480', '--out', clip);
  const { browser, page, errors } = await launch({ clip });
  try {
    await page.goto(env.server.url);
    await byTest(page, 'scan').click();
    await liveCamera(page);
    await setVisibility(page, 'hidden');
    await cameraReleased(page);
    assert.equal(await page.locator('video').evaluate((v) => v.srcObject), null,
      'no camera stream in the view while hidden');
    await setVisibility(page, 'visible');
    await liveCamera(page);
    assert.equal(await byTest(page, 'stop').count(), 1, 'still on the scanning screen');
    // Leaving the scan screen releases the camera too.
    await byTest(page, 'stop').click();
    await cameraReleased(page);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

test('torch and zoom, where the track offers them, appear once the first frame is decoded', async () => {
  const clip = join(env.dir, 'nothing-3.y4m');
  testkit('blank', '--width', '640', '--height', '480', '--out', clip);
  const { browser, page, errors } = await launch({ clip });
  // Chromium's fake camera has neither: make its track report both, as a phone's would.
  await page.addInitScript(() => {
    const own = MediaStreamTrack.prototype.getCapabilities;
    MediaStreamTrack.prototype.getCapabilities = function () {
      return { ...(own ? own.call(this) : {}), torch: true, zoom: { min: 1, max: 4, step: 0.5 } };
    };
  });
  const requested = [];
  page.on('request', (request) => requested.push(new URL(request.url()).pathname));
  try {
    await page.goto(env.server.url);
    await byTest(page, 'scan').click();
    await byTest(page, 'zoom').waitFor({ timeout: 15_000 });
    assert.equal(await byTest(page, 'zoom').getAttribute('max'), '4');
    assert.equal(await byTest(page, 'zoom').getAttribute('step'), '0.5');
    assert.equal(await byTest(page, 'torch').getAttribute('aria-pressed'), 'false');
    // Drawn by the controls' chunk, fetched after the decoder's first answer.
    assert.ok(requested.includes('/split_controls.wasm'), `${requested}`);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

test('the beep and vibration switch is remembered on the device', async () => {
  const clip = join(env.dir, 'nothing-2.y4m');
  testkit('blank', '--width', '640', '--height', '480', '--out', clip);
  const { browser, page } = await launch({ clip });
  try {
    await page.goto(env.server.url);
    await byTest(page, 'scan').click();
    assert.equal(await byTest(page, 'feedback').isChecked(), true, 'on by default');
    await byTest(page, 'feedback').uncheck();
    await page.reload();
    await byTest(page, 'scan').click();
    assert.equal(await byTest(page, 'feedback').isChecked(), false);
  } finally {
    await browser.close();
  }
});

test('frames follow the camera and only the framed scan region is sent to the decoder', async () => {
  const clip = join(env.dir, 'nothing-3.y4m');
  testkit('blank', '--width', '640', '--height', '480', '--out', clip);
  const { browser, page, errors } = await launch({ clip });
  try {
    // Count the camera's frame callbacks the page asks for and the frames it posts to the worker.
    await page.addInitScript(() => {
      window.seen = { frameCallbacks: 0, frames: [] };
      const request = HTMLVideoElement.prototype.requestVideoFrameCallback;
      HTMLVideoElement.prototype.requestVideoFrameCallback = function (callback) {
        return request.call(this, (...args) => {
          window.seen.frameCallbacks += 1;
          return callback(...args);
        });
      };
      const post = Worker.prototype.postMessage;
      Worker.prototype.postMessage = function (message, ...rest) {
        if (message?.kind === 'frame') window.seen.frames.push([message.width, message.height]);
        return post.call(this, message, ...rest);
      };
    });
    await page.goto(env.server.url);
    await byTest(page, 'scan').click();
    await liveCamera(page);
    await until(page, () => window.seen.frames.length >= 10);
    const seen = await page.evaluate(() => window.seen);
    // At most one frame per camera frame (fewer while the worker is busy).
    assert.ok(seen.frames.length <= seen.frameCallbacks,
      `${seen.frames.length} frames sent for ${seen.frameCallbacks} camera frames`);
    // The viewfinder is 4:3 like the clip; the decoder gets its middle 80 % (10 % inset).
    assert.deepEqual([...new Set(seen.frames.map(String))], ['512,384']);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});
