// Driver of `cargo xtask bench-first-scan`: the first scan on a slow mobile network. Each run is
// a fresh Chromium profile with its cache disabled and the network throttled through CDP
// (Network.emulateNetworkConditions: 1.6 Mbps down, 750 kbps up, 150 ms round trip), a fake
// camera playing the demo venue's poster code, and the real app from the release server. The
// run opens the app link, taps Scan as soon as it can, and records, from navigation start:
// - camera live: the camera's <video> fires `playing` (the scan screen's live state);
// - venue: the first decoded code shown as a verified venue;
// and the bytes on the wire (Network.loadingFinished.encodedDataLength: headers and compressed
// bodies) up to camera live, from the page and from its workers.
//
// usage: node first-scan.mjs [--runs N] [--no-service-worker]
// Paths come from the environment, as for the end-to-end tests (set by cargo xtask).
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startServer, testkit, launch, byTest, scratch } from '../../tests/e2e/harness.mjs';

/** The bars for the first scan. */
const TARGET_MS = 1500;
const TARGET_BYTES = 90 * 1024;
/** A slow 3G-like link: bytes per second and round-trip latency. */
const NETWORK = {
  offline: false,
  latency: 150,
  downloadThroughput: 1_600_000 / 8,
  uploadThroughput: 750_000 / 8,
};

const { values: opts } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    'no-service-worker': { type: 'boolean', default: false },
  },
});
const runs = Number(opts.runs);
if (!(runs > 0)) {
  console.error('first-scan.mjs: bad --runs');
  process.exit(2);
}

/** Records, in page time (from navigation start), the camera going live and the venue screen. */
function recordMilestones() {
  const marks = { live: null, venue: null, genuine: null };
  window.__firstScan = marks;
  document.addEventListener('playing', (event) => {
    if (marks.live === null && event.target instanceof HTMLVideoElement) {
      marks.live = performance.now();
      performance.mark('vaora:camera-live');
    }
  }, true);
  new MutationObserver(() => {
    const venue = document.querySelector('[data-test="venue"]');
    if (marks.venue === null && venue) {
      marks.venue = performance.now();
      marks.genuine = venue.getAttribute('data-genuine');
    }
  }).observe(document, { childList: true, subtree: true });
}

/**
 * Watches the network of `page` and of every worker it starts, and throttles it. Dedicated
 * workers (the scan worker fetches its wasm) are DevTools targets of their own: auto-attached,
 * paused until their network is set up like the page's, then let go.
 */
async function watchNetwork(page) {
  const finished = []; // { url, start, at: monotonic seconds, bytes }
  const encodings = new Map(); // url → content-encoding
  const accepted = new Set(); // Accept-Encoding values sent
  const session = await page.context().newCDPSession(page);
  const listen = async (send, on) => {
    const requests = new Map(); // requestId → { url, start: monotonic seconds }
    on('Network.requestWillBeSent', (e) => requests.set(e.requestId, { url: e.request.url, start: e.timestamp }));
    on('Network.requestWillBeSentExtraInfo', (e) => {
      const accept = Object.entries(e.headers).find(([k]) => k.toLowerCase() === 'accept-encoding');
      if (accept) accepted.add(accept[1]);
    });
    on('Network.responseReceived', (e) => {
      if (!requests.has(e.requestId)) requests.set(e.requestId, { url: e.response.url, start: e.timestamp });
      const encoding = Object.entries(e.response.headers).find(([k]) => k.toLowerCase() === 'content-encoding');
      encodings.set(e.response.url, encoding ? encoding[1] : 'identity');
    });
    on('Network.loadingFinished', (e) => {
      const request = requests.get(e.requestId) ?? { url: `? ${e.requestId}`, start: e.timestamp };
      finished.push({ ...request, at: e.timestamp, bytes: e.encodedDataLength });
    });
    const unsupported = [];
    for (const [method, params] of [['Network.enable', {}], ['Network.setCacheDisabled', { cacheDisabled: true }],
      ['Network.emulateNetworkConditions', NETWORK]]) {
      await send(method, params).catch((error) => unsupported.push(`${method}: ${error.message}`));
    }
    return unsupported;
  };
  await listen((method, params) => session.send(method, params), (event, handler) => session.on(event, handler));

  // Workers, through the (non-flattened) target messages of this session.
  const children = new Map(); // sessionId → { pending, handlers, nextId }
  session.on('Target.receivedMessageFromTarget', ({ sessionId, message }) => {
    const child = children.get(sessionId);
    if (!child) return;
    const msg = JSON.parse(message);
    if (msg.id !== undefined) {
      const waiter = child.pending.get(msg.id);
      child.pending.delete(msg.id);
      if (msg.error) waiter?.reject(new Error(`${msg.error.message}`));
      else waiter?.resolve(msg.result);
    } else {
      for (const handler of child.handlers.get(msg.method) ?? []) handler(msg.params);
    }
  });
  session.on('Target.attachedToTarget', async ({ sessionId, targetInfo }) => {
    const child = { pending: new Map(), handlers: new Map(), nextId: 1 };
    children.set(sessionId, child);
    const send = (method, params) => new Promise((resolve, reject) => {
      const id = child.nextId++;
      child.pending.set(id, { resolve, reject });
      session.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method, params }) })
        .catch(reject);
    });
    const on = (event, handler) => child.handlers.set(event, [...(child.handlers.get(event) ?? []), handler]);
    if (targetInfo.type === 'worker') {
      const unsupported = await listen(send, on);
      if (unsupported.length) workerNotes.add(`${new URL(targetInfo.url).pathname}: ${unsupported.join('; ')}`);
    }
    await send('Runtime.runIfWaitingForDebugger', {}).catch(() => {});
  });
  await session.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: true, flatten: false });
  return { finished, encodings, accepted };
}

