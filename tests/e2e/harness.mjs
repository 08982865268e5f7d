// Shared pieces of the end-to-end tests: a real reference server on a free port with a fresh
// SQLite database, Chromium with a fake camera playing a generated clip, and the testkit that
// renders QR codes into clips and photos. Paths come from `cargo xtask test`.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the end-to-end tests through \`cargo xtask test\``);
  return value;
}

/** A scratch directory removed by `cleanup()`. */
export function scratch() {
  const dir = mkdtempSync(join(tmpdir(), 'vaora-e2e-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * One server with a fresh database and a scratch directory for the calling test file, started
 * before its first test and removed after its last. Read `.server` and `.dir` inside tests.
 */
export function serverPerFile() {
  const env = { server: null, dir: null };
  let tmp;
  before(async () => {
    tmp = scratch();
    env.dir = tmp.dir;
    env.server = await startServer(tmp.dir);
  });
  after(() => {
    env.server?.stop();
    tmp?.cleanup();
  });
  return env;
}

/**
 * Starts vaora-server with a new database and the demo venue, serving the app from `pkg`, with
 * any further command-line `args`; resolves once it listens.
 */
export async function startServer(dir, { pkg = required('VAORA_PKG'), args = [] } = {}) {
  const adminToken = randomBytes(16).toString('hex');
  // A few real units (two provinces, three wards) for the declaration's unit picker.
  const units = join(dir, 'units.csv');
  writeFileSync(units, [
    'code,name,type,parent',
    '01,Thành phố Hà Nội,thành phố,',
    '00004,Phường Ba Đình,phường,01',
    '00008,Phường Ngọc Hà,phường,01',
    '79,Thành phố Hồ Chí Minh,thành phố,',
    '26734,Phường Sài Gòn,phường,79',
  ].join('\n') + '\n');
  const child = spawn(required('VAORA_SERVER_BIN'), [
    '--addr', '127.0.0.1:0',
    '--db', join(dir, 'vaora.sqlite'),
    '--static', pkg,
    '--units', units,
    '--seed-demo',
    ...args,
  ], { env: { ...process.env, VAORA_ADMIN_TOKEN: adminToken }, stdio: ['ignore', 'pipe', 'inherit'] });
  const banner = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 20_000);
    child.on('exit', (code) => reject(new Error(`server exited (${code}):\n${out}`)));
    child.stdout.on('data', (chunk) => {
      out += chunk;
      if (/listening on \S+/.test(out)) {
        clearTimeout(timer);
        resolve(out);
      }
    });
  });
  const field = (label) => banner.match(new RegExp(`${label}:\\s+(.+)`))?.[1]?.trim();
  const url = banner.match(/listening on (\S+)/)[1];
  const shortCode = field('venue').match(/short code ([0-9A-Z-]+)/)[1];
  return {
    url,
    posterUrl: field('poster'),
    shortCode,
    /** The demo venue's staff sign-in link (a new token at every start). */
    staffUrl: field('staff'),
    /** The administrator's bearer token, for tests that call the authorised API themselves. */
    adminToken,
    /** The stored check-in, read back through the server's authorised API. */
    async checkin(id) {
      const response = await fetch(`${url}/v1/admin/checkins/${id}?purpose=end-to-end%20test`, {
        headers: { authorization: `Bearer ${adminToken}` },
      });
      return { status: response.status, body: await response.json() };
    },
    /**
     * Registers another venue (kind: a shop, 30 minutes' stay); its poster URL, id and the staff
     * sign-in link.
     */
    async registerVenue(name) {
      const response = await fetch(`${url}/v1/venues`, {
        method: 'POST',
        headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name, unit_code: '00004', kind: 'shop', address: '1 Hàng Bạc' }),
      });
      assert.equal(response.status, 201, `registering ${name}`);
      const venue = await response.json();
      return { posterUrl: venue.poster_url, venueId: venue.venue_id, staffUrl: venue.staff_url };
    },
    /** Publishes a new version of the declaration form (administrator). */
    async publishForm(form) {
      const response = await fetch(`${url}/v1/admin/declaration-form`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(form),
      });
      assert.ok(response.ok, `publishing form version ${form.version}: ${response.status}`);
    },
    /** The id of the venue with this short code. */
    async venueId(code = shortCode) {
      const response = await fetch(`${url}/v1/venues/${code}`);
      return (await response.json()).venue_id;
    },
    /** Every check-in the server stores at `venueId` (over the last and next day). */
    async checkinsAt(venueId) {
      const now = Date.now();
      const query = `venue_id=${venueId}&from=${now - 86_400_000}&to=${now + 86_400_000}&purpose=end-to-end%20test`;
      const response = await fetch(`${url}/v1/trace?${query}`, {
        headers: { authorization: `Bearer ${adminToken}` },
      });
      assert.equal(response.status, 200, 'trace answers');
      return (await response.json()).checkins;
    },
    stop() {
      child.removeAllListeners('exit');
      child.kill('SIGTERM');
    },
  };
}

/** Runs vaora-testkit (clips and photos of QR codes). */
export function testkit(...args) {
  execFileSync(required('VAORA_TESTKIT_BIN'), args, { stdio: ['ignore', 'ignore', 'inherit'] });
}

