// Driver of `cargo xtask bench-first-decode`: time to first decode through the fake camera.
// For each degradation, renders a hand-held clip of the demo venue's poster code
// (vaora-testkit clip --degrade), plays it as Chromium's camera, opens the real app served by
// the reference server, taps Scan, and measures from the camera going live (the <video> element
// firing `playing`) to the venue screen appearing. Also counts how many of the clip's frames
// each decoder reads on its own (clip-frames.mjs), to tell "slow" from "never".
//
// usage: node first-decode.mjs [--size WxH] [--seconds S] [--runs N] [--timeout-ms MS]
//                              [--only CLIP,CLIP...] [--keep DIR]
// CLIP: `none` (the plain hand-held scene), a degradation, or degradations joined by `+`.
// Paths come from the environment, as for the end-to-end tests (set by cargo xtask).
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startServer, testkit, launch, byTest, scratch } from '../../tests/e2e/harness.mjs';

// One clip per degradation, then two that real scans often combine: a dim room (so a long
// shutter, so motion blur) and a poster across the room seen at an angle. `+` joins the
// degradations of one clip (vaora-testkit takes them comma-separated).
const CLIPS = ['none', 'perspective', 'motion-blur', 'defocus', 'noise', 'low-light', 'glare', 'far',
  'inverted', 'low-light+motion-blur', 'far+perspective'];
/** The scanner issue's bar for a first decode. */
const TARGET_MS = 2000;

const { values: opts } = parseArgs({
  options: {
    size: { type: 'string', default: '640x480' },
    seconds: { type: 'string', default: '3' },
    runs: { type: 'string', default: '3' },
    'timeout-ms': { type: 'string', default: '10000' },
    only: { type: 'string' },
    keep: { type: 'string' },
  },
});
const [width, height] = opts.size.split('x').map(Number);
const runs = Number(opts.runs);
const timeoutMs = Number(opts['timeout-ms']);
const frames = Math.round(Number(opts.seconds) * 30);
const clips = opts.only ? opts.only.split(',') : CLIPS;
if (!(width > 0 && height > 0) || !(runs > 0) || !(timeoutMs >= TARGET_MS) || !(frames > 0)) {
  console.error('first-decode.mjs: bad --size, --runs, --seconds or --timeout-ms');
  process.exit(2);
}
const here = dirname(fileURLToPath(import.meta.url));

/** Records, in page time, when a camera <video> first plays and when the venue screen shows. */
function recordMilestones() {
  const marks = { live: null, venue: null, genuine: null };
  window.__firstDecode = marks;
  document.addEventListener('playing', (event) => {
    if (marks.live === null && event.target instanceof HTMLVideoElement) marks.live = performance.now();
  }, true);
  new MutationObserver(() => {
    const venue = document.querySelector('[data-test="venue"]');
    if (marks.venue === null && venue) {
      marks.venue = performance.now();
      marks.genuine = venue.getAttribute('data-genuine');
    }
  }).observe(document, { childList: true, subtree: true });
}

/** One launch: ms from camera live to the venue screen, or null if not within the timeout. */
async function timeOneScan(clip, url) {
  const { browser, page } = await launch({ clip });
  try {
    await page.addInitScript(recordMilestones);
    await page.goto(url);
    await byTest(page, 'scan').click();
    await page.waitForFunction(() => window.__firstDecode.live !== null, null, { timeout: 20_000 });
    try {
      await page.waitForFunction(() => window.__firstDecode.venue !== null, null, { timeout: timeoutMs });
    } catch {
      return null;
    }
    const marks = await page.evaluate(() => window.__firstDecode);
    if (marks.genuine !== 'true') throw new Error(`the venue screen says data-genuine=${marks.genuine}`);
    return marks.venue - marks.live;
  } finally {
    await browser.close();
  }
}

/** Frames of the clip read by each decoder alone, in Node: { frames, vaora, zxing }. */
function framesRead(clip, text) {
  const out = execFileSync('node', [join(here, 'clip-frames.mjs'), process.env.VAORA_PKG, clip, text]);
  return JSON.parse(out);
}

const median = (xs) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  return sorted.length % 2 ? sorted[Math.floor(mid)] : (sorted[mid - 1] + sorted[mid]) / 2;
};
/** Missed runs count as never (Infinity), so a median is honest about them. */
const ms = (x) => (x === Infinity ? 'never' : `${Math.round(x)}`);

const work = opts.keep ? { dir: opts.keep, cleanup: () => {} } : scratch();
const server = await startServer(work.dir);
const all = [];
try {
  console.log(`${width}x${height} clips of ${opts.seconds} s at 30 fps (looped by Chromium), ${runs} runs each;`);
  console.log(`ms from the camera going live to the venue screen, "never" after ${timeoutMs} ms\n`);
  console.log(`${'clip'.padEnd(22)} ${`≤ ${TARGET_MS} ms`.padStart(9)} ${'median'.padStart(7)}  ${'runs'.padEnd(24)} frames read alone: Vaora  zxing-wasm`);
  for (const name of clips) {
    const clip = join(work.dir, `${name}-${width}x${height}.y4m`);
    testkit('clip', '--text', server.posterUrl, '--degrade', name.replaceAll('+', ','), '--width', String(width),
      '--height', String(height), '--frames', String(frames), '--out', clip);
    const times = [];
    for (let run = 0; run < runs; run++) {
      times.push((await timeOneScan(clip, server.url)) ?? Infinity);
    }
    const read = framesRead(clip, server.posterUrl);
    if (!opts.keep) rmSync(clip, { force: true });
    const fast = times.filter((t) => t <= TARGET_MS).length;
    all.push({ name, times, fast });
    console.log(`${name.padEnd(22)} ${`${fast}/${runs}`.padStart(9)} ${ms(median(times)).padStart(7)}  ${times.map(ms).join(', ').padEnd(24)} ${`${read.vaora}/${read.frames}`.padStart(24)}  ${`${read.zxing}/${read.frames}`.padStart(10)}`);
  }
} finally {
  server.stop();
  work.cleanup();
}
const runsAll = all.flatMap((c) => c.times);
const fastAll = all.reduce((n, c) => n + c.fast, 0);
const clipsFast = all.filter((c) => median(c.times) <= TARGET_MS).length;
console.log(`\nruns decoded within ${TARGET_MS} ms: ${fastAll}/${runsAll.length} (${Math.round((100 * fastAll) / runsAll.length)} %); ` +
  `clips whose median is within: ${clipsFast}/${all.length}`);
console.log(`median over all runs: ${ms(median(runsAll))} ms; median of the clips' medians: ${ms(median(all.map((c) => median(c.times))))} ms`);
console.log(`frames read alone: each frame of the clip decoded once at full size in Node's V8 (Vaora with
consecutive frame numbers, as the page counts them); the app grabs a frame every 80 ms or so and
shrinks it to a 960-px long side first.`);
