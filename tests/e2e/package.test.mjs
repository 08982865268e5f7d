// The npm package as a portal uses it: the tarball `cargo xtask build --release` packs is
// installed into a scratch page project (no bundler), served by a plain static server on its own
// origin under a strict CSP, against the reference server on another origin (CORS).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scratch, startServer, launch, expectGenuineVenue } from './harness.mjs';

const VENUE_NAME = 'Nhà sách Tràng Tiền';
const EVENTS = ['ready', 'scan', 'checkin', 'checkout', 'error', 'pending'];

const tarball = process.env.VAORA_NPM_TARBALL;
if (!tarball) {
  throw new Error('VAORA_NPM_TARBALL is not set: run the end-to-end tests through `cargo xtask test`');
}

/** Runs npm in `cwd`; its output, or an error with what it printed. */
function npm(cwd, ...args) {
  return execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** The page project: an HTML page and its script, importing the package from node_modules. */
function writePageProject(project) {
  writeFileSync(join(project, 'index.html'), `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>A portal using the vaora package</title>
  <link rel="icon" href="data:,">
  <link rel="stylesheet" href="portal.css">
  <script type="module" src="app.js"></script>
</head>
<body>
  <h1>Visitors</h1>
  <div id="slot"></div>
</body>
</html>
`);
  // Host styles the widget must not pick up (and that must not be needed for it).
  writeFileSync(join(project, 'portal.css'), 'body { font: 20px serif; color: #800; }\n');
  writeFileSync(join(project, 'app.js'), `import './node_modules/vaora/vaora-checkin.js';

// What the test reads back: the widget's events and any CSP violation.
window.vaoraEvents = [];
window.cspViolations = [];
for (const type of ${JSON.stringify(EVENTS)}) {
  document.addEventListener('vaora:' + type, (event) => {
    window.vaoraEvents.push({ type, detail: event.detail, target: event.target.localName });
  });
}
document.addEventListener('securitypolicyviolation', (event) => {
  window.cspViolations.push(event.violatedDirective + ' ' + event.blockedURI);
});

const params = new URLSearchParams(location.search);
const widget = document.createElement('vaora-checkin');
for (const attribute of ['endpoint', 'venue', 'lang']) {
  const value = params.get(attribute);
  if (value !== null) widget.setAttribute(attribute, value);
}
document.getElementById('slot').append(widget);
`);
}

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
};

/**
 * A static server for `root` on a free port of 127.0.0.1, every answer with the strict CSP a
 * portal would send (`policy()`, read per request: the API's origin is known only later).
 */
