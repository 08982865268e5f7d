// The widget embedded in a host page: the demo portal (`www/embed/`) served from another origin
// under a strict CSP, with the reference server as its cross-origin endpoint; a full check-in
// through the fake camera with the events it sends; host and widget styles kept apart; a kiosk
// signed in with a staff link; options errors; and mounting and unmounting 50 times without
// leaking camera tracks, workers, frame loops or listeners.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { extname, join, normalize } from 'node:path';

import { byTest, declareAndSubmit, launch, scratch, startServer, testkit } from './harness.mjs';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
};

/** Styles a careless host might have, served as a file (the CSP refuses inline styles). */
const HOSTILE_CSS = `
* { color: rgb(255, 0, 0) !important; font-family: "Comic Sans MS", cursive !important; }
button { background: rgb(255, 105, 180) !important; border-radius: 0 !important; }
.vaora, .vaora-page, .vaora-primary, [data-test] { display: none !important; }
`;

/**
 * The host portal: `pkg/` (the package's files and the demo in `embed/`) from its own origin,
 * with a strict CSP whose only other origin is the check-in API.
 */
async function startHost(pkg) {
  let api = '';
  const server = createServer(async (request, response) => {
    const path = decodeURIComponent(new URL(request.url, 'http://host').pathname);
    const csp = [
      "default-src 'none'",
      "script-src 'self' 'wasm-unsafe-eval'",
      "worker-src 'self'",
      `connect-src 'self' ${api}`,
      "style-src 'self'",
      "img-src 'self' data: blob:",
      "media-src 'self' blob: mediastream:",
      "base-uri 'none'",
      "form-action 'self'",
    ].join('; ');
    const send = (status, type, body) => {
      response.writeHead(status, { 'content-type': type, 'content-security-policy': csp });
      response.end(body);
    };
    if (path === '/hostile.css') return send(200, TYPES['.css'], HOSTILE_CSS);
    if (path === '/parts.css') return send(200, TYPES['.css'], '#visitor::part(header) { background: rgb(1, 2, 3); }');
    const file = normalize(join(pkg, path.endsWith('/') ? `${path}index.html` : path));
    if (!file.startsWith(pkg)) return send(403, 'text/plain', 'forbidden');
    try {
      send(200, TYPES[extname(file)] ?? 'application/octet-stream', await readFile(file));
    } catch {
      send(404, 'text/plain', 'not found');
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    setApi(origin) { api = origin; },
    stop: () => server.close(),
  };
}

/** Records, before any page script runs, every `vaora:*` event and every CSP violation. */
function recordEvents() {
  window.__events = [];
  window.__violations = [];
  for (const type of ['ready', 'scan', 'checkin', 'checkout', 'error', 'pending', 'venue']) {
    document.addEventListener(`vaora:${type}`, (event) => {
      window.__events.push({ type, widget: event.target.id, detail: event.detail ?? null });
    });
  }
  document.addEventListener('securitypolicyviolation', (event) => {
    window.__violations.push(`${event.violatedDirective} ${event.blockedURI}`);
  });
}

const events = (page, type, widget) => page.evaluate(
  ([type, widget]) => window.__events.filter((e) => e.type === type && (!widget || e.widget === widget)),
  [type, widget]);

/** Waits until the page has recorded an event matching `type` (and `widget`). */
async function waitForEvent(page, type, widget, check = () => true) {
  for (let i = 0; i < 200; i += 1) {
    const found = (await events(page, type, widget)).find(check);
    if (found) return found;
    await page.waitForTimeout(100);
  }
  throw new Error(`no vaora:${type} from ${widget}: ${JSON.stringify(await page.evaluate(() => window.__events))}`);
}

const env = {};
let tmp;

before(async () => {
  tmp = scratch();
  const pkg = normalize(process.env.VAORA_PKG);
  env.host = await startHost(pkg);
  env.server = await startServer(tmp.dir, { args: ['--cors-origin', env.host.url] });
  env.api = env.server.url;
  env.host.setApi(env.api);
  env.portal = `${env.host.url}/embed/?endpoint=${encodeURIComponent(env.api)}`;
});

after(() => {
  env.host?.stop();
  env.server?.stop();
  tmp?.cleanup();
});

test('the demo portal under a strict CSP: a check-in and a check-out through the embedded widget, with their events', async () => {
  const clip = join(tmp.dir, 'embed-poster.y4m');
  testkit('clip', '--text', env.server.posterUrl, '--width', '640', '--height', '480', '--frames', '30', '--out', clip);
  const { browser, page, errors } = await launch({ clip });
  try {
    await page.addInitScript(recordEvents);
    await page.goto(env.portal);
    assert.deepEqual((await waitForEvent(page, 'ready', 'visitor')).detail, { mode: 'citizen' });
    assert.deepEqual((await waitForEvent(page, 'ready', 'desk')).detail, { mode: 'kiosk' });
    const visitor = page.locator('#visitor');
    assert.ok(await page.evaluate(() => document.getElementById('visitor').shadowRoot !== null),
      'rendered in a shadow root');
    assert.equal(await page.locator('#visitor .vaora').count(), 1);
    // The kiosk without a staff token asks for the link.
    await page.locator('#desk [data-test="staff-link"]').waitFor();

    await visitor.locator('[data-test="scan"]').click();
    await visitor.locator('[data-test="venue"][data-genuine="true"]').waitFor({ timeout: 20_000 });
    const venueId = await env.server.venueId();
    const scan = await waitForEvent(page, 'scan', 'visitor');
    assert.deepEqual(scan.detail, { kind: 'venue', venueId, venueName: 'Chợ Mỹ Đức' });

    await visitor.locator('[data-test="declare"]').click();
    await declareAndSubmit(visitor);
    await visitor.locator('[data-test="done-visit"][data-delivery="delivered"]').waitFor({ timeout: 15_000 });
    const checkin = await waitForEvent(page, 'checkin', 'visitor');
    assert.equal(checkin.detail.checkinIds.length, 1);
    const checkinId = checkin.detail.checkinIds[0];
    assert.deepEqual(checkin.detail, { checkinIds: [checkinId], venueId, venueName: 'Chợ Mỹ Đức', byStaff: false });
    assert.match(checkinId, /^[0-9a-f-]{36}$/);
    const stored = await env.server.checkin(checkinId);
    assert.equal(stored.status, 200, 'the cross-origin check-in reached the server');
    assert.equal(stored.body.receipt.venue_id, venueId);
    // Pending went to 1 when it was queued and back to 0 once delivered.
    await waitForEvent(page, 'pending', 'visitor', (e) => e.detail.count === 0);
    const counts = (await events(page, 'pending', 'visitor')).map((e) => e.detail.count);
    assert.ok(counts.includes(1), `pending counts ${counts}`);

    await visitor.locator('[data-test="checkout"]').click();
    const checkout = await waitForEvent(page, 'checkout', 'visitor');
    assert.deepEqual(checkout.detail, { checkinIds: [checkinId], venueId, byStaff: false });

    // The portal's own event log saw them too (what a host page does with the events).
    assert.ok(await byTest(page, 'portal-events').locator('[data-event="checkin"]').count() >= 1);
    assert.deepEqual(await page.evaluate(() => window.__violations), [], 'no CSP violation');
    assert.deepEqual(await events(page, 'error'), []);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

test('host styles stay out of the widget and the widget\'s stay out of the host', async () => {
  const { browser, page, errors } = await launch();
  try {
    await page.goto(env.portal);
    await page.locator('#visitor [data-test="scan"]').waitFor();
    const widgetStyle = () => page.evaluate(() => {
      const root = document.getElementById('visitor').shadowRoot;
      const style = (selector) => getComputedStyle(root.querySelector(selector));
      const scan = style('[data-test="scan"]');
      const frame = style('.vaora');
      return {
        font: frame.fontFamily.split(',')[0].trim(),
        color: frame.color,
        lineHeight: frame.lineHeight,
        textAlign: frame.textAlign,
        scanBackground: scan.backgroundColor,
        scanRadius: scan.borderTopLeftRadius,
        scanDisplay: scan.display,
      };
    });
    const before = await widgetStyle();
    assert.deepEqual(before, {
      font: 'system-ui',
      color: 'rgb(26, 26, 26)',
      lineHeight: '24px',
      textAlign: 'start',
      scanBackground: 'rgb(11, 107, 58)',
      scanRadius: '12px',
      scanDisplay: 'block',
    }, 'the portal\'s Georgia, colours and line height stop at the widget');

    // A hostile host stylesheet with !important everywhere changes nothing inside.
    await page.addStyleTag({ url: '/hostile.css' });
    assert.equal(await page.evaluate(() => getComputedStyle(document.querySelector('h1')).color),
      'rgb(255, 0, 0)', 'the hostile sheet applies to the portal');
    assert.deepEqual(await widgetStyle(), before);

    // The widget's styles do not reach the host: the portal's body, headings and an element of
    // its own with the widget's class names keep the portal's look.
    const host = await page.evaluate(() => {
      const mimic = document.createElement('button');
      mimic.className = 'vaora-primary vaora-card';
      mimic.textContent = 'portal button';
      document.querySelector('.portal-lead').append(mimic);
      const body = getComputedStyle(document.body);
      const style = getComputedStyle(mimic);
      return {
        bodyBackground: body.backgroundColor,
        bodyMargin: body.margin,
        mimicBackground: style.backgroundColor,
        mimicMinHeight: style.minHeight,
        mimicRadius: style.borderTopLeftRadius,
        styleSheets: [...document.styleSheets].map((sheet) => new URL(sheet.href).pathname),
      };
    });
    assert.equal(host.bodyBackground, 'rgb(253, 248, 238)');
    assert.equal(host.bodyMargin, '0px');
    assert.equal(host.mimicBackground, 'rgb(255, 105, 180)', 'the host\'s button style, not the widget\'s');
    assert.notEqual(host.mimicMinHeight, '48px', 'not the widget\'s button height');
    assert.equal(host.mimicRadius, '0px');
    assert.deepEqual(host.styleSheets, ['/embed/portal.css', '/hostile.css'], 'no widget stylesheet in the document');

    // Themes and custom properties: the desk's kiosk is dark; a host property wins over it.
    const deskBackground = () => page.evaluate(() =>
      getComputedStyle(document.getElementById('desk').shadowRoot.querySelector('.vaora')).backgroundColor);
    assert.equal(await deskBackground(), 'rgb(18, 22, 20)');
    await page.evaluate(() => document.getElementById('desk').style.setProperty('--vaora-bg', 'rgb(1, 2, 3)'));
    assert.equal(await deskBackground(), 'rgb(1, 2, 3)');
    // The exposed parts can be styled from outside, and only those.
    await page.addStyleTag({ url: '/parts.css' });
    assert.equal(await page.evaluate(() => getComputedStyle(
      document.getElementById('visitor').shadowRoot.querySelector('[part="header"]')).backgroundColor),
      'rgb(1, 2, 3)');
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

test('a kiosk embedded with a staff link lets a visitor in and tells the host', async () => {
  const clip = join(tmp.dir, 'embed-personal.y4m');
  testkit('clip', '--text', '001099012345|NGUYEN VAN AN|1990-05-17|0||', '--width', '640', '--height', '480',
    '--frames', '30', '--out', clip);
  const { browser, page, errors } = await launch({ clip });
  try {
    await page.addInitScript(recordEvents);
    const token = new URL(env.server.staffUrl).hash; // #token=…
    await page.goto(`${env.portal}${token}`);
    assert.equal(new URL(page.url()).hash, '', 'the portal removed the token from the address bar');
    const desk = page.locator('#desk');
    await desk.locator('[data-test="kiosk-result"][data-state="ok"]').waitFor({ timeout: 20_000 });
    const scan = await waitForEvent(page, 'scan', 'desk');
    assert.deepEqual(scan.detail, { kind: 'person', result: 'in', masked: 'N. V. AN ••••••012345' });
    const checkin = await waitForEvent(page, 'checkin', 'desk');
    const venueId = await env.server.venueId();
    assert.equal(checkin.detail.venueId, venueId);
    assert.equal(checkin.detail.byStaff, true);
    await waitForEvent(page, 'pending', 'desk', (e) => e.detail.count === 0);
    const stored = await env.server.checkin(checkin.detail.checkinIds[0]);
    assert.equal(stored.status, 200);
    assert.equal(stored.body.entered_by, 'kiosk');
    // The visitor's widget on the same page did not open its camera: one widget's scanning is
    // its own.
    assert.equal(await events(page, 'scan', 'visitor').then((found) => found.length), 0);
    assert.deepEqual(await page.evaluate(() => window.__violations), []);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

test('the demo portal as `cargo xtask serve` serves it: same origin, the server\'s CSP, the kiosk signed in from the printed link', async () => {
  const { browser, page, errors } = await launch();
  try {
    await page.addInitScript(recordEvents);
    await page.goto(`${env.server.url}/embed/${new URL(env.server.staffUrl).hash}`);
    await page.locator('#visitor [data-test="scan"]').waitFor();
    await page.locator('#desk [data-test="kiosk-venue"]').waitFor({ timeout: 15_000 });
    assert.equal(await page.locator('#desk [data-test="kiosk-venue"]').textContent(), 'Chợ Mỹ Đức');
    // The portal's language switch sets both widgets' `lang` attribute.
    await byTest(page, 'portal-lang').click();
    await page.locator('#visitor .vaora[lang="en"]').waitFor();
    await page.locator('#desk .vaora[lang="en"]').waitFor();
    assert.deepEqual(await page.evaluate(() => window.__violations), []);
    assert.deepEqual(await events(page, 'error'), []);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

test('a photo with another QR code in it: vaora:scan says so, the visitor is told', async () => {
  const photo = join(tmp.dir, 'embed-foreign.png');
  testkit('png', '--text', 'https://quan-pho.example/menu', '--size', '800', '--out', photo);
  const { browser, page, errors } = await launch();
  try {
    await page.addInitScript(recordEvents);
    await page.goto(env.portal);
    const visitor = page.locator('#visitor');
    await visitor.locator('[data-test="photo"]').setInputFiles(photo);
    assert.deepEqual((await waitForEvent(page, 'scan', 'visitor')).detail, { kind: 'other' });
    await visitor.getByText('quan-pho.example').first().waitFor();
    assert.deepEqual(await events(page, 'scan', 'desk'), []);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});

test('bad options are typed errors', async () => {
  const { browser, page, errors } = await launch();
  try {
    await page.goto(env.portal);
    await page.locator('#visitor [data-test="scan"]').waitFor();
    const outcomes = await page.evaluate(async (api) => {
      const { mount, VaoraOptionsError } = await import('/widget.js');
      const tryMount = async (options) => {
        const element = document.createElement('div');
        document.body.append(element);
        try {
          const handle = await mount(element, options);
          handle.unmount();
          return 'mounted';
        } catch (error) {
          return { typed: error instanceof VaoraOptionsError, name: error.name, code: error.code, option: error.option };
        } finally {
          element.remove();
        }
      };
      const keys = [];
      const element = document.createElement('div');
      document.body.append(element);
      const handle = await mount(element, { endpoint: api, trustedKeys: keys });
      let badLang;
      try {
        handle.setLang('fr');
      } catch (error) {
        badLang = { typed: error instanceof VaoraOptionsError, code: error.code, option: error.option };
      }
      handle.setLang('en');
      const english = element.shadowRoot.querySelector('.vaora').getAttribute('lang');
      handle.unmount();
      element.remove();
      return {
        unknown: await tryMount({ endpoint: api, trustedKeys: keys, endpiont: api }),
        mode: await tryMount({ endpoint: api, trustedKeys: keys, mode: 'guard' }),
        keys: await tryMount({ endpoint: api, trustedKeys: 'k1' }),
        timeout: await tryMount({ endpoint: api, trustedKeys: keys, requestTimeoutMs: 1.5 }),
        theme: await tryMount({ endpoint: api, theme: 'pink' }),
        fine: await tryMount({ endpoint: api, lang: 'en', theme: 'auto' }),
        badLang,
        english,
      };
    }, env.api);
    const typed = (code, option) => ({ typed: true, name: 'VaoraOptionsError', code, option });
    assert.deepEqual(outcomes.unknown, typed('unknown_option', 'endpiont'));
    assert.deepEqual(outcomes.mode, typed('invalid_option', 'mode'));
    assert.deepEqual(outcomes.keys, typed('invalid_option', 'trustedKeys'));
    assert.deepEqual(outcomes.timeout, typed('invalid_option', 'requestTimeoutMs'));
    assert.deepEqual(outcomes.theme, typed('invalid_option', 'theme'));
    assert.equal(outcomes.fine, 'mounted');
    assert.deepEqual(outcomes.badLang, { typed: true, code: 'invalid_option', option: 'lang' });
    assert.equal(outcomes.english, 'en');

    // The element reports a bad attribute as vaora:error.
    const detail = await page.evaluate(() => new Promise((resolve) => {
      const element = document.createElement('vaora-checkin');
      element.setAttribute('trusted-keys', 'not json');
      element.addEventListener('vaora:error', (event) => resolve(event.detail));
      document.body.append(element);
    }));
    assert.equal(detail.code, 'invalid_option');
    assert.equal(detail.option, 'trustedKeys');
    assert.ok(errors.length <= 1, 'only the element\'s own console report of the bad attribute');
  } finally {
    await browser.close();
  }
});

test('the portal with both widgets passes axe-core\'s WCAG 2.1 AA rules in both languages and both palettes', async () => {
  const axe = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  const { browser, page, errors } = await launch();
  try {
    await page.goto(env.portal);
    await page.locator('#visitor [data-test="scan"]').waitFor();
    await page.locator('#desk [data-test="staff-link"]').waitFor();
    await page.evaluate(axe);
    for (const [lang, theme] of [['vi', 'light'], ['en', 'light'], ['en', 'dark']]) {
      if (lang === 'en' && theme === 'light') {
        await byTest(page, 'portal-lang').click();
        await page.locator('#visitor .vaora[lang="en"]').waitFor();
        await page.locator('#desk .vaora[lang="en"]').waitFor();
      }
      // Both widgets dark: the visitor's screens in the dark palette too.
      if (theme === 'dark') await page.evaluate(() => document.getElementById('visitor').setAttribute('theme', 'dark'));
      const violations = await page.evaluate(async () => {
        const result = await window.axe.run(document, {
          runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
        });
        return result.violations
          .filter((violation) => ['serious', 'critical'].includes(violation.impact))
          .map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
      });
      assert.deepEqual(violations, [], `axe (${lang}, ${theme})`);
    }
    // axe-core's own style elements are refused by the CSP: the other tests check the widget's.
    assert.deepEqual(errors.filter((error) => !/inline style/.test(error.message)), []);
  } finally {
    await browser.close();
  }
});

/** Counts, before any page script runs, camera tracks, workers, frame loops, timeouts and intervals. */
function countResources() {
  window.__tracks = [];
  const getUserMedia = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  navigator.mediaDevices.getUserMedia = async (constraints) => {
    const stream = await getUserMedia(constraints);
    window.__tracks.push(...stream.getTracks());
    return stream;
  };
  window.__workers = { started: 0, ended: 0 };
  const NativeWorker = window.Worker;
  window.Worker = class extends NativeWorker {
    constructor(...args) {
      super(...args);
      window.__workers.started += 1;
    }

    terminate() {
      if (!this.__ended) window.__workers.ended += 1;
      this.__ended = true;
      super.terminate();
    }
  };
  window.__frames = 0;
  const raf = window.requestAnimationFrame.bind(window);
  window.requestAnimationFrame = (callback) => { window.__frames += 1; return raf(callback); };
  const videoFrame = HTMLVideoElement.prototype.requestVideoFrameCallback;
  if (videoFrame) {
    HTMLVideoElement.prototype.requestVideoFrameCallback = function counted(callback) {
      window.__frames += 1;
      return videoFrame.call(this, callback);
    };
  }
  // Timeouts not yet fired nor cleared.
  window.__timeouts = new Set();
  const setTimeout = window.setTimeout.bind(window);
  const clearTimeout = window.clearTimeout.bind(window);
  window.setTimeout = (callback, ...rest) => {
    const id = setTimeout((...args) => {
      window.__timeouts.delete(id);
      if (typeof callback === 'function') callback(...args);
    }, ...rest);
    window.__timeouts.add(id);
    return id;
  };
  window.clearTimeout = (id) => { window.__timeouts.delete(id); clearTimeout(id); };
  window.__intervals = new Set();
  const setInterval = window.setInterval.bind(window);
  const clearInterval = window.clearInterval.bind(window);
  window.setInterval = (...args) => { const id = setInterval(...args); window.__intervals.add(id); return id; };
  window.clearInterval = (id) => { window.__intervals.delete(id); clearInterval(id); };
}

test('mounting and unmounting two widgets 50 times leaks no camera track, worker, frame loop, timer or listener', async (t) => {
  const clip = join(tmp.dir, 'embed-leak.y4m');
  testkit('blank', '--width', '320', '--height', '240', '--out', clip);
  const { browser, page, errors } = await launch({ clip });
  try {
    await page.addInitScript(countResources);
    await page.goto(`${env.host.url}/embed/?endpoint=${encodeURIComponent(env.api)}`);
    await page.locator('#visitor [data-test="scan"]').waitFor();
    // The demo's own widgets go first: the cycles below are the whole page.
    await page.evaluate(() => {
      document.getElementById('visitor').remove();
      document.getElementById('desk').remove();
    });
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const listeners = async () => {
      await cdp.send('HeapProfiler.collectGarbage');
      const { metrics } = await cdp.send('Performance.getMetrics');
      return metrics.find((metric) => metric.name === 'JSEventListeners').value;
    };
    const keys = (await (await fetch(`${env.api}/v1/keys`)).json()).keys
      .map(({ kid, public_key }) => ({ kid, public_key }));
    const cycles = (count) => page.evaluate(async ([count, api, trustedKeys]) => {
      const { mount } = await import('/widget.js');
      const live = () => window.__tracks.filter((track) => track.readyState === 'live').length;
      for (let i = 0; i < count; i += 1) {
        const scanning = document.createElement('div');
        const kiosk = document.createElement('div');
        document.body.append(scanning, kiosk);
        const [camera, desk] = await Promise.all([
          mount(scanning, { endpoint: api, trustedKeys }),
          mount(kiosk, { endpoint: api, trustedKeys, mode: 'kiosk', lang: 'en' }),
        ]);
        const before = window.__tracks.length;
        const workers = window.__workers.started;
        camera.scan();
        for (let wait = 0; window.__tracks.length === before && wait < 100; wait += 1) {
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        if (window.__tracks.length === before) throw new Error(`cycle ${i}: the camera did not start`);
        // Frames reach the decoder: its worker is running when the widget goes.
        for (let wait = 0; window.__workers.started === workers && wait < 200; wait += 1) {
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        if (window.__workers.started === workers) throw new Error(`cycle ${i}: no decoder worker started`);
        camera.unmount();
        desk.unmount();
        scanning.remove();
        kiosk.remove();
        // A camera still opening when the widget went stops as soon as it opens.
        for (let wait = 0; live() !== 0 && wait < 100; wait += 1) {
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        if (live() !== 0) throw new Error(`cycle ${i}: ${live()} camera tracks still live`);
      }
      return window.__tracks.length;
    }, [count, env.api, keys]);

    assert.equal(await cycles(5), 5);
    const warm = await listeners();
    const settle = () => page.evaluate(() => new Promise((resolve) => window.setTimeout(resolve, 1000)));
    await settle();
    const warmTimeouts = await page.evaluate(() => window.__timeouts.size);
    assert.equal(await cycles(45), 50, 'the camera opened in each of the 50 cycles');
    const leaks = await page.evaluate(async () => {
      const frames = window.__frames;
      await new Promise((resolve) => setTimeout(resolve, 1000));
      return {
        liveTracks: window.__tracks.filter((track) => track.readyState === 'live').length,
        workers: window.__workers.started - window.__workers.ended,
        framesSinceUnmount: window.__frames - frames,
        intervals: window.__intervals.size,
      };
    });
    assert.deepEqual(leaks, { liveTracks: 0, workers: 0, framesSinceUnmount: 0, intervals: 0 });
    const cold = await listeners();
    await settle();
    const coldTimeouts = await page.evaluate(() => window.__timeouts.size);
    t.diagnostic(`after 5 and 50 cycles: ${warm} and ${cold} listeners, ${warmTimeouts} and ${coldTimeouts} pending timeouts`);
    assert.ok(coldTimeouts <= warmTimeouts,
      `pending timeouts grew from ${warmTimeouts} to ${coldTimeouts} over 45 more cycles`);
    assert.ok(cold <= warm, `event listeners grew from ${warm} to ${cold} over 45 more cycles`);
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
  }
});