/** The texts of the codes in an image, read by our own decoder (`vaora-testkit decode`). */
export function decodeImage(file) {
  const out = execFileSync(required('VAORA_TESTKIT_BIN'), ['decode', file],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  return out.split('\n').filter((line) => line !== '');
}

/**
 * Launches Chromium. `clip`: a Y4M file played as the camera; `grantCamera: false` leaves out
 * the fake-UI flag so getUserMedia is refused (NotAllowedError); `serviceWorkers: 'block'`
 * keeps the offline worker out, for tests whose `page.route` must see every request (requests a
 * service worker answers never reach it). `context` can open more pages sharing the worker.
 */
export async function launch({ clip, grantCamera = true, serviceWorkers = 'allow' } = {}) {
  const args = [
    '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--use-fake-device-for-media-stream', '--js-flags=--expose-gc',
  ];
  if (grantCamera) args.push('--use-fake-ui-for-media-stream');
  if (clip) args.push(`--use-file-for-fake-video-capture=${clip}`);
  const browser = await chromium.launch({ executablePath: required('VAORA_CHROMIUM'), headless: true, args });
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, serviceWorkers });
  const page = await context.newPage();
  const errors = [];
  watchErrors(page, errors);
  return { browser, context, page, errors };
}

/** Collects the page's uncaught errors and console errors into `errors`. */
export function watchErrors(page, errors) {
  page.on('pageerror', (err) => { errors.push(err); console.error('[page error]', err.message); });
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(new Error(msg.text()));
    if (msg.type() === 'warning' && msg.text().startsWith('Vaora:')) console.error('[page warning]', msg.text());
  });
}

/** The element with `data-test=name`. */
export const byTest = (page, name) => page.locator(`[data-test="${name}"]`);

/** Waits for the venue screen (a decode can take a few frames) and checks the code is genuine. */
export async function expectGenuineVenue(page) {
  await byTest(page, 'venue').waitFor({ timeout: 20_000 });
  assert.equal(await byTest(page, 'venue').getAttribute('data-genuine'), 'true');
}

/** Opens the app at `url`, taps Scan, and expects the camera to read a genuine venue code. */
export async function scanVenue(page, url) {
  await page.goto(url);
  await byTest(page, 'scan').click();
  await expectGenuineVenue(page);
}

/**
 * Fills the declaration (the server's reference form, drawn from data) with valid answers
 * (overridable; `idNumber` fills the optional ID number) and submits it. The unit is picked
 * with the province and ward selects.
 */
export async function declareAndSubmit(page, answers = {}) {
  await declare(page, answers);
  await byTest(page, 'submit').click();
}

/** Fills the declaration as `declareAndSubmit` does, without submitting it. */
export async function declare(page, answers = {}) {
  const a = { name: 'Nguyễn Thị Ánh', phone: '0912 345 678', year: '1990', ...answers };
  await byTest(page, 'q-full_name').fill(a.name);
  if (a.idNumber) await byTest(page, 'q-id_number').fill(a.idNumber);
  await byTest(page, 'q-birth_year').fill(a.year);
  await byTest(page, 'q-gender-female').check();
  await byTest(page, 'q-nationality').fill('Việt Nam');
  await byTest(page, 'q-residence_unit-province').selectOption('01');
  await byTest(page, 'q-residence_unit-ward').selectOption('00004');
  await byTest(page, 'q-address').fill('12 Hàng Bạc');
  await byTest(page, 'q-phone').fill(a.phone);
  await byTest(page, 'q-symptoms-cough').check();
  await byTest(page, 'q-contact_case-no').check();
  await byTest(page, 'q-contact_affected_country-no').check();
  await byTest(page, 'q-contact_symptomatic-no').check();
  await byTest(page, 'q-consent').check();
}

/**
 * Opens `posterUrl`, declares with the full form and checks in; the delivered check-in's id.
 * (On a device that declared before, the form is replaced by the one-tap revisit.)
 */
export async function checkInAtPoster(page, posterUrl, answers = {}) {
  await page.goto(posterUrl);
  await expectGenuineVenue(page);
  await byTest(page, 'declare').click();
  await declareAndSubmit(page, answers);
  return confirmedId(page);
}

/**
 * The check-in id shown on the confirmation screen, once the confirmation says the server has
 * it (the check-in is stored on the device first, then delivered by the outbox).
 */
export async function confirmedId(page) {
  await byTest(page, 'done').waitFor({ timeout: 15_000 });
  const delivered = page.locator('[data-test="done-visit"][data-delivery="delivered"]').first();
  await delivered.waitFor({ timeout: 15_000 });
  return (await delivered.locator('[data-test="done-id"]').textContent()).trim();
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32 without padding, as in venue-code payloads. */
export function base32Decode(text) {
  let bits = 0, value = 0;
  const out = [];
  for (const ch of text) {
    value = (value << 5) | BASE32.indexOf(ch);
    bits += 5;
    if (bits >= 8) { out.push((value >>> (bits - 8)) & 0xff); bits -= 8; }
  }
  return Uint8Array.from(out);
}

export function base32Encode(bytes) {
  let bits = 0, value = 0, out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) { out += BASE32[(value >>> (bits - 5)) & 31]; bits -= 5; }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}