async function staticServer(root, policy) {
  const server = createServer(async (request, response) => {
    const path = decodeURIComponent(new URL(request.url, 'http://x').pathname);
    const file = normalize(join(root, path.endsWith('/') ? `${path}index.html` : path));
    const type = MIME[extname(file)];
    if (!file.startsWith(root + sep) || !type) {
      response.writeHead(404).end();
      return;
    }
    try {
      const body = await readFile(file);
      response.writeHead(200, { 'content-type': type, 'content-security-policy': policy() });
      response.end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${server.address().port}` };
}

const env = {};

before(async () => {
  env.tmp = scratch();
  const project = join(env.tmp.dir, 'portal');
  mkdirSync(project);
  npm(project, 'init', '-y');
  npm(project, 'install', '--offline', '--no-audit', '--no-fund', tarball);
  writePageProject(project);
  env.project = project;
  const site = await staticServer(project, () => [
    "default-src 'none'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "worker-src 'self'",
    `connect-src 'self' ${env.server?.url ?? ''}`,
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "media-src 'self' blob: mediastream:",
    "base-uri 'none'",
    "object-src 'none'",
  ].join('; '));
  env.site = site;
  env.server = await startServer(env.tmp.dir, { args: ['--cors-origin', site.origin] });
});

after(() => {
  env.server?.stop();
  env.site?.server.close();
  env.tmp?.cleanup();
});

test('the tarball holds the package and none of the citizen page, the demo or compressed copies', () => {
  const entries = execFileSync('tar', ['tzf', tarball], { encoding: 'utf8' })
    .split('\n').filter(Boolean).map((entry) => entry.replace(/^package\//, ''));
  for (const file of ['package.json', 'README.md', 'widget.js', 'widget.d.ts', 'vaora-checkin.js',
    'vaora.js', 'vaora.d.ts', '__wasm_split.js', 'vaora_bg.wasm', 'worker-host.js', 'scan-worker.js',
    'vaora_scan_worker.js', 'vaora_scan_worker_bg.wasm', 'photo-worker.js', 'vaora_photo_worker.js',
    'vaora_photo_worker_bg.wasm', 'style.css', 'later.css', 'staff.css', 'embed.css']) {
    assert.ok(entries.includes(file), `${file} is in the tarball`);
  }
  assert.ok(entries.some((entry) => /^split_\w+\.wasm$/.test(entry)), 'the UI chunks are in it');
  for (const entry of entries) {
    assert.ok(!/(^|\/)(index\.html|main\.js|sw\.js|manifest\.webmanifest|config\.json)$/.test(entry),
      `${entry}: the citizen page's own files stay out`);
    assert.ok(!/\.(br|gz|png|svg)$/.test(entry), `${entry}: no compressed copies or icons`);
    assert.ok(!entry.startsWith('embed/'), `${entry}: the demo portal stays out`);
  }
});

test('the installed package resolves through its exports at the version of the build', () => {
  const installed = join(env.project, 'node_modules', 'vaora');
  const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'));
  assert.equal(manifest.name, 'vaora');
  assert.match(manifest.version, /^\d+\.\d+\.\d+/);
  assert.ok(tarball.endsWith(`vaora-${manifest.version}.tgz`), 'the tarball is named by the version');
  // Node resolves specifiers as bundlers do: each one lands on a shipped file.
  const resolved = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', `
    const specifiers = ['vaora', 'vaora/element', 'vaora/core', 'vaora/vaora_bg.wasm', 'vaora/package.json'];
    console.log(JSON.stringify(specifiers.map((s) => import.meta.resolve(s))));
  `], { cwd: env.project, encoding: 'utf8' }));
  const files = resolved.map((url) => fileURLToPath(url).slice(installed.length + 1));
  assert.deepEqual(files, ['widget.js', 'vaora-checkin.js', 'vaora.js', 'vaora_bg.wasm', 'package.json']);
});

test('a page of the scratch project shows the element from the package under a strict CSP', async () => {
  const { posterUrl, venueId } = await env.server.registerVenue(VENUE_NAME);
  const { browser, page, errors } = await launch();
  const requests = [];
  page.on('request', (request) => requests.push(request.url()));
  try {
    const query = new URLSearchParams({ endpoint: env.server.url, venue: posterUrl, lang: 'en' });
    await page.goto(`${env.site.origin}/index.html?${query}`);

    // Mounted in its shadow root, with the styles of the package and not the host's.
    // (A failed mount is a `vaora:error` from the element: CORS or the CSP, say.)
    await page.waitForFunction(() => window.vaoraEvents.some(({ type }) => type === 'ready' || type === 'error'));
    const events = await page.evaluate(() => window.vaoraEvents);
    const ready = events.find((event) => event.type === 'ready');
    assert.ok(ready, `the widget did not mount: ${JSON.stringify(events)}`);
    assert.deepEqual(ready, { type: 'ready', detail: { mode: 'citizen' }, target: 'vaora-checkin' });
    const dom = await page.locator('vaora-checkin').evaluate((element) => ({
      shadow: element.shadowRoot?.querySelector('[part="root"]') !== null,
      light: element.children.length,
      font: getComputedStyle(element.shadowRoot.querySelector('[part="root"]')).fontFamily,
    }));
    assert.ok(dom.shadow, 'the widget is drawn in an open shadow root');
    assert.equal(dom.light, 0, 'nothing of the widget in the host page\'s DOM');
    assert.doesNotMatch(dom.font, /^serif$/, 'the host\'s font stops at the shadow root');

    // The `venue` attribute opens the venue, verified with the endpoint's published keys.
    await expectGenuineVenue(page);
    await page.getByText(VENUE_NAME).first().waitFor();
    const scan = await page.evaluate(() => window.vaoraEvents.find((event) => event.type === 'scan'));
    assert.equal(scan?.detail.kind, 'venue');
    assert.equal(scan.detail.venueId, venueId);
    assert.equal(scan.detail.venueName, VENUE_NAME);

    // The JS API of the same package: a typed error for a bad option.
    const refused = await page.evaluate(async (endpoint) => {
      const { mount, VaoraOptionsError } = await import(new URL('node_modules/vaora/widget.js', location.href));
      const element = document.createElement('div');
      document.body.append(element);
      try {
        await mount(element, { endpoint, colour: 'red' });
        return 'mounted';
      } catch (error) {
        return { typed: error instanceof VaoraOptionsError, code: error.code, option: error.option };
      } finally {
        element.remove();
      }
    }, env.server.url);
    assert.deepEqual(refused, { typed: true, code: 'unknown_option', option: 'colour' });

    // Every file from the portal's origin, only the API from the server's.
    const api = requests.filter((url) => url.startsWith(env.server.url));
    assert.ok(api.some((url) => url.startsWith(`${env.server.url}/v1/keys`)), 'the keys came from the endpoint');
    assert.ok(api.every((url) => new URL(url).pathname.startsWith('/v1/')), `only the API: ${api}`);
    assert.ok(requests.some((url) => url.startsWith(`${env.site.origin}/node_modules/vaora/`) && url.endsWith('.wasm')),
      'the wasm came from the portal\'s own origin');
    assert.deepEqual(await page.evaluate(() => window.cspViolations), []);
    assert.deepEqual(errors.map(String), []);
  } finally {
    await browser.close();
  }
});