/** One run: ms to camera live and to the venue, bytes up to camera live, and what was fetched. */
async function oneRun(clip, url) {
  const serviceWorkers = opts['no-service-worker'] ? 'block' : 'allow';
  const { browser, page } = await launch({ clip, serviceWorkers });
  try {
    await page.addInitScript(recordMilestones);
    const network = await watchNetwork(page);
    await page.goto(url, { waitUntil: 'commit' });
    await byTest(page, 'scan').click({ timeout: 30_000 });
    await page.waitForFunction(() => window.__firstScan.live !== null, null, { timeout: 30_000 });
    await page.waitForFunction(() => window.__firstScan.venue !== null, null, { timeout: 30_000 });
    const marks = await page.evaluate(() => window.__firstScan);
    if (marks.genuine !== 'true') throw new Error(`the venue screen says data-genuine=${marks.genuine}`);
    // Page time → CDP's monotonic clock: the document's request left at navigation's fetchStart.
    const fetchStart = await page.evaluate(() => performance.getEntriesByType('navigation')[0].fetchStart);
    const documentUrl = new URL(url).href.split('#')[0];
    const document = network.finished.find((f) => f.url.split('#')[0] === documentUrl);
    if (!document) throw new Error('the document\'s request was not seen');
    const liveAt = document.start + (marks.live - fetchStart) / 1000;
    const beforeLive = network.finished.filter((f) => f.at <= liveAt);
    const venueAt = document.start + (marks.venue - fetchStart) / 1000;
    const beforeVenue = network.finished.filter((f) => f.at <= venueAt);
    const sinceStart = (at) => (at - document.start) * 1000 + fetchStart;
    return {
      all: network.finished.map((f) => ({ ...f, startMs: sinceStart(f.start), endMs: sinceStart(f.at) })),
      liveMs: marks.live,
      venueMs: marks.venue,
      bytes: beforeLive.reduce((sum, f) => sum + f.bytes, 0),
      venueBytes: beforeVenue.reduce((sum, f) => sum + f.bytes, 0),
      files: beforeLive,
      encodings: network.encodings,
      accepted: network.accepted,
    };
  } finally {
    await browser.close();
  }
}

/** What the workers' DevTools targets refused (printed once). */
const workerNotes = new Set();

const median = (xs) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  return sorted.length % 2 ? sorted[Math.floor(mid)] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const kb = (bytes) => (bytes / 1024).toFixed(1);

const work = scratch();
const server = await startServer(work.dir);
const results = [];
try {
  const clip = join(work.dir, 'poster.y4m');
  testkit('clip', '--text', server.posterUrl, '--width', '640', '--height', '480', '--frames', '30', '--out', clip);
  console.log(`${runs} runs, fresh profile each, cache disabled, ${NETWORK.downloadThroughput * 8 / 1e6} Mbps down, ` +
    `${NETWORK.uploadThroughput * 8 / 1e3} kbps up, ${NETWORK.latency} ms RTT` +
    `${opts['no-service-worker'] ? ', service worker blocked' : ''}`);
  console.log('times from navigation start; bytes on the wire (headers + compressed bodies) up to camera live\n');
  console.log(`${'run'.padEnd(4)} ${'camera live ms'.padStart(14)} ${'venue ms'.padStart(9)} ${'KB to live'.padStart(11)} ` +
    `${'KB to venue'.padStart(12)}`);
  for (let run = 1; run <= runs; run++) {
    const result = await oneRun(clip, server.url);
    results.push(result);
    console.log(`${String(run).padEnd(4)} ${String(Math.round(result.liveMs)).padStart(14)} ` +
      `${String(Math.round(result.venueMs)).padStart(9)} ${kb(result.bytes).padStart(11)} ${kb(result.venueBytes).padStart(12)}`);
  }
} finally {
  server.stop();
  work.cleanup();
}

const live = median(results.map((r) => r.liveMs));
const venue = median(results.map((r) => r.venueMs));
const bytes = median(results.map((r) => r.bytes));
const venueBytes = median(results.map((r) => r.venueBytes));
console.log(`\nmedian: camera live ${Math.round(live)} ms (target ≤ ${TARGET_MS}), first venue ${Math.round(venue)} ms, ` +
  `${kb(bytes)} KB to camera live (target ≤ ${kb(TARGET_BYTES)}), ${kb(venueBytes)} KB to the first venue`);
const last = results[results.length - 1];
console.log(`\nAccept-Encoding sent: ${[...last.accepted].join(' | ') || '(not seen)'}`);
for (const note of workerNotes) console.log(`worker target refused ${note}`);
console.log(`requests of the last run (ms from navigation start; * = after camera live at ${Math.round(last.liveMs)} ms):`);
for (const file of [...last.all].sort((a, b) => a.endMs - b.endMs)) {
  const name = URL.canParse(file.url) ? new URL(file.url).pathname : file.url;
  const after = file.endMs > last.liveMs ? '*' : ' ';
  console.log(`${after} ${name.padEnd(34)} ${String(Math.round(file.startMs)).padStart(6)} → ` +
    `${String(Math.round(file.endMs)).padStart(6)} ms ${kb(file.bytes).padStart(7)} KB  ${last.encodings.get(file.url) ?? '?'}`);
}
